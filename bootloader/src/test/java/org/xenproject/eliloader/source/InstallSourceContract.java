package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.round.BoundedCopy;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;

/**
 * What every {@link InstallSource} does, whatever its scheme: one scenario suite, one subclass per
 * scheme (file, http, https, ftp, smb, nfs, iso), each serving the same tree with a real server.
 * Scheme-specific behaviour (redirects, logins, SMB dialects, NFS exports, ISO naming) stays in
 * the per-scheme tests.
 *
 * <p>The rules the scenarios pin down:
 * <ul>
 * <li>names: {@link TreePath} for every scheme; a refused name is INVALID_SOURCE naming it, from
 * exists() and open() alike, before anything is asked of a server;</li>
 * <li>a missing file: INVALID_SOURCE naming {@code describe(path)}, credentials masked; a
 * directory: INVALID_SOURCE "is a directory" (NFS: "not a regular file");</li>
 * <li>sizes: the announced length is the file's; over a limit it is LIMITS before the transfer;</li>
 * </ul>
 * Network schemes add {@link NetworkSourceContract} (refused connections), and those that
 * resume a broken transfer {@link ResumingSourceContract}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class InstallSourceContract {
    /** Small, with an odd size: every byte must arrive, and no more. */
    protected static final String SMALL = "images/xen/initrd.img";
    protected static final int SMALL_SIZE = 300_001;
    /** Large enough to be cut midway. */
    protected static final String BIG = "big/initrd.img";
    protected static final long BIG_SIZE = 4L << 20;
    /** Next to the tree, never inside it: no name may reach it. */
    protected static final String OUTSIDE = "outside-secret.txt";

    /** One scheme serving the contract tree. */
    public interface Backend extends AutoCloseable {
        /** The repository of the tree, with a password in the URL where the scheme takes one. */
        String repository();

        /** Options for this scheme (short timeouts, quick retries, CA file, boot disk). */
        default SourceOptions options() {
            return SourceFixtures.quickOptions();
        }

        /** The password written in {@link #repository()}, which no message may show; null when none. */
        default String password() {
            return null;
        }

        /** Breaks the transfers in progress, so that the next read fails ({@link ResumingSourceContract}). */
        default void dropConnections() {
            throw new UnsupportedOperationException();
        }

        /** What the server logged of the requests, or null when it keeps no such log. */
        default String requestLog() {
            return null;
        }

        /** A repository of this scheme on {@code port} of 127.0.0.1, where nothing listens ({@link NetworkSourceContract}). */
        default String refusedRepository(int port) {
            return null;
        }

        @Override
        void close();
    }

    /** Whether the scheme's files go through the host-wide cache (nfs and the CD do not). */
    protected boolean cached() {
        return true;
    }

    /** Starts the scheme's server on {@code tree} (world-readable), using {@code work} for its files. */
    protected abstract Backend start(Path tree, WorkDir work) throws Exception;

    private WorkDir work;
    protected Path tree;
    protected Backend backend;

    @TempDir
    Path scratch;

    @BeforeAll
    void startBackend() throws Exception {
        work = SourceFixtures.workDir("contract");
        tree = work.mkdirs("tree");
        work.mkdirs("tree/images/xen");
        SourceFixtures.randomFile(tree.resolve(SMALL), SMALL_SIZE, 41);
        SourceFixtures.randomFile(tree.resolve(BIG), BIG_SIZE, 42);
        Files.writeString(work.resolve(OUTSIDE), "not part of the tree\n");
        backend = start(tree, work);
    }

    @AfterAll
    void stopBackend() {
        try {
            if (backend != null) {
                backend.close();
            }
        } finally {
            if (work != null) {
                work.close();
            }
        }
    }

    protected InstallSource open() {
        return SourceFactory.open(Repository.parse(backend.repository()), backend.options());
    }

    @Test
    void readsAFileWithItsExactBytesAndAnnouncedLength() throws Exception {
        try (InstallSource source = open(); InstallSource.Resource r = source.open(SMALL)) {
            assertThat(source.exists(SMALL)).isTrue();
            assertThat(r.length()).hasValue(SMALL_SIZE);
            try (InputStream in = r.stream()) {
                assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(tree.resolve(SMALL)));
            }
        }
    }

    @Test
    void validatorsTellAnUnchangedFileFromAChangedOne() throws Exception {
        try (InstallSource source = open()) {
            // a scheme whose validators cannot be trusted to change with the file is never cached
            assertThat(source.cacheIdentity(SMALL).isPresent()).as("cached: " + backend.repository())
                    .isEqualTo(cached());
        }
        if (!cached()) {
            return;
        }
        String name = "images/xen/cached-" + getClass().getSimpleName() + ".img";
        Path file = tree.resolve(name);
        SourceFixtures.randomFile(file, 100_000, 7);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
        Validators first;
        try (InstallSource source = open(); InstallSource.Resource r = source.open(name)) {
            first = r.validators();
            r.stream().readAllBytes();
            assertThat(source.cacheIdentity(name)).isPresent();
        }
        assertThat(first.isEmpty()).as("validators of " + backend.repository()).isFalse();
        try (InstallSource source = open(); InstallSource.Resource r = source.openIfChanged(name, first)) {
            assertThat(r.notModified()).as("unchanged").isTrue();
        }
        SourceFixtures.randomFile(file, 100_000, 8); // same size, other bytes, another time
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(1800)));
        try (InstallSource source = open(); InstallSource.Resource r = source.openIfChanged(name, first)) {
            assertThat(r.notModified()).as("changed").isFalse();
            assertThat(r.stream().readAllBytes()).isEqualTo(Files.readAllBytes(file));
            assertThat(r.validators()).isNotEqualTo(first);
        }
    }

    @Test
    void readsABigFileWhole() throws Exception {
        try (InstallSource source = open(); InstallSource.Resource r = source.open(BIG);
                InputStream in = r.stream()) {
            assertThat(r.length()).hasValue(BIG_SIZE);
            assertThat(SourceFixtures.md5(in)).isEqualTo(SourceFixtures.md5(tree.resolve(BIG)));
        }
    }

    @Test
    void aMissingFileIsInvalidSourceNamingItMasked() throws Exception {
        String missing = "images/xen/no-such-file";
        try (InstallSource source = open()) {
            assertThat(source.exists(missing)).isFalse();
            BootloaderException e = invalidSource(() -> source.open(missing));
            assertThat(e.getMessage()).contains(source.describe(missing));
            assertMasked(source.describe(missing));
            assertMasked(e.getMessage());
        }
    }

    @Test
    void aDirectoryIsNoFile() throws Exception {
        try (InstallSource source = open()) {
            assertThat(source.exists("images/xen")).isFalse();
            BootloaderException e = invalidSource(() -> source.open("images/xen"));
            assertThat(e.getMessage()).containsPattern("is a directory|not a regular file")
                    .contains(source.describe("images/xen"));
            assertMasked(e.getMessage());
        }
    }

    @Test
    void refusedNamesAreInvalidSourceAndReachNoServer() throws Exception {
        List<String> refused = List.of("../" + OUTSIDE, "images/../../" + OUTSIDE, "/etc/passwd", "..",
                "images//xen/initrd.img", "images/xen/", "./images/xen/initrd.img", "images/./xen/initrd.img",
                "images\\xen\\initrd.img", "images/xen/initrd.img\0", "images/xen/initrd.img\n", "");
        try (InstallSource source = open()) {
            for (String name : refused) {
                BootloaderException opened = invalidSource(() -> source.open(name));
                BootloaderException asked = invalidSource(() -> source.exists(name));
                assertThat(opened.getMessage()).as(name).doesNotContain("\n").doesNotContain("\0")
                        .isEqualTo(asked.getMessage());
                if (name.chars().allMatch(c -> c >= ' ')) {
                    assertThat(opened.getMessage()).contains("\"" + name + "\"");
                }
                assertMasked(opened.getMessage());
            }
        }
        String log = backend.requestLog();
        if (log != null) {
            assertThat(log).doesNotContain(OUTSIDE).doesNotContain("passwd").doesNotContain("\\xen");
        }
    }

    @Test
    void aFileOverItsLimitIsLimitsBeforeItsTransfer() throws Exception {
        Path target = scratch.resolve("initrd");
        try (InstallSource source = open()) {
            Throwable thrown = catchThrowable(() -> BoundedCopy.fetch(source, BIG, "initrd", BIG_SIZE - 1, target));
            assertThat(thrown).isInstanceOfSatisfying(BootloaderException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.LIMITS));
            assertThat(thrown.getMessage()).contains(source.describe(BIG)).contains(Long.toString(BIG_SIZE));
            assertMasked(thrown.getMessage());
            assertThat(Files.exists(target) ? Files.size(target) : 0L).as("refused by its announced size").isZero();
            assertThat(BoundedCopy.fetch(source, SMALL, "initrd", SMALL_SIZE, target).size()).isEqualTo(SMALL_SIZE);
        }
    }

    /** Runs {@code action}, which must fail with INVALID_SOURCE. */
    protected static BootloaderException invalidSource(ThrowingRunnable action) {
        Throwable thrown = catchThrowable(action::run);
        assertThat(thrown).isInstanceOf(BootloaderException.class);
        BootloaderException e = (BootloaderException) thrown;
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.INVALID_SOURCE);
        return e;
    }

    /** A body for {@link #invalidSource}. */
    @FunctionalInterface
    protected interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void assertMasked(String text) {
        if (backend.password() != null) {
            assertThat(text).doesNotContain(backend.password());
        }
    }

    /** The text of a log file, or "" when there is none yet. */
    protected static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
