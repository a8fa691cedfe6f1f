package org.xenproject.eliloader.source;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.MessageText;

/**
 * The NFS spellings of {@code install-repository}, parsed for {@link Repository#parse}:
 * {@code nfs:server:/path} (mount(8)'s, path verbatim), {@code nfs://server/path},
 * {@code nfs://server:/path} and {@code nfs://server:PORT/path} (URL spellings, {@code %XX}
 * decoded); IPv6 literals in brackets. The path is normalised ("//" and "." removed) and ".."
 * refused: a repository path that climbs is a mistake better reported than guessed at.
 *
 * @param host the server, IPv6 literals without brackets
 * @param port the NFS port given, -1 when the portmapper is to be asked
 * @param path the absolute, normalised path of the tree on the server
 */
record NfsForms(String host, int port, String path) {
    private static final String FORMS = "expected nfs:server:/path or nfs://server[:port]/path";

    /**
     * Parses an NFS repository location.
     *
     * @throws BootloaderException INVALID_SOURCE when {@code url} is not an NFS location
     */
    static NfsForms parse(String url) {
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
        return new NfsForms(host, port, normalise(url, rawPath));
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
