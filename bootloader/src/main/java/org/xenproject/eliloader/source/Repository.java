package org.xenproject.eliloader.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * An {@code install-repository} value, classified by scheme. Keeps the text as the user wrote
 * it (the installer is given the same location) and a masked form for messages.
 */
public record Repository(Scheme scheme, String location) {

    /** The repository kinds; {@code installMethod} is the name templates use in {@code install-methods}. */
    public enum Scheme {
        HTTP("http"), HTTPS("https"), FTP("ftp"), NFS("nfs"), SMB("smb"), CDROM("cdrom"), FILE("file");

        private final String installMethod;

        Scheme(String installMethod) {
            this.installMethod = installMethod;
        }

        public String installMethod() {
            return installMethod;
        }
    }

    public static Repository parse(String text) {
        String value = text.strip();
        if (value.equals("cdrom")) {
            return new Repository(Scheme.CDROM, value);
        }
        String lower = value.toLowerCase(Locale.ROOT);
        for (Scheme scheme : Scheme.values()) {
            if (scheme != Scheme.CDROM && lower.startsWith(scheme.installMethod() + "://")) {
                return new Repository(scheme, value);
            }
        }
        if (lower.startsWith("nfs:")) {
            return new Repository(Scheme.NFS, value);
        }
        throw BootloaderException.unsupportedInstallMethod("other-config:install-repository \"" + mask(value)
                + "\" is not a supported repository (http, https, ftp, nfs, smb, file or cdrom).");
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

    /** Masks the password part of {@code scheme://user:password@host/...}. */
    public static String mask(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            return url;
        }
        int authorityStart = schemeEnd + 3;
        int slash = url.indexOf('/', authorityStart);
        int at = url.lastIndexOf('@', slash < 0 ? url.length() : slash);
        if (at < authorityStart) {
            return url;
        }
        String userInfo = url.substring(authorityStart, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return url.substring(0, authorityStart) + user + (colon < 0 ? "" : ":***") + url.substring(at);
    }

    private static final java.util.regex.Pattern URL_PASSWORD = java.util.regex.Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*://[^\\s/@:]*):[^\\s/]*@");

    /**
     * Masks the password of every {@code scheme://user:password@} in a text such as a library's
     * exception message.
     */
    public static String maskAll(String text) {
        if (text == null || !text.contains("://")) {
            return text;
        }
        return URL_PASSWORD.matcher(text).replaceAll("$1:***@");
    }

    /** The location as a URI, for schemes that are URLs. */
    public URI uri() {
        try {
            return new URI(location);
        } catch (URISyntaxException e) {
            throw BootloaderException.invalidSource("The repository " + masked() + " is not a valid URL: "
                    + e.getReason() + ".");
        }
    }
}
