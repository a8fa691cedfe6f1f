package org.xenproject.eliloader.source;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.MessageText;

/**
 * The one rule for the names {@link InstallSource#exists} and {@link InstallSource#open} take,
 * whatever the scheme: a path relative to the tree's root, '/'-separated, each component a
 * proper name. Refused, as INVALID_SOURCE naming the path:
 * <ul>
 * <li>an empty path, or an empty component ({@code a//b}, a leading or trailing '/'): an absolute
 * name or a directory is never what a profile means, and servers disagree about what they are;</li>
 * <li>{@code .} and {@code ..} components: {@code ..} could leave the tree (and a server's own
 * normalisation would hide that from us);</li>
 * <li>NUL, other control characters and backslashes: SMB and some FTP servers take a backslash
 * as a separator, and a control character could end a protocol line.</li>
 * </ul>
 * Nothing is normalised: callers (profiles, {@code .treeinfo}, {@code install-kernel}) already
 * strip a leading {@code /} or {@code ./}, so what reaches a source is checked as it is, and the
 * same name reaches every server.
 */
public final class TreePath {
    private TreePath() {
    }

    /**
     * Returns {@code path} when it is a proper tree-relative name.
     *
     * @param repository the tree, credentials masked, for the message
     * @throws BootloaderException INVALID_SOURCE naming the path otherwise
     */
    public static String check(String path, String repository) {
        String why = problem(path);
        if (why != null) {
            throw BootloaderException.invalidSource("The path " + MessageText.quoted(path, 200) + " " + why + " "
                    + repository + ".");
        }
        return path;
    }

    /** Whether {@link #check} would accept {@code path}. */
    public static boolean isValid(String path) {
        return problem(path) == null;
    }

    /** What is wrong with {@code path} (the end of a sentence), or null when nothing. */
    static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "names no file of the repository";
        }
        if (path.startsWith("/")) {
            return "is absolute; it must be relative to the repository";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < ' ' || c == 0x7f) {
                return "has a control character; it cannot name a file of the repository";
            }
            if (c == '\\') {
                return "has a backslash; it cannot name a file of the repository";
            }
        }
        int start = 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            String part = path.substring(start, end);
            if (part.equals("..")) {
                return "leaves the repository";
            }
            if (part.isEmpty() || part.equals(".")) {
                return "has an empty or '.' component; it must name a file of the repository";
            }
            start = end + 1;
        }
        return null;
    }

}
