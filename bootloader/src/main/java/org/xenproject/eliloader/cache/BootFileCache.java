package org.xenproject.eliloader.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.source.Validators;

/**
 * The host-wide cache of fetched boot files: one directory (owner-only, never a symlink) that
 * every run on the host shares, without a daemon. See the package documentation for the layout
 * and the rules; this class holds the file operations, callers hold the order
 * (lock, read, revalidate, publish or hand out, unlock, verify).
 */
public final class BootFileCache {
    private static final Set<PosixFilePermission> OWNER_RW = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE = PosixFilePermissions.asFileAttribute(OWNER_RW);
    private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE = PosixFilePermissions.asFileAttribute(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
    private static final String MAGIC = "eliloader-cache 1";
    private static final int SALT_BYTES = 32;
    private static final long MAX_META = 64 * 1024;
    /** A version whose modification time is this close to the fetch may still change within the same second. */
    private static final long RACY_MILLIS = 2_000;

    private final Path directory;
    private final long maxBytes;
    private final byte[] salt;

    private BootFileCache(Path directory, long maxBytes, byte[] salt) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.salt = salt;
    }

    /** A cache entry as stored: where its bytes are and what they must be. */
    public record Entry(String key, Path data, long size, String crc32, Validators validators, String source,
            long storedMillis, long usedMillis) { }

