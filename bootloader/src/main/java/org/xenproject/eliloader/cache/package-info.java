/**
 * The host-wide cache of fetched boot files ({@code cache-dir}, default
 * {@code /var/cache/eliloader}), shared by every run on the host without a daemon.
 *
 * <p>An entry is keyed by the file's resolved location <em>and</em> the identity of the
 * credentials it was fetched with ({@code InstallSource.cacheIdentity}), hashed with a host-local
 * random salt: the key is all that reaches the disk, never a user's secret, and a file fetched
 * with a secret is only ever found again by a run that has the same secret. In the directory
 * (mode 0700, owned by this user, never a symlink; files 0600, opened without following links):
 *
 * <pre>
 *   salt            32 random bytes, made once
 *   KEY.lock        the entry's lock file (never removed: a lock must stay on one inode)
 *   KEY.data        the bytes
 *   KEY.meta        "eliloader-cache 1", source (masked), size, crc32, stored, v.NAME=validator…
 *   KEY.part        a download in progress (only its lock holder writes or removes it)
 * </pre>
 *
 * <p>How a fetch uses it ({@code round.CachedFetch}):
 *
 * <pre>{@code
 * BootFileCache cache = BootFileCache.open(dir, maxBytes);      // refuses an unsafe directory
 * String key = cache.key(source.cacheIdentity(path).get());
 * try (BootFileCache.Lock shared = cache.lock(key, true)) {      // many starts at once; waits while one downloads
 *     // read(key); openIfChanged → notModified: handOut(entry, target), touch(entry); done
 * }
 * try (BootFileCache.Lock lock = cache.lock(key, false)) {       // missing or changed: one start downloads
 *     Optional<Entry> entry = cache.read(key);                  // (again: another start may have stored it)
 *     Resource r = entry.isPresent() ? source.openIfChanged(path, entry.get().validators()) : source.open(path);
 *     if (r.notModified()) {
 *         cache.handOut(entry.get(), target);                   // a new hard link (copy across file systems)
 *     } else {
 *         Path part = cache.part(key);                          // download, digesting, into part
 *         cache.publish(key, part, r.validators(), size, crc32, where, started)
 *              .ifPresentOrElse(e -> cache.handOut(e, target), () -> move part to target);
 *     }
 * }                                                             // lock released: the next waiter revalidates
 * // then the handed-over bytes are checked against the entry's size and CRC-32 and any
 * // published checksum; a mismatch drops the entry and fetches afresh
 * cache.evict();                                               // least recently used first, busy entries skipped
 * }</pre>
 *
 * <p>Rules: nothing stale is handed over (every use revalidates: http {@code If-None-Match} /
 * {@code If-Modified-Since}, file size + mtime + inode); a version modified within two seconds
 * of its fetch is not stored (its validators could survive a change in the same second); an
 * entry appears only complete, by rename of the bytes and then of their description, so a
 * killed writer leaves at most a {@code .part} no reader takes and the next writer replaces;
 * every hand-over is a new name (the caller unlinks what it is handed), and bytes are verified
 * after the hand-over. A waiter whose downloader dies gets the lock from the OS and fetches
 * itself. Any trouble with the cache itself (an unsafe directory, a full disk) is logged and the
 * run fetches without it.
 */
package org.xenproject.eliloader.cache;
