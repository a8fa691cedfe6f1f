package org.xenproject.eliloader.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.log.Log;

/**
 * The unprivileged user guest-controlled data is read as, and how this run chose it: libxl's
 * {@code --runas=UID} first (restricted mode), else the host setting {@code guest-reader-user}
 * (a name or a numeric uid; {@code root} keeps reading as root), else the system user
 * {@value #DEFAULT_NAME} when it exists (the package creates it), else nobody: root, as before,
 * said once in the log. The group is the user's primary group from {@code /etc/passwd}, or the
 * uid itself when the uid has no entry (pygrub's {@code --runas} does the same).
 */
public record GuestUser(int uid, int gid, String origin) {
    public static final String DEFAULT_NAME = "eliloader";
    static final Path PASSWD = Path.of("/etc/passwd");
    private static volatile boolean rootNoticeLogged;

    /** Who reads guest data in this run; empty: this process itself (root, or a user's own run by hand). */
    public static Optional<GuestUser> resolve(Integer runAs, Settings host) {
        return resolve(runAs, host, "0".equals(GuestReader.ownUid()));
    }

    /** As {@link #resolve(Integer, Settings)}, for a process that is root or not. */
    static Optional<GuestUser> resolve(Integer runAs, Settings host, boolean root) {
        if (!root) {
            return Optional.empty(); // a developer's probe: already unprivileged, and unable to switch
        }
        if (runAs != null) {
            return Optional.of(new GuestUser(runAs, primaryGroup(runAs).orElse(runAs), "--runas"));
        }
        Optional<String> configured = host.get(Setting.GUEST_READER_USER).map(String::strip).filter(v -> !v.isEmpty());
        if (configured.isPresent()) {
            String name = configured.get();
            if (name.equals("root") || name.equals("0")) {
                return Optional.empty();
            }
            Optional<GuestUser> user = lookup(name, Setting.GUEST_READER_USER.key());
            if (user.isEmpty()) {
                throw BootloaderException.supportPackageMissing(Setting.GUEST_READER_USER.key() + " is "
                        + MessageText.quoted(name, 64) + ", which is no user on this host; create it, or set "
                        + Setting.GUEST_READER_USER.key() + " to another user or to root.");
            }
            return user;
        }
        Optional<GuestUser> fallback = lookup(DEFAULT_NAME, "the system user " + DEFAULT_NAME);
        if (fallback.isEmpty() && !rootNoticeLogged) {
            rootNoticeLogged = true;
            Log.info("guest disks and CD images are read as root: no --runas, no " + Setting.GUEST_READER_USER.key()
                    + " setting and no system user " + DEFAULT_NAME);
        }
        return fallback;
    }

    /** A user by name or numeric uid; the uid 0 is never one to drop to. */
    static Optional<GuestUser> lookup(String nameOrUid, String origin) {
        if (nameOrUid.matches("[0-9]{1,10}")) {
            long uid = Long.parseLong(nameOrUid);
            if (uid == 0 || uid > Integer.MAX_VALUE) {
                return Optional.empty();
            }
            return Optional.of(new GuestUser((int) uid, primaryGroup((int) uid).orElse((int) uid), origin));
        }
        for (String[] entry : passwd()) {
            if (entry[0].equals(nameOrUid)) {
                int uid = Integer.parseInt(entry[2]);
                return uid == 0 ? Optional.empty() : Optional.of(new GuestUser(uid, Integer.parseInt(entry[3]), origin));
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> primaryGroup(int uid) {
        for (String[] entry : passwd()) {
            if (entry[2].equals(Integer.toString(uid))) {
                return Optional.of(Integer.parseInt(entry[3]));
            }
        }
        return Optional.empty();
    }

    /** {@code /etc/passwd}'s well-formed entries (name, password, uid, gid, …). */
    private static List<String[]> passwd() {
        try {
            return Files.readAllLines(PASSWD, StandardCharsets.UTF_8).stream().map(l -> l.split(":", -1))
                    .filter(f -> f.length >= 4 && f[2].matches("[0-9]{1,10}") && f[3].matches("[0-9]{1,10}"))
                    .filter(f -> Long.parseLong(f[2]) <= Integer.MAX_VALUE && Long.parseLong(f[3]) <= Integer.MAX_VALUE)
                    .toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Whether the caller asked for this uid (libxl's restricted mode), rather than the host's setting. */
    public boolean askedByCaller() {
        return origin.equals("--runas");
    }

    /**
     * Whether pygrub's {@code --runas} mode can open {@code disk} as this user: it bind-mounts the
     * disk into its chroot and reopens it there as uid and gid {@link #uid()} (no other group), so
     * the file's mode must let that uid read it (ACLs are not consulted).
     */
    public boolean pygrubCanOpen(Path disk) {
        try {
            int mode = (Integer) Files.getAttribute(disk, "unix:mode");
            int owner = (Integer) Files.getAttribute(disk, "unix:uid");
            int group = (Integer) Files.getAttribute(disk, "unix:gid");
            if (owner == uid) {
                return (mode & 0400) != 0;
            }
            if (group == uid) {
                return (mode & 0040) != 0;
            }
            return (mode & 0004) != 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "uid " + uid + " (" + origin + ")";
    }
}
