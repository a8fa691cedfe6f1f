package org.xenproject.eliloader.error;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one masking function for secret-bearing text: every error sentence, log line, debug trace
 * and developer printout goes through {@link #mask(String)} before it leaves the process. It
 * replaces with {@value #MASK}:
 * <ul>
 * <li>the password of URL user info in any position and form: {@code scheme://user:PASSWORD@host},
 *     also when the password holds a '/' (the user info is taken to end at the last '@' of the URL),
 *     and {@code user:PASSWORD@host} without a scheme (an {@code install-proxy} value);
 * <li>the value of a {@code KEY=VALUE} whose key names a password or secret
 *     ({@code vncpassword=}, {@code inst.vncpassword=}, {@code install-vncpasswd=}, …);
 * <li>every value {@linkplain #register registered} as secret by the code that read it (the VNC
 *     password, a repository or proxy password, the value of a XenAPI secret, XenAPI credentials),
 *     wherever and however it appears, raw or percent-encoded.
 * </ul>
 * The answer handed to the caller is not masked: the installer needs what it carries.
 */
public final class Secrets {
    public static final String MASK = "***";
    /** Shorter registered values are left to the shape rules: masking every "ab" would garble text. */
    static final int MIN_REGISTERED = 4;
    private static final int MAX_REGISTERED = 256;

    private static final Set<String> REGISTERED = new LinkedHashSet<>();

    /** {@code scheme://} then the URL, up to white space or a quote. */
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>]*");
    /** {@code user:password@host} without a scheme, as a word of its own. */
    private static final Pattern BARE_USERINFO = Pattern.compile(
            "(?<![^\\s\"'=(\\[,])([^\\s\"'@:/=()\\[\\],]+):(?!//)([^\\s\"'@]+)@(?=[^\\s\"'@]+)");
    /** {@code KEY=VALUE} with a key naming a password or secret. */
    private static final Pattern SECRET_KEY_VALUE = Pattern.compile(
            "(?i)(?<![A-Za-z0-9])([A-Za-z0-9_.-]*(?:passw(?:or)?d|passphrase|secret|token)[A-Za-z0-9_.-]*)=(\"[^\"]*\"?|[^\\s\"',)]+)");

    private Secrets() {
    }

    /** Marks a value as secret: from now on {@link #mask(String)} hides it wherever it appears. */
    public static void register(String secret) {
        if (secret == null || secret.length() < MIN_REGISTERED) {
            return;
        }
        synchronized (REGISTERED) {
            if (REGISTERED.size() >= MAX_REGISTERED) {
                REGISTERED.remove(REGISTERED.iterator().next());
            }
            REGISTERED.add(secret);
            String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20");
            if (!encoded.equals(secret)) {
                REGISTERED.add(encoded);
            }
        }
    }

    /**
     * Registers the password of a URL's or a bare {@code user:password@host}'s user info (from the
     * first ':' after the scheme to the last '@'), as written and percent-decoded.
     */
    public static void registerUserInfo(String url) {
        if (url == null) {
            return;
        }
        String value = url.strip();
        int scheme = value.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = value.lastIndexOf('@');
        int colon = at < 0 ? -1 : value.indexOf(':', start);
        if (colon < 0 || colon >= at) {
            return;
        }
        String password = value.substring(colon + 1, at);
        register(password);
        try {
            register(java.net.URLDecoder.decode(password.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notEncoded) {
            // registered as written
        }
    }

    /** {@code text} with every secret it holds replaced by {@value #MASK}; null stays null. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        List<String> known;
        synchronized (REGISTERED) {
            known = new ArrayList<>(REGISTERED);
        }
        known.sort((a, b) -> Integer.compare(b.length(), a.length())); // longest first (our lambda: linked in the start-up cache)
        for (String secret : known) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        if (out.indexOf('@') >= 0) {
            out = maskUrls(out);
            out = BARE_USERINFO.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
        }
        if (out.indexOf('=') >= 0) {
            out = SECRET_KEY_VALUE.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "=" + MASK));
        }
        return out;
    }

    /** Masks the password of each URL: from the first ':' after {@code scheme://} to the URL's last '@'. */
    private static String maskUrls(String text) {
        Matcher m = URL.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            String url = m.group();
            int start = url.indexOf("://") + 3;
            int at = url.lastIndexOf('@');
            int colon = at < 0 ? -1 : url.indexOf(':', start);
            out.append(text, last, m.start());
            if (colon >= 0 && colon < at) {
                out.append(url, 0, colon + 1).append(MASK).append(url, at, url.length());
            } else {
                out.append(url);
            }
            last = m.end();
        }
        return out.append(text, last, text.length()).toString();
    }

    /** A value fit to quote in a message: masked, one line, bounded ({@link MessageText}). */
    public static String quote(String text) {
        return MessageText.printable(mask(text));
    }

    /** Drops every registered value (tests). */
    static void forgetAll() {
        synchronized (REGISTERED) {
            REGISTERED.clear();
        }
    }
}
