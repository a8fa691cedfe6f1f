package org.xenproject.eliloader.round;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.xenproject.eliloader.cache.BootFileCache;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.source.InstallSource;

/**
 * A boot file fetched through the host-wide cache ({@link BootFileCache}): revalidated when an
 * entry exists, downloaded once when several runs want it at the same time (the others wait on
 * the entry's lock, then revalidate), handed over as a new name of the cached bytes, and
 * verified after the hand-over. Without a usable cache, or for a source that names no cache
 * identity, it is {@link BoundedCopy#fetch} as before.
 */
final class CachedFetch {
    private CachedFetch() {
    }

    /** The run's cache, or null when the host, the caller or the VM opts out, or the directory is unusable. */
    static BootFileCache open(InstallContext context) {
        if (context.host().flag(Setting.NO_CACHE) || !context.settings().cache()) {
            return null;
        }
        Path dir = context.host().requirePath(Setting.CACHE_DIR);
        try {
            return BootFileCache.open(dir, context.host().bytes(Setting.CACHE_MAX_SIZE));
        } catch (IOException | RuntimeException e) {
            Log.info("cache: not using " + dir + ": " + e.getMessage());
            return null;
        }
    }

    static FetchedFile fetch(BootFileCache cache, InstallSource source, String path, String what, long limit,
            Path target, Supplier<BoundedCopy.Expected> expected, boolean md5) {
        Optional<String> identity = cache == null ? Optional.empty() : source.cacheIdentity(path);
        if (identity.isEmpty()) {
            return BoundedCopy.fetch(source, path, what, limit, target, expected, md5);
        }
        String where = source.describe(path);
        String key = cache.key(identity.get());
        BootFileCache.Entry hit;
        try {
            // the common case, many starts at once: revalidate under a shared lock (it waits only
            // while a start holds the exclusive one to download the file)
            Revalidated revalidated = revalidate(cache, key, source, path, target);
            hit = revalidated.hit();
            if (hit == null) {
                Outcome outcome = download(cache, key, source, path, what, where, limit, target, expected, md5,
                        revalidated.changed());
                if (outcome.fetched() != null) {
                    return outcome.fetched();
                }
                hit = outcome.hit();
            }
        } catch (Unavailable e) {
            Log.info("cache: cannot lock the entry for " + where + " (" + e.getMessage() + "); fetching without it");
            return BoundedCopy.fetch(source, path, what, limit, target, expected, md5);
        } catch (IOException e) {
            // trouble with the cache itself (a full disk, a vanished entry): never a reason to fail the start
            Log.info("cache: cannot use " + cache.directory() + " for " + where + " (" + e.getMessage()
                    + "); fetching without it");
            recreate(target);
            return BoundedCopy.fetch(source, path, what, limit, target, expected, md5);
        }
        // unlocked: check the bytes handed over (a new name of the entry's, which no one rewrites)
        String storedCrc = hit.crc32();
        try {
            FetchedFile file = BoundedCopy.checkLocal(target, path, where, what, limit, expected.get(), md5, hit.size(),
                    hit.crc32());
            Log.info("cache: " + where + " unchanged on the server, handed over from the cache");
            return file;
        } catch (BoundedCopy.StaleCopy e) {
            Log.info("cache: dropping the entry for " + where + ": " + e.getMessage() + "; fetching afresh");
            try (BootFileCache.Lock again = cache.lock(key, false)) {
                cache.read(key).filter(now -> now.crc32().equals(storedCrc)).ifPresent(now -> cache.remove(key));
            } catch (IOException | RuntimeException ignored) {
                // the fetch below does not need the entry gone
            }
            recreate(target);
            return BoundedCopy.fetch(source, path, what, limit, target, expected, md5);
        }
    }

    /** A download under the entry's exclusive lock: the file fetched, or the entry when another start had just stored it. */
    private record Outcome(FetchedFile fetched, BootFileCache.Entry hit) { }

    /** What a revalidation found: the entry handed over, or the file changed (its new version open), or neither. */
    private record Revalidated(BootFileCache.Entry hit, InstallSource.Resource changed) { }

    /**
     * Under a shared lock: the entry handed over as {@code target} when the server says it is
     * unchanged; else the new version, still open, when it changed.
     */
    private static Revalidated revalidate(BootFileCache cache, String key, InstallSource source, String path,
            Path target) throws IOException {
        try (BootFileCache.Lock shared = lock(cache, key, true)) {
            Optional<BootFileCache.Entry> entry = cache.read(key);
            if (entry.isEmpty()) {
                return new Revalidated(null, null);
            }
            InstallSource.Resource resource;
            try {
                resource = source.openIfChanged(path, entry.get().validators());
            } catch (IOException e) {
                throw BootloaderException.invalidSource("Cannot fetch " + source.describe(path) + ": " + e.getMessage(), e);
            }
            if (!resource.notModified()) {
                return new Revalidated(null, resource); // changed: downloaded by one start, under the exclusive lock
            }
            resource.close();
            cache.handOut(entry.get(), target);
            cache.touch(entry.get());
            return new Revalidated(entry.get(), null);
        }
    }

