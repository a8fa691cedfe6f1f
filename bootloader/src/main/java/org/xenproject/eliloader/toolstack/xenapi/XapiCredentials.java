package org.xenproject.eliloader.toolstack.xenapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.error.Secrets;

/**
 * A XenAPI user and password. From a file of two lines (user, then password) that other users
 * cannot read; never from the command line. {@link #toString()} shows no password.
 */
final class XapiCredentials {
    /** What xapi's local socket accepts: it trusts whoever can open the socket (root in dom0). */
    static final XapiCredentials LOCAL = new XapiCredentials("", "");

    private final String user;
    private final String password;

    XapiCredentials(String user, String password) {
        this.user = user;
        this.password = password;
        Secrets.register(password);
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    static XapiCredentials read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw error(file, "does not exist or is not a regular file");
            }
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                if (mode.contains(PosixFilePermission.OTHERS_READ)) {
                    throw error(file, "is readable by every user; make it private (chmod 600)");
                }
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: nothing to check
            }
            List<String> lines = new ArrayList<>();
            for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n", -1)) {
                lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            }
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            if (lines.size() != 2 || lines.get(0).isBlank()) {
                throw error(file, "must hold two lines: the user name, then the password");
            }
            return new XapiCredentials(lines.get(0).strip(), lines.get(1));
        } catch (IOException e) {
            throw error(file, "cannot be read (" + e.getMessage() + ")");
        }
    }

    private static BootloaderException error(Path file, String problem) {
        return new BootloaderException(ErrorCode.INTERNAL_ERROR, "The XenAPI credentials file " + file + " " + problem + ".");
    }

    @Override
    public String toString() {
        return "XenAPI user \"" + user + "\"";
    }
}
