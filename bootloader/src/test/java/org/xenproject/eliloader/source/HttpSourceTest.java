package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testpeers.Tls;

/**
 * http and https against a real nginx: redirects, refused downgrades, HEAD fallbacks, retries,
 * and transfers broken by killing or stopping nginx's worker midway (Range + If-Range resume, a
 * file replaced meanwhile, a server that ignores ranges, read and overall timeouts).
 */
@org.xenproject.eliloader.testsupport.RealPeers
class HttpSourceTest {
    private static final long BIG = 6L << 20;
    private static final String EXTRA = String.join("\n",
            "location /slow/ { limit_rate 2m; }",
            "location /norange/ { limit_rate 2m; max_ranges 0; }",
            "location = /redirect/vmlinuz { return 302 /images/xen/vmlinuz; }",
            "location = /redirect/absolute { return 301 http://127.0.0.1:@HTTP_PORT@/images/xen/vmlinuz; }",
            "location = /redirect/missing { return 307 /images/xen/missing; }",
            "location = /loop/a { return 302 /loop/b; }",
            "location = /loop/b { return 302 /loop/a; }",
            "location = /up/vmlinuz { return 302 https://127.0.0.1:@HTTPS_PORT@/images/xen/vmlinuz; }",
            "location = /down/vmlinuz { return 302 http://127.0.0.1:@HTTP_PORT@/images/xen/vmlinuz; }",
            "location = /busy/vmlinuz { return 503; }",
            "location = /forbidden/vmlinuz { return 403; }",
            "location /nohead/ { if ($request_method = HEAD) { return 405; } alias @TREE@/images/xen/; }",
            "location /private/ { auth_basic \"eliloader\"; auth_basic_user_file @TREE@/../htpasswd;"
                    + " alias @TREE@/images/xen/; }",
            "location = /private-elsewhere/vmlinuz { return 302 http://localhost:@HTTP_PORT@/private/vmlinuz; }",
            "location /moved/ { rewrite ^/moved/(.*)$ /images/xen/$1 permanent; }",
            "");

    private static WorkDir work;
    private static Path tree;
    private static NginxPeer nginx;

    @BeforeAll
    static void start() throws IOException {
        work = SourceFixtures.workDir("http");
        tree = work.mkdirs("tree");
        Files.copy(SourceFixtures.fixtureTree().resolve(SourceFixtures.KERNEL),
                work.mkdirs("tree/images/xen").resolve("vmlinuz"));
        SourceFixtures.randomFile(tree.resolve("slow/big.img"), BIG, 1);
        SourceFixtures.randomFile(tree.resolve("norange/big.img"), BIG, 2);
        Files.writeString(work.resolve("htpasswd"), "webuser:" + apr1("Web-pass1") + "\n");
        nginx = NginxPeer.serve(tree, work.resolve("peer"), true, EXTRA.replace("@TREE@", tree.toString()));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (work != null) {
            work.close();
        }
    }

    private static String apr1(String password) throws IOException {
        Process p = new ProcessBuilder("openssl", "passwd", "-apr1", password).redirectErrorStream(true).start();
        String hash = new String(p.getInputStream().readAllBytes()).strip();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("openssl passwd failed: " + hash);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return hash;
    }

    private static InstallSource source(String url) {
        return source(url, SourceFixtures.quickOptions());
    }

    private static InstallSource source(String url, SourceOptions options) {
        return SourceFactory.open(Repository.parse(url), options.withCaFile(nginx.caCert()));
    }

    private static String kernelMd5() {
        return SourceFixtures.md5(SourceFixtures.fixtureTree().resolve(SourceFixtures.KERNEL));
    }

    private static String read(InstallSource source, String path) throws IOException {
        try (InstallSource.Resource resource = source.open(path)) {
            return SourceFixtures.md5(resource.stream());
        }
    }

    private static BootloaderException failure(ThrowingRunnable action) {
        try {
            action.run();
        } catch (BootloaderException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a BootloaderException, got " + e, e);
        }
        throw new AssertionError("expected a BootloaderException");
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void httpAndHttpsServeTheSameBytesWithTheirLength() throws Exception {
        for (String base : List.of(nginx.url(""), nginx.httpsUrl(""))) {
            try (InstallSource source = source(base); InstallSource.Resource r = source.open("images/xen/vmlinuz")) {
                assertThat(r.length()).hasValue(44);
                assertThat(SourceFixtures.md5(r.stream())).isEqualTo(kernelMd5());
                assertThat(source.exists("images/xen/vmlinuz")).isTrue();
                assertThat(source.exists("images/xen/missing")).isFalse();
            }
        }
    }

    @Test
    void httpsIsRefusedWithoutTheCaAndNotRetried() {
        SourceOptions systemTrust = SourceFixtures.quickOptions();
        long start = System.nanoTime();
        BootloaderException e = failure(() -> {
            try (InstallSource source = SourceFactory.open(Repository.parse(nginx.httpsUrl("")), systemTrust)) {
                source.open("images/xen/vmlinuz");
            }
        });
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
        assertThat(e.getMessage()).contains(nginx.httpsUrl("images/xen/vmlinuz")).contains("--ca-file");
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(3).toNanos());
    }

