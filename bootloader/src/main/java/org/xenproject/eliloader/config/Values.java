package org.xenproject.eliloader.config;

import org.xenproject.eliloader.error.MessageText;

import java.util.Locale;

/** How a number or a flag is written, for host settings and VM settings alike. */
final class Values {
    /** Longest part of a bad value quoted in an error sentence. */
    private static final int QUOTED_MAX = 60;

    private Values() {
    }

    /** A whole number from {@code min} to {@code max} written in decimal digits, else null. */
    static Long wholeNumber(String value, long min, long max) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        long n = Long.parseLong(value);
        return n >= min && n <= max ? n : null;
    }

    /** true/1/yes/on, false/0/no/off or empty; null for anything else. */
    static Boolean flag(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> Boolean.TRUE;
            case "false", "0", "no", "off", "" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** A bad value for a message: quoted, one line, bounded. */
    static String quote(String text) {
        return MessageText.quoted(text, QUOTED_MAX);
    }
}
