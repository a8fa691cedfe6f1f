package org.xenproject.eliloader.round;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Who owns a run's private directory, and the sweep of those whose owner is gone.
 *
 * <p>Each run works in {@code .eliloader-run.PID.START} inside the output directory (and names its
 * scratch directories elsewhere, e.g. pygrub's probe directory in {@code /tmp}, the same way):
 * PID and START (the process's start time in clock ticks since boot, field 22 of
 * {@code /proc/PID/stat}) together name one process for the life of the host, so a PID reused by
 * another process is not mistaken for the owner. A run killed by SIGKILL leaves its directory
 * behind; the next run in the same output directory, or {@code eliloader cleanup}, removes it
 * together with the files it had already moved to their final names (listed in its
 * {@value #PUBLISHED} file) but never handed over.
 */
public final class RunDirectory {
    /** Prefix of a run's private directory in the output directory. */
    public static final String PREFIX = ".eliloader-run.";
    /** Names of the files a run moved to their final names, one a line, until it hands them over. */
    static final String PUBLISHED = "published";

    private static final Pattern OWNED = Pattern.compile("(?:\\.eliloader-run|eliloader-[a-z-]+)\\.(\\d{1,10})\\.(\\d{1,20})(?:\\..*)?");
    /** {@code PID.START} and the rest of a scratch name after its prefix. */
    private static final Pattern OWNER = Pattern.compile("(\\d{1,10})\\.(\\d{1,20})\\..*");
    /** What a published line may name: a file of ours directly in the output directory. */
    static final Pattern FINAL_NAME = Pattern.compile("boot_(?:kernel|ramdisk)\\.[A-Za-z0-9._-]{1,64}");

    private static volatile String self;

    private RunDirectory() {
    }

    /** {@code PID.START} of this process. */
    public static String self() {
        String id = self;
        if (id == null) {
            long pid = ProcessHandle.current().pid();
            id = pid + "." + startTime(pid).orElse("0");
            self = id;
        }
        return id;
    }

    /** The name of this run's private directory. */
    public static String ownName() {
        return PREFIX + self();
    }

    /** The process's start time in clock ticks since boot, from /proc; empty when it does not exist. */
    static Optional<String> startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            // the command name (field 2) is in parentheses and may hold spaces or ')': fields after the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return rest.length > 19 ? Optional.of(rest[19]) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether the process a {@code PID.START} pair names still runs. */
    static boolean alive(long pid, String start) {
        Optional<String> now = startTime(pid);
        if (now.isPresent()) {
            return now.get().equals(start);
        }
        // no /proc (not Linux): the PID alone, erring on the side of keeping
        return !Files.isDirectory(Path.of("/proc", "self")) && ProcessHandle.of(pid).isPresent();
    }

    /** Whether a directory entry's name says it belongs to a run that is gone. */
    static boolean ownerGone(String name) {
        Matcher m = OWNED.matcher(name);
        if (!m.matches()) {
            return false;
        }
        String id = m.group(1) + "." + m.group(2);
        if (id.equals(self())) {
            return false;
        }
        return !alive(Long.parseLong(m.group(1)), m.group(2));
    }

    /**
     * Removes the private directories of dead runs in {@code outputDirectory}, and the files they
     * had moved to their final names without handing them over. Never throws; returns what it removed.
     */
    public static List<Path> sweep(Path outputDirectory) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(outputDirectory, LinkOption.NOFOLLOW_LINKS)) {
            return removed;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(outputDirectory, PREFIX + "*")) {
            for (Path dir : entries) {
                if (!ownerGone(dir.getFileName().toString()) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                for (String name : published(dir)) {
                    Path file = outputDirectory.resolve(name);
                    if (deleteQuietly(file)) {
                        removed.add(file);
                    }
                }
                deleteTree(dir);
                removed.add(dir);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a sweep never fails a run
        }
        return removed;
    }

    /** Removes scratch directories named {@code PREFIX.PID.START.*} in {@code parent} whose owner is gone. */
    public static List<Path> sweepScratch(Path parent, String prefix) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, prefix + "*")) {
            for (Path dir : entries) {
                if (ownerGone(dir.getFileName().toString()) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(dir);
                    removed.add(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
        return removed;
    }

    /**
     * The name of a scratch file of this run next to a file it replaces (e.g. a store's temporary
     * copy): {@code PREFIX + PID.START + "."}, to which the caller adds a unique tail, so that
     * {@link #sweepFiles} can tell whose it is after a SIGKILL.
     */
    public static String scratchPrefix(String prefix) {
        return prefix + self() + ".";
    }

    /**
     * Removes the regular files named {@code PREFIX + PID.START.*} in {@code parent} whose run is
     * gone (never through a symbolic link). Never throws; returns what it removed.
     */
    public static List<Path> sweepFiles(Path parent, String prefix) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(prefix)) {
                    continue;
                }
                Matcher m = OWNER.matcher(name.substring(prefix.length()));
                if (!m.matches() || (m.group(1) + "." + m.group(2)).equals(self())
                        || alive(Long.parseLong(m.group(1)), m.group(2))
                        || !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (deleteQuietly(entry)) {
                    removed.add(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
        return removed;
    }

    static List<String> published(Path runDirectory) {
        Path list = runDirectory.resolve(PUBLISHED);
        if (!Files.isRegularFile(list, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(list, StandardCharsets.UTF_8)) {
            return lines.filter(l -> FINAL_NAME.matcher(l).matches()).limit(64).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static boolean deleteQuietly(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes a directory tree without following symbolic links; best effort. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException | RuntimeException e) {
            deleteQuietly(root);
            return;
        }
        for (Path p : all) {
            deleteQuietly(p);
        }
    }
}