    @Test
    void httpsIsRefusedWithAnotherCa() throws IOException {
        Tls.Certificates other = Tls.generate(work.resolve("other-ca"));
        BootloaderException e = failure(() -> {
            try (InstallSource source = SourceFactory.open(Repository.parse(nginx.httpsUrl("")),
                    SourceFixtures.quickOptions().withCaFile(other.caCert()))) {
                source.exists("images/xen/vmlinuz");
            }
        });
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
        assertThat(e.getMessage()).contains("TLS");
    }

    @Test
    void anUnusableCaFileIsInvalidSource() throws IOException {
        Path garbage = Files.writeString(work.resolve("garbage.pem"), "not a certificate\n");
        for (Path file : List.of(garbage, work.resolve("missing.pem"))) {
            BootloaderException e = failure(() -> SourceFactory.open(Repository.parse(nginx.httpsUrl("")),
                    SourceFixtures.quickOptions().withCaFile(file)));
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains("The CA file " + file);
        }
    }

    @Test
    void redirectsAreFollowedWithinTheHttpFamily() throws Exception {
        try (InstallSource source = source(nginx.url(""))) {
            assertThat(read(source, "redirect/vmlinuz")).isEqualTo(kernelMd5());
            assertThat(read(source, "redirect/absolute")).isEqualTo(kernelMd5());
            assertThat(source.exists("redirect/vmlinuz")).isTrue();
            // http may move up to https
            assertThat(read(source, "up/vmlinuz")).isEqualTo(kernelMd5());
        }
    }

    /**
     * An http repository's client speaks cleartext only (no trust store to load); a redirect to
     * https gets a TLS client, made then, that verifies with the system trust.
     */
    @Test
    void aRedirectFromHttpToHttpsIsVerifiedWithTheSystemTrust() throws Exception {
        try (InstallSource source = SourceFactory.open(Repository.parse(nginx.url("")), SourceFixtures.quickOptions())) {
            assertThat(read(source, "images/xen/vmlinuz")).isEqualTo(kernelMd5());
            BootloaderException e = failure(() -> read(source, "up/vmlinuz"));
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains("TLS").contains("--ca-file").doesNotContain("CLEARTEXT");
        }
    }

    @Test
    void aRedirectFromHttpsToHttpIsRefused() {
        BootloaderException e = failure(() -> {
            try (InstallSource source = source(nginx.httpsUrl(""))) {
                source.open("down/vmlinuz");
            }
        });
        assertThat(e.getMessage()).contains("from https to http are refused");
    }

    @Test
    void redirectLoopsAreBounded() {
        BootloaderException e = failure(() -> {
            try (InstallSource source = source(nginx.url(""))) {
                source.open("loop/a");
            }
        });
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
        assertThat(e.getMessage()).contains("Too many redirects").contains(nginx.url("loop/a"));
    }

    @Test
    void aRedirectToAMissingFileNamesBoth() {
        BootloaderException e = failure(() -> {
            try (InstallSource source = source(nginx.url(""))) {
                source.open("redirect/missing");
            }
        });
        assertThat(e.getMessage()).contains("has no file " + nginx.url("redirect/missing"))
                .contains("404 from " + nginx.url("images/xen/missing"));
    }

    @Test
    void serverErrorsAreRetriedWithBackoffClientErrorsAreNot() {
        long start = System.nanoTime();
        BootloaderException busy = failure(() -> {
            try (InstallSource source = source(nginx.url(""))) {
                source.open("busy/vmlinuz");
            }
        });
        assertThat(busy.getMessage()).contains("HTTP 503").contains("gave up after 4 attempts");
        assertThat(System.nanoTime() - start).isGreaterThan(Duration.ofMillis(600).toNanos());
        BootloaderException forbidden = failure(() -> {
            try (InstallSource source = source(nginx.url(""))) {
                source.open("forbidden/vmlinuz");
            }
        });
        assertThat(forbidden.getMessage()).contains("HTTP 403").doesNotContain("attempts");
    }

