package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * The packages of scripts/package as an admin meets them: the .deb installed with dpkg into a clean
 * Debian 12 root (debootstrap --variant=minbase, no Java in it; made once per machine by
 * scripts/make-test-root, copied for each run), then inside it (chroot, with its own /proc) a round 1
 * against a tree nginx serves on 127.0.0.1, {@code profiles validate}, the AOT cache or class-data
 * archive really usable at the installed path, and the conffile kept across a reinstall; the RPM
 * read with rpm -qlp / --scripts / --configfiles. scripts/test runs scripts/package and
 * scripts/make-test-root before the suite.
 */
@RealPeers
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageInstallTest {
    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    private static Path work;
    private static Path root;
    private static Path deb;
    private static Path rpm;

    record Result(int status, String stdout, String stderr) { }

    private static Result exec(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("ELILOADER_SYSLOG", "0");
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A command inside the installed root: its own pid namespace and /proc, the host's network (nginx). */
    private static Result inRoot(String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("unshare", "--fork", "--pid", "--mount-proc=" + root.resolve("proc"),
                "chroot", root.toString()));
        argv.addAll(List.of(command));
        return exec(argv);
    }

    private static Path newest(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix))
                    .max(Comparator.comparing(f -> f.toFile().lastModified())).orElseThrow(() ->
                            new AssertionError("no " + suffix + " in " + dir + ": run scripts/package"));
        }
    }

    @BeforeAll
    static void installTheDebIntoACleanDebian() throws Exception {
        Path dist = ProjectPaths.root().resolve("dist");
        assertThat(dist).as("run scripts/package").isDirectory();
        deb = newest(dist, ".deb");
        rpm = newest(dist, ".rpm");
        work = Files.createTempDirectory("eliloader-install-test.");
        Result cached = exec(List.of(ProjectPaths.scripts().resolve("make-test-root").toString()));
        assertThat(cached.status()).as(cached.stderr()).isZero();
        Path clean = Path.of(cached.stdout().strip());
        root = work.resolve("root");
        Result copy = exec(List.of("cp", "-a", clean.toString(), root.toString()));
        assertThat(copy.status()).as(copy.stderr()).isZero();
        assertThat(root.resolve("usr/bin/java")).doesNotExist();
        Files.copy(deb, root.resolve("tmp/eliloader.deb"));
        Result install = inRoot("dpkg", "-i", "/tmp/eliloader.deb");
        assertThat(install.status()).as(install.stdout() + install.stderr()).isZero();
    }

    @AfterAll
    static void removeTheRoot() throws Exception {
        if (work != null) {
            Process rm = new ProcessBuilder("rm", "-rf", "--one-file-system", work.toString()).inheritIO().start();
            assertThat(rm.waitFor(300, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    @Order(1)
    void theLayoutIsWhereAnAdminAndTheToolstackLook() throws Exception {
        assertThat(root.resolve("usr/bin/eliloader")).isExecutable();
        assertThat(Files.readSymbolicLink(root.resolve("usr/lib/xen/bin/eliloader"))).isEqualTo(Path.of("/usr/bin/eliloader"));
        assertThat(root.resolve("usr/share/eliloader/runtime/bin/java")).isExecutable();
        assertThat(root.resolve("usr/share/eliloader/distro-profiles/rhel-5.yaml")).isRegularFile();
        assertThat(root.resolve("etc/eliloader/eliloader.conf")).content().contains("#profiles-dir = /etc/eliloader/profiles.d");
        assertThat(root.resolve("etc/eliloader/profiles.d")).isDirectory();
        assertThat(root.resolve("var/cache/eliloader")).isDirectory();
        assertThat(root.resolve("usr/share/man/man8/eliloader.8.gz")).isRegularFile();
        assertThat(root.resolve("usr/share/bash-completion/completions/eliloader")).content().contains("complete -F _eliloader");
        assertThat(root.resolve("usr/share/doc/eliloader/copyright")).content().contains("okhttp", "jlink");
        // the unprivileged system user guest disks and CDs are read as (guest-reader-user's default)
        Result user = inRoot("getent", "passwd", "eliloader");
        assertThat(user.status()).as(user.stderr()).isZero();
        assertThat(user.stdout()).matches("eliloader:x:[1-9][0-9]*:[0-9]+::/nonexistent:/usr/sbin/nologin\n");
        // the deprivileged reader starts from the installed runtime and jar as that user
        String[] fields = user.stdout().split(":");
        Result reader = inRoot("setpriv", "--reuid=" + fields[2], "--regid=" + fields[3], "--clear-groups", "--",
                "/usr/share/eliloader/runtime/bin/java", "-cp", "/usr/share/eliloader/eliloader.jar",
                "org.xenproject.eliloader.cli.Main", "guest-read", "partitions", "empty");
        // (its input here is /dev/null: no partition table to read, said as a named error)
        assertThat(reader.status()).as(reader.stderr()).isEqualTo(1);
        assertThat(reader.stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\nCannot read the partition table of empty: "
                + "the disk ends at byte 0 inside its partition table\n");
        assertThat(root.resolve("usr/share/eliloader/runtime/legal/java.base")).isDirectory();
        Result conffiles = inRoot("dpkg-query", "-W", "-f=${Conffiles}", "eliloader");
        assertThat(conffiles.stdout()).contains("/etc/eliloader/eliloader.conf");
    }

    @Test
    @Order(2)
    void versionAndHelpFromTheToolstacksPath() throws Exception {
        Result version = inRoot("/usr/lib/xen/bin/eliloader", "--version");
        assertThat(version.stderr()).isEmpty();
        assertThat(version.stdout()).matches("eliloader [0-9][^ ]*\n");
        Result help = inRoot("eliloader", "probe", "--help");
        assertThat(help.status()).isZero();
        assertThat(help.stdout()).startsWith("usage: eliloader probe");
    }

    @Test
    @Order(3)
    void aRoundOneFromATreeOnLocalhost() throws Exception {
        Path store = VmStoreFixture.vm().other("install-repository", nginx.url("rhel5"))
                .writeTo(root.resolve("tmp/vms.json"));
        Result boot = inRoot("/usr/lib/xen/bin/eliloader", "-q", "--vm", VmStoreFixture.VM, "--vm-store=/tmp/vms.json",
                "--output-directory=/tmp/boot", "/dev/null");
        assertThat(boot.stderr()).isEmpty();
        assertThat(boot.status()).isZero();
        String[] lines = boot.stdout().split("\n");
        assertThat(lines[0]).startsWith("kernel /tmp/boot/");
        assertThat(lines[1]).startsWith("ramdisk /tmp/boot/");
        assertThat(lines[2]).isEqualTo("args method=" + nginx.url("rhel5") + "/");
        Path kernel = root.resolve(lines[0].substring("kernel /".length()));
        assertThat(Files.readAllBytes(kernel)).isEqualTo(BootHarness.tree("rhel5/images/xen/vmlinuz"));
        assertThat(Files.readString(store, StandardCharsets.UTF_8)).contains("\"PV_bootloader\": \"pygrub\"");
    }

    @Test
    @Order(4)
    void theShippedProfilesValidate() throws Exception {
        Result validate = inRoot("eliloader", "profiles", "validate");
        assertThat(validate.status()).as(validate.stdout()).isZero();
        assertThat(validate.stdout()).matches("(?s)[0-9]+ profiles checked, 0 problems\\.\n");
    }

    /** The packaged cache must be usable where it is installed: with AOTMode=on / -Xshare:on the JVM refuses to start otherwise. */
    @Test
    @Order(5)
    void theStartUpCacheIsUsableAtTheInstalledPath() throws Exception {
        String d = "/usr/share/eliloader";
        boolean aot = Files.exists(root.resolve("usr/share/eliloader/eliloader.aot"));
        String launcher = Files.readString(root.resolve("usr/bin/eliloader"));
        List<String> argv = new ArrayList<>(List.of(d + "/runtime/bin/java"));
        // the launcher's own flags: a cache is only valid with the flags it was made with
        String flags = launcher.lines().filter(l -> l.startsWith("flags=\"")).findFirst().orElseThrow();
        argv.addAll(List.of(flags.substring(7, flags.length() - 1).split(" ")));
        argv.addAll(aot ? List.of("-XX:AOTCache=" + d + "/eliloader.aot", "-XX:AOTMode=on")
                : List.of("-XX:SharedArchiveFile=" + d + "/eliloader.jsa", "-Xshare:on"));
        argv.addAll(List.of("-jar", d + "/eliloader.jar", "--version"));
        Result run = inRoot(argv.toArray(String[]::new));
        assertThat(run.status()).as(String.join(" ", argv) + "\n" + run.stdout() + run.stderr()).isZero();
    }

    /**
     * A round 1 must not open the signed BouncyCastle jar (its signature check costs 0.3 s): it does
     * when a security provider java.security lists has no module in the runtime (the JDK then looks
     * for it on the class path).
     */
    @Test
    @Order(5)
    void aRoundOneVerifiesNoSignedJar() throws Exception {
        VmStoreFixture.vm().other("install-repository", nginx.url("rhel5")).writeTo(root.resolve("tmp/vms-classes.json"));
        String d = "/usr/share/eliloader";
        Result run = inRoot(d + "/runtime/bin/java", "-Xlog:class+load=info:file=/tmp/classes.log",
                "-Deliloader.distroProfiles=" + d + "/distro-profiles", "-jar", d + "/eliloader.jar", "-q",
                "--keep-installing", "--vm", VmStoreFixture.VM, "--vm-store=/tmp/vms-classes.json",
                "--output-directory=/tmp/boot-classes", "/dev/null");
        assertThat(run.status()).as(run.stderr()).isZero();
        List<String> classes = Files.readAllLines(root.resolve("tmp/classes.log"));
        assertThat(classes).anyMatch(line -> line.contains("okhttp3."));
        assertThat(classes).noneMatch(line -> line.contains("org.bouncycastle."))
                .noneMatch(line -> line.contains("sun.security.pkcs.PKCS7 ")); // a jar signature checked
    }

    @Test
    @Order(6)
    void anEditedConfigFileSurvivesAReinstallAndPurgeRemovesTheCache() throws Exception {
        Path conf = root.resolve("etc/eliloader/eliloader.conf");
        Files.writeString(conf, "fetch-retries = 2\n");
        Result again = inRoot("dpkg", "-i", "--force-confold", "/tmp/eliloader.deb");
        assertThat(again.status()).as(again.stderr()).isZero();
        assertThat(conf).hasContent("fetch-retries = 2");
        Result remove = inRoot("dpkg", "-r", "eliloader");
        assertThat(remove.status()).as(remove.stderr()).isZero();
        assertThat(root.resolve("usr/bin/eliloader")).doesNotExist();
        assertThat(conf).exists();
        Result purge = inRoot("dpkg", "-P", "eliloader");
        assertThat(purge.status()).as(purge.stderr()).isZero();
        assertThat(conf).doesNotExist();
        assertThat(root.resolve("var/cache/eliloader")).doesNotExist();
    }

    @Test
    void theRpmCarriesTheSameLayout() throws Exception {
        Result list = exec(List.of("rpm", "-qlp", rpm.toString()));
        assertThat(list.status()).as(list.stderr()).isZero();
        assertThat(list.stdout().lines()).contains("/usr/bin/eliloader", "/usr/lib/xen/bin/eliloader",
                "/opt/xensource/libexec/eliloader", "/usr/share/eliloader/eliloader.jar",
                "/usr/share/eliloader/runtime/bin/java", "/etc/eliloader/eliloader.conf", "/etc/eliloader/profiles.d",
                "/var/cache/eliloader", "/usr/share/man/man8/eliloader.8.gz",
                "/usr/share/bash-completion/completions/eliloader", "/usr/share/doc/eliloader/copyright");
        Result config = exec(List.of("rpm", "-qp", "--configfiles", rpm.toString()));
        assertThat(config.stdout().lines()).containsExactly("/etc/eliloader/eliloader.conf");
        Result scripts = exec(List.of("rpm", "-qp", "--scripts", rpm.toString()));
        // the erase-time tidy-up, and at install only the system user guest data is read as (the
        // cache was made at build time)
        assertThat(scripts.stdout()).contains("postuninstall scriptlet").contains("rm -rf /var/cache/eliloader")
                .contains("preinstall scriptlet").contains("useradd -r -U -M -d /nonexistent -s /sbin/nologin eliloader")
                .doesNotContain("postinstall scriptlet");
        Result requires = exec(List.of("rpm", "-qpR", rpm.toString()));
        assertThat(requires.stdout()).doesNotContain("java", "jre", "jdk");
    }
}
