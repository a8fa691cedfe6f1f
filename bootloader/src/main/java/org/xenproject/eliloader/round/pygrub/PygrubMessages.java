package org.xenproject.eliloader.round.pygrub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reading what pygrub printed, and writing strings the way pygrub's sxp output does. */
public final class PygrubMessages {
    /** Longest message passed on; xapi shows it to the user in one line. */
    static final int MAX_MESSAGE = 400;
    private static final String RUNTIME_ERROR = "RuntimeError: ";

    private PygrubMessages() {
    }

    /**
     * pygrub's own account of a failure: the last line of a traceback ({@code RuntimeError: } taken
     * off, since our own error line already says it), or the line given to {@code sys.exit}, or for
     * the few failures pygrub reports on stdout ({@code No kernel image selected!}) that line.
     */
    public static String failure(byte[] stdout, byte[] stderr, int exitStatus) {
        String line = lastLine(stderr);
        if (line == null) {
            line = lastLine(stdout);
        }
        if (line == null) {
            return "pygrub exited with status " + exitStatus + " and printed no reason";
        }
        if (line.startsWith(RUNTIME_ERROR)) {
            line = line.substring(RUNTIME_ERROR.length()).strip();
        }
        return clip(line);
    }

    /** All of a stream on one line, for the log. */
    public static String oneLine(byte[] text) {
        List<String> lines = lines(text);
        return clip(String.join(" | ", lines));
    }

    /** The last meaningful line: pygrub's notice of which config parser it used is not one. */
    private static String lastLine(byte[] text) {
        List<String> lines = lines(text);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).startsWith("Using <class ")) {
                return lines.get(i);
            }
        }
        return null;
    }

    private static List<String> lines(byte[] text) {
        List<String> result = new ArrayList<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("[\n\0]")) {
            String clean = printable(line).strip();
            if (!clean.isEmpty()) {
                result.add(clean);
            }
        }
        return result;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return out.toString();
    }

    private static String clip(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE - 3) + "...";
    }

    /**
     * A string as Python 3's {@code repr()} writes it, which is how pygrub quotes values in the sxp
     * format: single quotes unless the text holds a single quote and no double quote; backslash,
     * the quote, tab, newline and carriage return escaped; other control characters as {@code \xNN}.
     */
    public static String pythonRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == quote) {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(quote).toString();
    }
}