    @Test
    void aTreeMovedForGoodIsRedirectedOnceARun() throws Exception {
        long redirects = statusCount("/moved/vmlinuz", 301);
        try (InstallSource source = source("http://127.0.0.1:" + nginx.port() + "/moved/")) {
            for (int i = 0; i < 3; i++) {
                assertThat(read(source, "vmlinuz")).isEqualTo(kernelMd5());
            }
            assertThat(source.exists("vmlinuz")).isTrue();
            assertThat(source.describe("vmlinuz")).isEqualTo("http://127.0.0.1:" + nginx.port() + "/moved/vmlinuz");
        }
        assertThat(statusCount("/moved/vmlinuz", 301) - redirects).as("301s for four requests").isEqualTo(1);
    }

    @Test
    void basicAuthenticationIsSentPreemptivelyAfterTheFirstChallenge() throws Exception {
        String withUser = "http://webuser@127.0.0.1:" + nginx.port() + "/private/";
        long challenged = statusCount("/private/vmlinuz", 401);
        try (InstallSource source = source(withUser, SourceFixtures.quickOptions().withSecret(() -> "Web-pass1"))) {
            for (int i = 0; i < 4; i++) {
                assertThat(read(source, "vmlinuz")).isEqualTo(kernelMd5());
            }
        }
        assertThat(statusCount("/private/vmlinuz", 401) - challenged).as("401s for four GETs").isEqualTo(1);
    }

    private static long statusCount(String path, int status) throws IOException {
        try (java.util.stream.Stream<String> lines = Files.lines(nginx.accessLog())) {
            return lines.filter(l -> l.contains(" " + path + " HTTP/") && l.contains("\" " + status + " ")).count();
        }
    }

    @Test
    void basicAuthenticationUsesTheUrlOrTheSecretAndStaysOnItsOrigin() throws Exception {
        String withUser = "http://webuser@127.0.0.1:" + nginx.port() + "/private/";
        try (InstallSource source = source(withUser, SourceFixtures.quickOptions().withSecret(() -> "Web-pass1"))) {
            assertThat(read(source, "vmlinuz")).isEqualTo(kernelMd5());
            assertThat(source.exists("vmlinuz")).isTrue();
            // a redirect to another origin (localhost is not 127.0.0.1) does not get the credentials
            BootloaderException elsewhere = failure(() -> {
                try (InstallSource root = source("http://webuser@127.0.0.1:" + nginx.port() + "/",
                        SourceFixtures.quickOptions().withSecret(() -> "Web-pass1"))) {
                    root.open("private-elsewhere/vmlinuz");
                }
            });
            assertThat(elsewhere.getMessage()).contains("HTTP 401").contains("http://localhost:" + nginx.port());
        }
        try (InstallSource source = source("http://webuser:Web-pass1@127.0.0.1:" + nginx.port() + "/private/")) {
            assertThat(read(source, "vmlinuz")).isEqualTo(kernelMd5());
            assertThat(source.describe("vmlinuz")).isEqualTo("http://webuser:***@127.0.0.1:" + nginx.port() + "/private/vmlinuz");
        }
        BootloaderException wrong = failure(() -> {
            try (InstallSource source = source(withUser, SourceFixtures.quickOptions().withSecret(() -> "Wrong-pw"))) {
                source.open("vmlinuz");
            }
        });
        assertThat(wrong.getMessage()).contains("refused the credentials of webuser").doesNotContain("Wrong-pw");
        assertThatThrownBy(() -> source(withUser)).hasMessageContaining("install-repository-secret");
    }

    @Test
    void existsFallsBackToGetWhenHeadIsNotAllowed() throws Exception {
        try (InstallSource source = source(nginx.url("nohead"))) {
            assertThat(source.exists("vmlinuz")).isTrue();
            assertThat(source.exists("missing")).isFalse();
        }
    }

    @Test
    void aDroppedConnectionIsResumedWithRangeAndIfRange() throws Exception {
        for (String base : List.of(nginx.url(""), nginx.httpsUrl(""))) {
            long before = count206();
            try (InstallSource source = source(base); InstallSource.Resource big = source.open("slow/big.img")) {
                assertThat(big.length()).hasValue(BIG);
                assertThat(readKillingWorkersAfter(big.stream(), 1 << 20)).isEqualTo(SourceFixtures.md5(tree.resolve("slow/big.img")));
            }
            assertThat(count206()).as("a 206 answered the resume").isGreaterThan(before);
        }
    }

