package org.xenproject.eliloader.source;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.error.Secrets;
import org.xenproject.eliloader.source.nfs.NfsLocation;

/**
 * An {@code install-repository} value, parsed once into its parts: scheme, server, port, path,
 * user (and SMB domain) and the password written in the URL. Keeps the text as the user wrote it
 * ({@link #location()}: the installer is given the same location) and a masked form for messages.
 *
 * <p>The accepted forms are those of README "Repositories":
 * {@code http[s]://[USER[:PASSWORD]@]HOST[:PORT]/PATH}, {@code ftp://…} likewise (path relative to
 * the login directory, {@code /%2F…} absolute), {@code smb://[DOMAIN;]USER[:PASSWORD]@SERVER[:PORT]/SHARE/PATH}
 * (or {@code DOMAIN%5CUSER}), {@code nfs:SERVER:/PATH}, {@code nfs://SERVER[:PORT]/PATH},
 * {@code nfs://SERVER:/PATH}, {@code cdrom}, {@code file:///PATH} and {@code file://localhost/PATH}.
 * An unknown scheme is {@code UNSUPPORTED_INSTALL_METHOD}; a malformed value of a known scheme
 * is {@code INVALID_SOURCE}. Messages never carry the password.
 */
public final class Repository {

    /** The repository kinds; {@code installMethod} is the name templates use in {@code install-methods}. */
    public enum Scheme {
        HTTP("http", 80), HTTPS("https", 443), FTP("ftp", 21), NFS("nfs", -1), SMB("smb", 445), CDROM("cdrom", -1),
        FILE("file", -1);

        private final String installMethod;
        private final int defaultPort;

        Scheme(String installMethod, int defaultPort) {
            this.installMethod = installMethod;
            this.defaultPort = defaultPort;
        }

        public String installMethod() {
            return installMethod;
        }

        /** The port used when the URL names none; -1 when the scheme has none (nfs asks the portmapper). */
        public int defaultPort() {
            return defaultPort;
        }
    }

    private final Scheme scheme;
    private final String location;
    private final String host;
    private final int explicitPort;
    private final String rawPath;
    private final String path;
    private final String user;
    private final String domain;
    private final String password;

    private Repository(Scheme scheme, String location, String host, int explicitPort, String rawPath, String path,
            String user, String domain, String password) {
        this.scheme = scheme;
        this.location = location;
        this.host = host;
        this.explicitPort = explicitPort;
        this.rawPath = rawPath;
        this.path = path;
        this.user = user;
        this.domain = domain;
        this.password = password;
    }

