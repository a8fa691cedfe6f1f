package org.xenproject.eliloader.source.nfs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.error.MessageText;

/**
 * Where an NFS install tree is: server, optional NFS port, and the absolute path of the
 * tree on the server (an export, or a directory below one).
 *
 * <p>Accepted spellings, as XenServer templates and administrators write them:
 * <ul>
 *   <li>{@code nfs:server:/path} &mdash; the mount(8) spelling, path taken verbatim;</li>
 *   <li>{@code nfs://server/path} and {@code nfs://server:/path} &mdash; URL spellings
 *       (the second is the mount spelling pasted into a URL);</li>
 *   <li>{@code nfs://server:2049/path} &mdash; with the NFS port, for servers whose
 *       portmapper does not list NFS.</li>
 * </ul>
 * IPv6 literals go in brackets. In the URL spellings {@code %XX} escapes are decoded.
 * The path is normalised ("//" and "." removed); ".." is refused, since a repository
 * path that climbs is a mistake better reported than guessed at.
 */
public final class NfsLocation {
    private static final String FORMS = "expected nfs:server:/path or nfs://server[:port]/path";

    private final String host;
    private final int port;
    private final String path;

    private NfsLocation(String host, int port, String path) {
        this.host = host;
        this.port = port;
        this.path = path;
    }

    /**
     * Parses a repository location.
     *
     * @throws BootloaderException INVALID_SOURCE when {@code url} is not an NFS location
     */
    public static NfsLocation parse(String url) {
        if (url == null || url.length() < 4 || !url.regionMatches(true, 0, "nfs:", 0, 4)) {
            throw invalid(url, "not an nfs: location");
        }
        String rest = url.substring(4);
        boolean urlForm = rest.startsWith("//");
        if (urlForm) {
            rest = rest.substring(2);
        }
        String host;
        int afterHost;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw invalid(url, "unterminated [ in the server address");
            }
            host = rest.substring(1, close);
            afterHost = close + 1;
        } else {
            int end = 0;
            while (end < rest.length() && rest.charAt(end) != ':' && rest.charAt(end) != '/') {
                end++;
            }
            host = rest.substring(0, end);
            afterHost = end;
        }
        checkHost(url, host);
        String tail = rest.substring(afterHost);
        int port = -1;
        String rawPath;
        if (urlForm) {
            if (tail.startsWith(":")) {
                int slash = tail.indexOf('/');
                String digits = slash < 0 ? tail.substring(1) : tail.substring(1, slash);
                port = digits.isEmpty() ? -1 : parsePort(url, digits);
                tail = slash < 0 ? "" : tail.substring(slash);
            }
            if (!tail.isEmpty() && tail.charAt(0) != '/') {
                throw invalid(url, "unexpected text after the server name");
            }
            rawPath = Repository.percentDecode(tail);
            if (rawPath == null) {
                throw invalid(url, "invalid % escape in the path");
            }
        } else {
            if (!tail.startsWith(":/")) {
                throw invalid(url, "the path must follow the server name after ':' and start with '/'");
            }
            rawPath = tail.substring(1);
        }
        return new NfsLocation(host, port, normalise(url, rawPath));
    }

    /** The NFS location of a repository {@link Repository#parse} has parsed (with {@link #parse}). */
    public static NfsLocation of(Repository repository) {
        if (repository.scheme() != Repository.Scheme.NFS) {
            throw invalid(repository.masked(), "not an nfs: location");
        }
        return new NfsLocation(repository.host(), repository.explicitPort().orElse(-1), repository.path());
    }

    /** The server name or address, IPv6 literals without brackets. */
    public String host() {
        return host;
    }

    /** The NFS port given in the location; when absent the portmapper is asked. */
    public OptionalInt port() {
        return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** The absolute, normalised path of the tree on the server; "/" for the root. */
    public String path() {
        return path;
    }

    /** The canonical URL spelling: {@code nfs://server[:port]/path}. */
    public String toUrl() {
        StringBuilder b = new StringBuilder("nfs://");
        b.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        if (port >= 0) {
            b.append(':').append(port);
        }
        return b.append(path).toString();
    }

    /**
     * {@code relative} (a '/'-separated path inside the tree) as a location for messages,
     * e.g. {@code nfs://server/export/images/xen/vmlinuz}.
     */
    public String describe(String relative) {
        String url = toUrl();
        if (relative == null || relative.isEmpty()) {
            return url;
        }
        String clean = relative.startsWith("/") ? relative.substring(1) : relative;
        return url.endsWith("/") ? url + clean : url + "/" + clean;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NfsLocation)) {
            return false;
        }
        NfsLocation other = (NfsLocation) o;
        return host.equals(other.host) && port == other.port && path.equals(other.path);
    }

    @Override
    public int hashCode() {
        return (host.hashCode() * 31 + port) * 31 + path.hashCode();
    }

    @Override
    public String toString() {
        return toUrl();
    }

    private static void checkHost(String url, String host) {
        if (host.isEmpty()) {
            throw invalid(url, "no server name");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '@') {
                throw invalid(url, "NFS locations carry no user name");
            }
            if (c <= ' ' || c == '/' || c == '\\' || c == '?' || c == '#' || c == 0x7f) {
                throw invalid(url, "invalid character in the server name");
            }
        }
    }

    private static int parsePort(String url, String digits) {
        if (digits.length() > 5) {
            throw invalid(url, "invalid port " + digits);
        }
        int port = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(url, "invalid port " + digits);
            }
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) {
            throw invalid(url, "invalid port " + digits);
        }
        return port;
    }

    private static String normalise(String url, String raw) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < raw.length()) {
            int slash = raw.indexOf('/', i);
            int end = slash < 0 ? raw.length() : slash;
            String part = raw.substring(i, end);
            i = end + 1;
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw invalid(url, "'..' in the path");
            }
            for (int k = 0; k < part.length(); k++) {
                if (part.charAt(k) < ' ' || part.charAt(k) == 0x7f) {
                    throw invalid(url, "control character in the path");
                }
            }
            b.append('/').append(part);
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    private static BootloaderException invalid(String url, String reason) {
        return BootloaderException.invalidSource("invalid NFS repository location '" + MessageText.printable(url) + "': "
                + reason + "; " + FORMS);
    }

}