    @Test
    void aServerIgnoringRangesIsReadPastTheBytesAlreadyThere() throws Exception {
        try (InstallSource source = source(nginx.url("")); InstallSource.Resource big = source.open("norange/big.img")) {
            assertThat(readKillingWorkersAfter(big.stream(), 1 << 20))
                    .isEqualTo(SourceFixtures.md5(tree.resolve("norange/big.img")));
        }
    }

    @Test
    void aFileReplacedDuringTheTransferIsNeverSpliced() throws Exception {
        Path file = SourceFixtures.randomFile(tree.resolve("slow/changing.img"), BIG, 3);
        try (InstallSource source = source(nginx.url("")); InstallSource.Resource r = source.open("slow/changing.img")) {
            InputStream in = r.stream();
            SourceFixtures.readFully(in, new byte[1 << 20]);
            Path replacement = SourceFixtures.randomFile(work.resolve("replacement.img"), BIG + 1, 4);
            Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            nginx.workers().forEach(ProcessHandle::destroyForcibly);
            BootloaderException e = failure(() -> in.transferTo(java.io.OutputStream.nullOutputStream()));
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains(nginx.url("slow/changing.img")).contains("changed on the server");
        }
    }

    @Test
    void aStalledServerIsRetriedAfterTheReadTimeoutAndResumed() throws Exception {
        SourceOptions options = SourceFixtures.quickOptions()
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60))
                .withRetry(new RetryPolicy(8, Duration.ofMillis(100), Duration.ofMillis(200)));
        try (InstallSource source = source(nginx.url(""), options); InstallSource.Resource big = source.open("slow/big.img")) {
            InputStream in = big.stream();
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] head = new byte[1 << 20];
            SourceFixtures.readFully(in, head);
            md5.update(head);
            List<ProcessHandle> workers = nginx.workers();
            signal("STOP", workers);
            Thread resume = new Thread(() -> {
                sleep(2500);
                signal("CONT", workers);
            });
            resume.start();
            try {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    md5.update(buffer, 0, n);
                }
            } finally {
                resume.join();
            }
            assertThat(HexFormat.of().formatHex(md5.digest())).isEqualTo(SourceFixtures.md5(tree.resolve("slow/big.img")));
        }
    }

    @Test
    void aServerThatNeverAnswersFailsAfterTheReadTimeoutsNotTheOverallOne() throws IOException {
        // the kernel still accepts connections for stopped workers; the answer never comes
        SourceOptions options = SourceFixtures.quickOptions()
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(60))
                .withRetry(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(100)));
        List<ProcessHandle> workers = nginx.workers();
        long start = System.nanoTime();
        signal("STOP", workers);
        try (InstallSource source = source(nginx.url(""), options)) {
            assertThatThrownBy(() -> source.open("slow/big.img")).isInstanceOf(BootloaderException.class)
                    .hasMessageContaining("timed out");
        } finally {
            signal("CONT", workers);
        }
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(10).toNanos());
    }

    @Test
    void theOverallTimeoutBoundsAFileRetriesIncluded() throws Exception {
        SourceOptions options = SourceFixtures.quickOptions()
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(3))
                .withRetry(new RetryPolicy(50, Duration.ofMillis(100), Duration.ofMillis(200)));
        List<ProcessHandle> workers = nginx.workers();
        long start = System.nanoTime();
        try (InstallSource source = source(nginx.url(""), options); InstallSource.Resource big = source.open("slow/big.img")) {
            InputStream in = big.stream();
            SourceFixtures.readFully(in, new byte[1 << 20]);
            signal("STOP", workers);
            BootloaderException e = null;
            try {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException io) {
                assertThat(io.getMessage()).contains("overall timeout of 3 s");
                e = BootloaderException.invalidSource(io.getMessage());
            }
            assertThat(e).as("the transfer gave up").isNotNull();
        } finally {
            signal("CONT", workers);
        }
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(8).toNanos());
    }

    /** Reads a resource, killing nginx's workers after {@code after} bytes; the MD5 of everything read. */
    private static String readKillingWorkersAfter(InputStream in, int after) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] head = new byte[after];
        SourceFixtures.readFully(in, head);
        md5.update(head);
        List<ProcessHandle> workers = nginx.workers();
        assertThat(workers).isNotEmpty();
        workers.forEach(ProcessHandle::destroyForcibly);
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
            md5.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    private static long count206() throws IOException {
        if (!Files.exists(nginx.accessLog())) {
            return 0;
        }
        return Files.readAllLines(nginx.accessLog()).stream().filter(l -> l.contains("\" 206 ")).count();
    }

    private static void signal(String signal, List<ProcessHandle> processes) {
        for (ProcessHandle p : processes) {
            try {
                new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