    /**
     * Parses an {@code install-repository} value.
     *
     * @throws BootloaderException UNSUPPORTED_INSTALL_METHOD for an unknown scheme, INVALID_SOURCE
     *                             for a malformed value of a known one
     */
    public static Repository parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.equals("cdrom")) {
            return new Repository(Scheme.CDROM, value, null, -1, "", "", null, null, null);
        }
        String lower = value.toLowerCase(Locale.ROOT);
        for (Scheme scheme : Scheme.values()) {
            if (scheme != Scheme.CDROM && lower.startsWith(scheme.installMethod() + "://")) {
                return scheme == Scheme.NFS ? nfs(value) : url(scheme, value);
            }
        }
        if (lower.startsWith("nfs:")) {
            return nfs(value);
        }
        throw BootloaderException.unsupportedInstallMethod("other-config:install-repository \"" + MessageText.printable(mask(value))
                + "\" is not a supported repository (http, https, ftp, nfs, smb, file or cdrom).");
    }

    private static Repository nfs(String value) {
        NfsForms nfs = NfsForms.parse(value); // its messages name the NFS forms
        return new Repository(Scheme.NFS, value, nfs.host(), nfs.port(), nfs.path(), nfs.path(), null, null, null);
    }

    /** http, https, ftp, smb and file: {@code scheme://[userinfo@]host[:port][/path][?query][#fragment]}. */
    private static Repository url(Scheme scheme, String value) {
        checkCharacters(value);
        String rest = value.substring(scheme.installMethod().length() + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String tail = slash < 0 ? "" : rest.substring(slash);
        // the user info ends at the last '@' before the path, as mask() sees it
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? null : authority.substring(0, at);
        String hostPort = authority.substring(at + 1);
        int query = indexOfAny(hostPort, "?#");
        if (query >= 0) { // http://host?x: the query belongs to the (empty) path
            tail = hostPort.substring(query) + tail;
            hostPort = hostPort.substring(0, query);
        }
        String host;
        int port = -1;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw invalid(value, "an unterminated [ in the server address");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw invalid(value, "text after the server address");
            }
            port = after.length() > 1 ? port(value, after.substring(1)) : -1;
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 || colon == hostPort.length() - 1 ? -1 : port(value, hostPort.substring(colon + 1));
            for (int i = 0; i < host.length(); i++) {
                if (" []:%\\".indexOf(host.charAt(i)) >= 0) {
                    throw invalid(value, "an invalid character in the server name");
                }
            }
        }
        int end = indexOfAny(tail, "?#");
        String raw = end < 0 ? tail : tail.substring(0, end);
        if (end >= 0 && scheme != Scheme.HTTP && scheme != Scheme.HTTPS) {
            throw BootloaderException.invalidSource("The repository " + mask(value) + " has a query or fragment, which "
                    + scheme.installMethod() + " repositories do not take.");
        }
        String user = null;
        String password = null;
        String domain = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(value, colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(value, userInfo.substring(colon + 1));
            if (password != null && password.isEmpty()) {
                password = null; // USER:@HOST says no more than USER@HOST
            }
        }
        String path;
        switch (scheme) {
            case HTTP, HTTPS -> {
                requireHost(scheme, value, host);
                path = decode(value, raw);
            }
            case FTP -> {
                requireHost(scheme, value, host);
                path = ftpPath(value, raw);
            }
            case SMB -> {
                requireHost(scheme, value, host);
                if (user != null) {
                    // DOMAIN;USER as the smb URL draft has it, or DOMAIN\USER as Windows writes it
                    int separator = user.indexOf(';') >= 0 ? user.indexOf(';') : user.indexOf('\\');
                    if (separator >= 0) {
                        domain = user.substring(0, separator);
                        user = user.substring(separator + 1);
                    }
                    if (user.isEmpty()) {
                        throw BootloaderException.invalidSource("The repository " + mask(value) + " names an empty user.");
                    }
                }
                path = decode(value, raw);
                if (path.replace("/", "").isEmpty()) {
                    throw BootloaderException.invalidSource("The repository " + mask(value)
                            + " names no share; write it as smb://[DOMAIN;]USER@SERVER[:PORT]/SHARE/PATH.");
                }
            }
            case FILE -> {
                if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
                    throw BootloaderException.invalidSource("The repository " + mask(value) + " names the host "
                            + MessageText.printable(host) + "; file:// repositories are local: file:///PATH.");
                }
                if (userInfo != null || port >= 0) {
                    throw invalid(value, "a user or port, which file:// repositories do not take");
                }
                path = decode(value, raw);
                if (!path.startsWith("/")) {
                    throw BootloaderException.invalidSource("The repository " + mask(value)
                            + " names no absolute directory; write it as file:///PATH.");
                }
            }
            default -> throw new IllegalStateException(scheme.name());
        }
        if (path.indexOf('\0') >= 0) {
            throw invalid(value, "a NUL character in the path");
        }
        if (user != null && user.isEmpty()) {
            user = null; // http://@host, ftp://@host: no user (smb refused it above)
        }
        return new Repository(scheme, value, host, port, raw, path, user, domain, password);
    }

    /** RFC 1738: the path is relative to the login directory; a leading %2F makes it absolute. */
    private static String ftpPath(String value, String raw) {
        boolean absolute = raw.regionMatches(true, 0, "/%2F", 0, 4);
        String decoded = decode(value, absolute ? raw.substring(4) : raw);
        StringBuilder b = new StringBuilder(absolute ? "/" : "");
        for (String segment : decoded.split("/")) {
            if (!segment.isEmpty()) {
                b.append(segment).append('/');
            }
        }
        return b.toString();
    }

    private static void requireHost(Scheme scheme, String value, String host) {
        if (host.isEmpty()) {
            String what = switch (scheme) {
                case FTP -> "FTP server";
                case SMB -> "SMB server";
                default -> "server";
            };
            throw BootloaderException.invalidSource("The repository " + mask(value) + " names no " + what + ".");
        }
    }

    public Scheme scheme() {
        return scheme;
    }

    /** The value as written (stripped of surrounding blanks): installers are told this text. */
    public String location() {
        return location;
    }

    /** The server name or address (IPv6 without brackets); null for cdrom, "" or "localhost" for file. */
    public String host() {
        return host;
    }

    /** The port the URL names, or the scheme's default ({@link Scheme#defaultPort()}, -1 when none). */
    public int port() {
        return explicitPort >= 0 ? explicitPort : scheme.defaultPort();
    }

    /** The port as written in the URL, if any. */
    public OptionalInt explicitPort() {
        return explicitPort < 0 ? OptionalInt.empty() : OptionalInt.of(explicitPort);
    }

    /**
     * The path, percent-decoded. http(s), smb and file: as written after the server
     * ({@code /tree/}, {@code /SHARE/PATH}, {@code /srv/tree}); ftp: relative to the login
     * directory ({@code pub/tree/}, empty for the login directory itself) or absolute
     * ({@code /srv/tree/}, from {@code /%2Fsrv/tree}), ending in '/' when not empty; nfs: the
     * absolute normalised path on the server; cdrom: empty.
     */
    public String path() {
        return path;
    }

    /** The path as written, percent escapes kept (http requests send it so). */
    public String rawPath() {
        return rawPath;
    }

    /** The user named in the URL, percent-decoded, without the SMB domain; null when none. */
    public String user() {
        return user;
    }

    /** The SMB domain ({@code DOMAIN;USER} or {@code DOMAIN%5CUSER}); null when none. */
    public String domain() {
        return domain;
    }

    /** The password written in the URL, percent-decoded; null when none. Never for messages. */
    public String password() {
        return password;
    }

    public boolean isCdrom() {
        return scheme == Scheme.CDROM;
    }

    /** The location without a trailing slash, as installers are told it. */
    public String withoutTrailingSlash() {
        String s = location;
        while (s.endsWith("/") && s.length() > 1) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** The location for messages and logs: any password in the URL is replaced. */
    public String masked() {
        return mask(location);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Repository other && scheme == other.scheme && location.equals(other.location);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, location);
    }

    /** Masked: a repository printed by accident must not show its password. */
    @Override
    public String toString() {
        return masked();
    }

    /** A URL (or any text holding one) for messages: {@link Secrets#mask}, bounded by {@link MessageText}. */
    public static String mask(String url) {
        return MessageText.printable(Secrets.mask(url));
    }

    /** Masks every secret in a text such as a library's exception message ({@link Secrets#mask}). */
    public static String maskAll(String text) {
        return Secrets.mask(text);
    }

    // ---- parsing helpers ---------------------------------------------------------------

    private static void checkCharacters(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' || c == 0x7f) {
                throw invalid(value, "a control character");
            }
        }
    }

    private static int port(String value, String digits) {
        int port = 0;
        if (digits.isEmpty() || digits.length() > 5) {
            throw invalid(value, "an invalid port");
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(value, "an invalid port");
            }
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) {
            throw invalid(value, "an invalid port");
        }
        return port;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String decode(String value, String s) {
        String decoded = percentDecode(s);
        if (decoded == null) {
            throw invalid(value, "an invalid % escape");
        }
        return decoded;
    }

    /**
     * Percent-decodes UTF-8, for every scheme's URL parts; '+' stays '+' (it means a space only in
     * forms, not in URL paths). Null when an escape is not two hex digits.
     */
    public static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '%') {
                out.write(bytes[i]);
                continue;
            }
            int high = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
            int low = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
            if (high < 0 || low < 0) {
                return null;
            }
            out.write(high * 16 + low);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static BootloaderException invalid(String value, String what) {
        return BootloaderException.invalidSource("The repository " + MessageText.printable(mask(value)) + " is not a valid URL: it has "
                + what + ".");
    }
}