    /** The exclusive right to read, fetch and publish one entry; released by {@link #close()} or by the process ending. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                if (lock.isValid()) {
                    lock.release();
                }
            } catch (IOException ignored) {
                // closing the channel releases it too
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was written through it
            }
        }
    }

    /**
     * Opens the cache in {@code directory}, creating it (mode 0700) when missing. A directory that
     * is a symlink, belongs to another user or is open to group or others is refused
     * ({@link IOException}): the caller then fetches without a cache.
     */
    public static BootFileCache open(Path directory, long maxBytes) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (dir.getParent() != null) {
                Files.createDirectories(dir.getParent());
            }
            try {
                Files.createDirectory(dir, DIR_MODE);
            } catch (FileAlreadyExistsException e) {
                // another run made it: checked below like any other
            }
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            throw new IOException(dir + " is not a directory (a symlink or a file)");
        }
        Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(myUid())) {
            throw new IOException(dir + " belongs to uid " + owner + ", not to this process's uid " + myUid());
        }
        Set<PosixFilePermission> p = a.permissions();
        for (PosixFilePermission open : List.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE)) {
            if (p.contains(open)) {
                throw new IOException(dir + " is open to group or others (mode "
                        + PosixFilePermissions.toString(p) + "); it must be 0700");
            }
        }
        return new BootFileCache(dir, maxBytes, salt(dir));
    }

    private static Object myUid() throws IOException {
        return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    public Path directory() {
        return directory;
    }

    /** The host-local random salt, made once; it keeps credential identities out of reach of a dictionary. */
    private static byte[] salt(Path dir) throws IOException {
        Path file = dir.resolve("salt");
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                byte[] salt = readSmallRegular(file, SALT_BYTES);
                if (salt.length != SALT_BYTES) {
                    throw new IOException(file + " is not a salt file");
                }
                return salt;
            } catch (NoSuchFileException e) {
                byte[] fresh = new byte[SALT_BYTES];
                new SecureRandom().nextBytes(fresh);
                Path part = dir.resolve("salt." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".part");
                try (FileChannel ch = FileChannel.open(part, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS), FILE_MODE)) {
                    ch.write(ByteBuffer.wrap(fresh));
                }
                try {
                    Files.createLink(file, part); // never replaces: the first salt stays
                } catch (FileAlreadyExistsException raced) {
                    // another run was first: read its salt
                } finally {
                    Files.deleteIfExists(part);
                }
            }
        }
        throw new IOException("cannot make " + file);
    }

    /** The entry key of an identity ({@code InstallSource.cacheIdentity}): never the identity itself. */
    public String key(String identity) {
        MessageDigest sha = sha256();
        sha.update(salt);
        sha.update(identity.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest(), 0, 20);
    }

    /**
     * Waits for the entry's lock: shared to revalidate and hand out an entry (many starts at
     * once), exclusive to download and publish it; either waits while another run holds the
     * exclusive one, until it is done or dies.
     */
    public Lock lock(String key, boolean shared) throws IOException {
        FileChannel channel = FileChannel.open(path(key, ".lock"), Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), FILE_MODE);
        try {
            return new Lock(channel, channel.lock(0, Long.MAX_VALUE, shared));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The exclusive lock of the entry when no run holds it (shared or exclusive), else null at once. */
    public Lock tryLock(String key) throws IOException {
        FileChannel channel = FileChannel.open(path(key, ".lock"), Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), FILE_MODE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return null;
            }
            return new Lock(channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The entry, when one is stored complete and sound (under its lock); a broken one is removed. */
    public Optional<Entry> read(String key) {
        Path meta = path(key, ".meta");
        try {
            byte[] bytes = readSmallRegular(meta, MAX_META);
            Entry entry = parse(key, new String(bytes, StandardCharsets.UTF_8),
                    Files.getLastModifiedTime(meta, LinkOption.NOFOLLOW_LINKS).toMillis());
            PosixFileAttributes a = Files.readAttributes(entry.data(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() != entry.size()) {
                throw new IOException("its data is not a regular file of " + entry.size() + " bytes");
            }
            return Optional.of(entry);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            Log.info("cache: dropping the broken entry " + key + ": " + e.getMessage());
            remove(key);
            return Optional.empty();
        }
    }

    private Entry parse(String key, String text, long usedMillis) throws IOException {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].equals(MAGIC)) {
            throw new IOException("not a cache entry");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> validators = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int eq = lines[i].indexOf('=');
            if (eq <= 0) {
                throw new IOException("bad line " + (i + 1));
            }
            String name = lines[i].substring(0, eq);
            String value = lines[i].substring(eq + 1);
            if (name.startsWith("v.")) {
                validators.put(name.substring(2), value);
            } else {
                fields.put(name, value);
            }
        }
        String crc = fields.get("crc32");
        if (crc == null || !crc.matches("[0-9a-f]{8}")) {
            throw new IOException("no crc32");
        }
        long size = Long.parseLong(fields.getOrDefault("size", "-1"));
        if (size < 0) {
            throw new IOException("no size");
        }
        Validators v = new Validators(validators);
        if (v.isEmpty()) {
            throw new IOException("no validators");
        }
        return new Entry(key, path(key, ".data"), size, crc, v, fields.getOrDefault("source", "?"),
                Long.parseLong(fields.getOrDefault("stored", "0")), usedMillis);
    }

    /** A fresh, empty, owner-only file to download an entry into (under its lock; a dead writer's is replaced). */
    public Path part(String key) throws IOException {
        Path part = path(key, ".part");
        Files.deleteIfExists(part);
        Files.newByteChannel(part, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), FILE_MODE).close();
        return part;
    }

    /**
     * Makes the downloaded {@code part} the entry (under its lock): the bytes by rename, then the
     * description by rename, so a reader sees the old entry, no entry or the new one, never half of
     * one. Returns empty, leaving {@code part} as it is, when the version cannot be trusted to be
     * told apart from the next one (no validators, a modification time within the last two
     * seconds, or larger than the whole cache).
     */
    public Optional<Entry> publish(String key, Path part, Validators validators, long size, String crc32, String source,
            long fetchStartedMillis) throws IOException {
        if (validators.isEmpty() || racy(validators, fetchStartedMillis) || size > maxBytes) {
            return Optional.empty();
        }
        StringBuilder meta = new StringBuilder(MAGIC).append('\n');
        String oneLineSource = source.replaceAll("[\\p{Cntrl}]", "?");
        meta.append("source=").append(oneLineSource).append('\n');
        meta.append("size=").append(size).append('\n');
        meta.append("crc32=").append(crc32).append('\n');
        long now = System.currentTimeMillis();
        meta.append("stored=").append(now).append('\n');
        validators.values().forEach((k, v) -> meta.append("v.").append(k).append('=').append(v).append('\n'));
        Path metaPart = path(key, ".meta.part");
        Files.deleteIfExists(metaPart);
        try (FileChannel ch = FileChannel.open(metaPart, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), FILE_MODE)) {
            ch.write(ByteBuffer.wrap(meta.toString().getBytes(StandardCharsets.UTF_8)));
        }
        Path data = path(key, ".data");
        Files.move(part, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(metaPart, path(key, ".meta"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return Optional.of(new Entry(key, data, size, crc32, validators, oneLineSource, now, now));
    }

    /** Whether the version's modification time is so close to the fetch that a change within the same second could keep its validators. */
    static boolean racy(Validators validators, long fetchStartedMillis) {
        Long modified = modifiedMillis(validators);
        return modified != null && modified >= fetchStartedMillis - RACY_MILLIS;
    }

    private static Long modifiedMillis(Validators v) {
        try {
            if (v.get("last-modified") != null) {
                return ZonedDateTime.parse(v.get("last-modified"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                        .toEpochMilli();
            }
            if (v.get("mtime") != null) {
                return Long.parseLong(v.get("mtime")) / 1_000_000;
            }
            if (v.get("mdtm") != null) {
                String t = v.get("mdtm");
                return Instant.parse(t.substring(0, 4) + "-" + t.substring(4, 6) + "-" + t.substring(6, 8) + "T"
                        + t.substring(8, 10) + ":" + t.substring(10, 12) + ":" + t.substring(12, 14) + "Z").toEpochMilli();
            }
        } catch (RuntimeException e) {
            return Long.MAX_VALUE; // cannot tell when it changed: treat as recent
        }
        return null;
    }

    /**
     * Hands the entry's bytes over as {@code target}, a new name of them: a hard link (the caller
     * unlinks its name; the entry keeps its own), a copy only across file systems.
     */
    public void handOut(Entry entry, Path target) throws IOException {
        Files.deleteIfExists(target);
        try {
            Files.createLink(target, entry.data());
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            // another file system (EXDEV) or no hard links there: a private copy
            Files.newByteChannel(target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), FILE_MODE).close();
            try (InputStream in = Files.newInputStream(entry.data(), LinkOption.NOFOLLOW_LINKS);
                    var out = Files.newOutputStream(target, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                in.transferTo(out);
            }
        }
    }

    /** Marks the entry used now (eviction takes the least recently used first). */
    public void touch(Entry entry) {
        try {
            Files.setLastModifiedTime(path(entry.key(), ".meta"), FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // LRU order is advisory
        }
    }

    /** Removes an entry (its description first, so that no reader takes its bytes after). */
    public void remove(String key) {
        for (String suffix : List.of(".meta", ".data", ".part", ".meta.part")) {
            try {
                Files.deleteIfExists(path(key, suffix));
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** Every complete entry, most recently used first. */
    public List<Entry> list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String key : keys()) {
            Path meta = path(key, ".meta");
            try {
                entries.add(parse(key, new String(readSmallRegular(meta, MAX_META), StandardCharsets.UTF_8),
                        Files.getLastModifiedTime(meta, LinkOption.NOFOLLOW_LINKS).toMillis()));
            } catch (IOException | RuntimeException e) {
                // broken or going: not listed
            }
        }
        entries.sort(Comparator.comparingLong(Entry::usedMillis).reversed());
        return entries;
    }

    /** Removes every entry no run is using; returns how many were removed and how many were busy. */
    public int[] clear() throws IOException {
        int removed = 0;
        int busy = 0;
        for (String key : keys()) {
            Boolean done = removeIfIdle(key);
            if (done == null) {
                busy++;
            } else if (done) {
                removed++;
            }
        }
        return new int[] {removed, busy};
    }

    /**
     * Evicts the least recently used entries until the cache holds at most its maximum size;
     * entries another run holds are skipped, and downloads a dead run left are removed.
     */
    public void evict() {
        try {
            List<Entry> entries = list();
            long total = 0;
            for (Entry e : entries) {
                total += e.size();
            }
            for (int i = entries.size() - 1; i >= 0 && total > maxBytes; i--) {
                Entry e = entries.get(i);
                if (Boolean.TRUE.equals(removeIfIdle(e.key()))) {
                    total -= e.size();
                    Log.info("cache: evicted " + e.source() + " (" + e.size() + " bytes)");
                }
            }
        } catch (IOException e) {
            Log.info("cache: cannot evict: " + e.getMessage());
        }
    }

    /** True when removed, false when there was nothing, null when another run holds it. */
    private Boolean removeIfIdle(String key) throws IOException {
        Path lockFile = path(key, ".lock");
        try (FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS))) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this process holds it
            }
            if (lock == null) {
                return null;
            }
            try {
                boolean had = Files.exists(path(key, ".meta"), LinkOption.NOFOLLOW_LINKS)
                        || Files.exists(path(key, ".data"), LinkOption.NOFOLLOW_LINKS);
                remove(key);
                return had;
            } finally {
                lock.release();
            }
        } catch (NoSuchFileException e) {
            remove(key);
            return false;
        }
    }

    /** The keys that have any file in the cache directory. */
    private List<String> keys() throws IOException {
        Set<String> keys = new java.util.TreeSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                int dot = name.indexOf('.');
                if (dot == 40 && name.substring(0, 40).matches("[0-9a-f]{40}")) {
                    keys.add(name.substring(0, 40));
                }
            }
        }
        return new ArrayList<>(keys);
    }

    private Path path(String key, String suffix) {
        if (!key.matches("[0-9a-f]{40}")) {
            throw new IllegalArgumentException("bad key");
        }
        return directory.resolve(key + suffix);
    }

    /** A small regular file, read without following a symlink; larger than {@code max} is refused. */
    private static byte[] readSmallRegular(Path file, long max) throws IOException {
        OpenOption[] options = {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
        try (FileChannel ch = FileChannel.open(file, options)) {
            PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || ch.size() > max) {
                throw new IOException(file.getFileName() + " is not a small regular file");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) ch.size());
            while (buffer.hasRemaining() && ch.read(buffer) > 0) {
                // fill
            }
            return buffer.array();
        } catch (java.nio.file.FileSystemException e) {
            if (e instanceof NoSuchFileException) {
                throw e;
            }
            throw new IOException(file.getFileName() + ": " + e.getReason(), e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
