package org.xenproject.eliloader.answer;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.error.Secrets;

/**
 * The three ways callers read a bootloader's answer. Values that would break a format are
 * refused, never emitted: a caller that mis-parses our output boots the wrong thing.
 */
public enum OutputFormat {
    /** xenopsd: {@code key value} lines. */
    SIMPLE,
    /** libxl: the same items, each terminated by NUL. */
    SIMPLE0,
    /** xapi before 2013 (and xend): one s-expression. */
    SXP;

    public static OutputFormat parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw BootloaderException.usage("Unknown output format \"" + name + "\" (sxp, simple or simple0).");
        }
    }

    /** The name in pygrub's and the callers' spelling: {@code simple}, {@code simple0}, {@code sxp}. */
    public String pygrubName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public byte[] render(BootEntry entry) {
        String kernel = entry.kernel().toString();
        String ramdisk = entry.ramdisk() == null ? null : entry.ramdisk().toString();
        String args = entry.args();
        checkPath("kernel", kernel);
        if (ramdisk != null) {
            checkPath("ramdisk", ramdisk);
        }
        checkArgs(args);
        StringBuilder out = new StringBuilder();
        switch (this) {
            case SIMPLE, SIMPLE0 -> {
                char end = this == SIMPLE ? '\n' : '\0';
                out.append("kernel ").append(kernel).append(end);
                if (ramdisk != null) {
                    out.append("ramdisk ").append(ramdisk).append(end);
                }
                out.append("args ").append(args).append(end);
            }
            case SXP -> {
                out.append("linux (kernel ").append(kernel).append(')');
                if (ramdisk != null) {
                    out.append("(ramdisk ").append(ramdisk).append(')');
                }
                out.append("(args \"").append(args.replace("\\", "\\\\").replace("\"", "\\\"")).append("\")\n");
            }
            default -> throw new IllegalStateException();
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void checkPath(String what, String path) {
        boolean bad = path.indexOf('\0') >= 0 || path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0;
        if (this == SXP) {
            bad |= path.chars().anyMatch(c -> c == '(' || c == ')' || c == '"' || Character.isWhitespace(c));
        }
        if (bad) {
            throw BootloaderException.invalidSource("The " + what + " path " + printable(path)
                    + " cannot be written in the " + name().toLowerCase(Locale.ROOT) + " format.");
        }
    }

    private void checkArgs(String args) {
        if (args.indexOf('\0') >= 0) {
            throw BootloaderException.invalidSource("The kernel arguments contain a NUL byte.");
        }
        if (this != SIMPLE0 && (args.indexOf('\n') >= 0 || args.indexOf('\r') >= 0)) {
            throw BootloaderException.invalidSource("The kernel arguments contain a line break, which the "
                    + name().toLowerCase(Locale.ROOT) + " format cannot carry.");
        }
        if (!quotesBalanced(args)) {
            throw BootloaderException.invalidSource("The kernel arguments have an unbalanced double quote,"
                    + " which would make the kernel swallow the arguments after it: "
                    + MessageText.printable(Secrets.mask(printable(args))));
        }
    }

    /** The kernel's command-line parser pairs double quotes; an odd one runs to the end. */
    static boolean quotesBalanced(String args) {
        return args.chars().filter(c -> c == '"').count() % 2 == 0;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