    /**
     * Under the exclusive lock: the entry again (another start may have stored it while this one
     * waited), revalidated, else the file downloaded into the cache and handed over.
     */
    private static Outcome download(BootFileCache cache, String key, InstallSource source, String path, String what,
            String where, long limit, Path target, Supplier<BoundedCopy.Expected> expected, boolean md5,
            InstallSource.Resource changed) throws IOException {
        boolean published = false;
        long started = System.currentTimeMillis();
        BootFileCache.Lock exclusive = changed == null ? null : tryLock(cache, key);
        if (changed != null && exclusive == null) {
            changed.close(); // another start is downloading it: wait for that one below
        }
        try (BootFileCache.Lock lock = exclusive != null ? exclusive : lock(cache, key, false)) {
            InstallSource.Resource resource;
            if (exclusive != null) {
                resource = changed; // the new version the revalidation opened: no second request
            } else {
                Optional<BootFileCache.Entry> entry = cache.read(key);
                try {
                    resource = entry.isPresent() ? source.openIfChanged(path, entry.get().validators())
                            : source.open(path);
                } catch (IOException e) {
                    throw BootloaderException.invalidSource("Cannot fetch the " + what + " " + where + ": "
                            + e.getMessage(), e);
                }
                if (resource.notModified()) {
                    resource.close();
                    cache.handOut(entry.get(), target);
                    cache.touch(entry.get());
                    return new Outcome(null, entry.get());
                }
            }
            try (resource) {
                Path part = cache.part(key);
                BoundedCopy.Copied copied;
                try {
                    copied = BoundedCopy.copy(resource, path, where, what, limit, part, expected, md5,
                            new java.util.zip.CRC32());
                } catch (RuntimeException e) {
                    Files.deleteIfExists(part);
                    throw e;
                }
                FetchedFile file = copied.file();
                Optional<BootFileCache.Entry> stored = cache.publish(key, part, resource.validators(), file.size(),
                        copied.crc32(), where, started);
                if (stored.isPresent()) {
                    cache.handOut(stored.get(), target);
                    published = true;
                } else {
                    moveOver(part, target);
                    cache.remove(key); // an older version must not be revalidated against the server again
                }
                Log.info("cache: fetched " + where + (published ? " into the cache" : " (not cacheable)"));
                return new Outcome(new FetchedFile(target, file.size(), file.md5Hex(), file.source(), file.verification()),
                        null);
            }
        } finally {
            if (published) {
                cache.evict();
            }
        }
    }

    /** The cache cannot be used for this file (its lock file cannot be made or locked): fetch without it. */
    private static final class Unavailable extends IOException {
        private static final long serialVersionUID = 1L;

        Unavailable(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The exclusive lock if no other start holds the entry, else null. */
    private static BootFileCache.Lock tryLock(BootFileCache cache, String key) throws Unavailable {
        try {
            return cache.tryLock(key);
        } catch (IOException | RuntimeException e) {
            throw new Unavailable(e);
        }
    }

    /**
     * Waits for the entry's lock. POSIX record locks belong to the process, so when this start's
     * kernel thread holds one entry and its initrd thread waits for another that a second start
     * holds while waiting for the first, Linux answers EDEADLK although the threads would not
     * deadlock: then wait a moment and ask again.
     */
    private static BootFileCache.Lock lock(BootFileCache cache, String key, boolean shared) throws Unavailable {
        while (true) {
            try {
                return cache.lock(key, shared);
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).contains("deadlock")) {
                    throw new Unavailable(e);
                }
            } catch (RuntimeException e) {
                throw new Unavailable(e);
            }
            try {
                Thread.sleep(20 + java.util.concurrent.ThreadLocalRandom.current().nextInt(40));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable(e);
            }
        }
    }

    /** The downloaded bytes become the handed-over file (a rename; a copy across file systems). */
    private static void moveOver(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            recreate(target);
            try (var in = Files.newInputStream(part, LinkOption.NOFOLLOW_LINKS);
                    var out = Files.newOutputStream(target, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                in.transferTo(out);
            }
            Files.deleteIfExists(part);
        }
    }

    /** An empty owner-only file at {@code target} (replacing the link to the cache). */
    private static void recreate(Path target) {
        Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        try {
            Files.deleteIfExists(target);
            Files.createFile(target, PosixFilePermissions.asFileAttribute(mode));
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot create " + target + ": " + e.getMessage(), e);
        }
    }
}
