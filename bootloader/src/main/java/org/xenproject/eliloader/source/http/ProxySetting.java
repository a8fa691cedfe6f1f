package org.xenproject.eliloader.source.http;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.Repository;

/**
 * A validated {@code other-config:install-proxy}: {@code http://[USER[:PASSWORD]@]HOST[:PORT][/]}
 * (port 3128 when omitted, as squid's). Plain http requests go through it as absolute-URI
 * requests, https through a CONNECT tunnel; credentials are sent as Basic proxy authentication.
 */
public record ProxySetting(String host, int port, String user, String password) {
    public static final int DEFAULT_PORT = 3128;

    public static ProxySetting parse(String text) {
        String value = text.strip();
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(value, "it is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw invalid(value, "only http:// proxies are supported (https sites are reached through CONNECT)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(value, "it names no host");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw invalid(value, "a proxy URL has no path, query or fragment");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw invalid(value, "the port is out of range");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        return new ProxySetting(uri.getHost(), port, user, password);
    }

    public Proxy proxy() {
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
    }

    /** The proxy for messages, without its password. */
    public String describe() {
        return "http://" + (user == null ? "" : user + "@") + host + ":" + port;
    }

    @Override
    public String toString() {
        return describe();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static BootloaderException invalid(String value, String why) {
        return BootloaderException.invalidSource("other-config:install-proxy \"" + Repository.mask(value)
                + "\" is not usable: " + why + "; expected http://[USER[:PASSWORD]@]HOST[:PORT].");
    }
}
