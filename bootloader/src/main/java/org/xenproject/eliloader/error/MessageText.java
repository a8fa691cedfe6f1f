package org.xenproject.eliloader.error;

/**
 * Outside text (a record value, a URL, a name a server gave) made fit for an error sentence:
 * one line, bounded. The sentence reaches the toolstack on stderr, where a newline would end it
 * early, and xapi shows it to the user, where a 100 KB value would bury it. Every message that
 * quotes outside text goes through here.
 */
public final class MessageText {
    /** Longest part of a value quoted in a message by default. */
    public static final int DEFAULT_MAX = 300;

    private MessageText() {
    }

    /** {@code text} with control and line-separator characters as '?', cut at {@link #DEFAULT_MAX} ("..." marks a cut). */
    public static String printable(String text) {
        return printable(text, DEFAULT_MAX);
    }

    /** {@code text} with control and line-separator characters as '?', cut at {@code max} characters. */
    public static String printable(String text, int max) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 3);
        for (int i = 0; i < text.length() && i < max; i++) {
            char c = text.charAt(i);
            out.append(c < ' ' || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029 ? '?' : c);
        }
        return text.length() > max ? out.append("...").toString() : out.toString();
    }

    /** {@link #printable(String, int)} in double quotes. */
    public static String quoted(String text, int max) {
        return "\"" + printable(text, max) + "\"";
    }
}
