package org.xenproject.eliloader.source;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * A validated proxy, a VM's {@code other-config:install-proxy} or else the host's
 * {@code http-proxy}: {@code http://[USER[:PASSWORD]@]HOST[:PORT][/]} (port 3128 when omitted, as
 * squid's). Plain http requests go through it as absolute-URI requests (so a caching proxy such as
 * squid or nginx {@code proxy_cache} serves a pool's hosts from one copy), https and ftp through
 * CONNECT tunnels; credentials are sent as Basic proxy authentication. {@code origin} names where
 * it was set, for messages.
 */
public record ProxySetting(String host, int port, String user, String password, String origin) {
    public static final int DEFAULT_PORT = 3128;

    /** The proxy the options name, or null for direct connections. */
    public static ProxySetting of(SourceOptions options) {
        return options.proxy() == null ? null : parse(options.proxy(), options.proxyOrigin());
    }

    /**
     * How a repository of {@code scheme} is reached with these options, one line for the log and
     * {@code probe}: http through the proxy, https and ftp through CONNECT tunnels; smb and nfs
     * cannot use an HTTP proxy and connect directly, which is said when a proxy is set.
     */
    public static String route(Repository.Scheme scheme, SourceOptions options) {
        ProxySetting proxy = of(options);
        return switch (scheme) {
            case FILE, CDROM -> "local";
            case HTTP -> proxy == null ? "direct" : "through the proxy " + proxy + " (" + proxy.origin + ")";
            case HTTPS, FTP -> proxy == null ? "direct" : "through the proxy " + proxy + " (" + proxy.origin
                    + "), a CONNECT tunnel";
            default -> proxy == null ? "direct" : "direct: " + scheme.installMethod()
                    + " cannot go through the HTTP proxy " + proxy + " (" + proxy.origin + ")";
        };
    }

    public static ProxySetting parse(String text, String origin) {
        String value = text.strip();
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(origin, value, "it is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw invalid(origin, value, "only http:// proxies are supported (https sites are reached through CONNECT)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(origin, value, "it names no host");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw invalid(origin, value, "a proxy URL has no path, query or fragment");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw invalid(origin, value, "the port is out of range");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        return new ProxySetting(uri.getHost(), port, user, password, origin);
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

    private static BootloaderException invalid(String origin, String value, String why) {
        return BootloaderException.invalidSource(origin + " \"" + Repository.mask(value)
                + "\" is not usable: " + why + "; expected http://[USER[:PASSWORD]@]HOST[:PORT].");
    }
}
