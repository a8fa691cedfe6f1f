package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.initrd.InitrdFixups;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.DebianInstaller;
import org.xenproject.eliloader.testsupport.QemuBoot;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * The end-to-end proof of the initrd fix-ups: the real Debian 12 installer, laid out as a
 * Debian mirror and served by nginx, goes through round 1 of a debianlike VM whose
 * guest-installer directory maps the installer's initrd (by MD5) to an overlay; then qemu
 * (TCG) boots exactly what the program handed over. The overlay holds a d-i startup hook that
 * prints the kernel command line and a file of the overlay to the serial console and powers
 * the machine off, so the console shows that the patched initrd was unpacked and run, and
 * that the kernel got the arguments the program built. Both overlay modes must boot.
 */
@QemuBoot
class QemuInstallerBootTest {
    /** The mirror path the VM's install-repository points at. */
    private static final String MIRROR = "debian";
    private static final String IMAGES = "dists/bookworm/main/installer-amd64/current/images/netboot/xen/";
    private static final long BOOT_TIMEOUT_SECONDS = 240;
    private static final String HOOK = "lib/debian-installer-startup.d/S00eliloader";
    private static final String MARKER_FILE = "etc/eliloader-overlay-marker";

    @TempDir
    static Path shared;
    static NginxPeer nginx;
    static Path vendorKernel;
    static Path vendorInitrd;
    static String vendorMd5;

    @TempDir
    Path dir;

    @BeforeAll
    static void serveMirror() throws IOException {
        vendorKernel = DebianInstaller.kernel();
        vendorInitrd = DebianInstaller.initrd();
        vendorMd5 = InitrdFixups.md5Hex(vendorInitrd);
        Path images = Files.createDirectories(shared.resolve("mirror").resolve(MIRROR).resolve(IMAGES));
        Files.copy(vendorKernel, images.resolve("vmlinuz"));
        Files.copy(vendorInitrd, images.resolve("initrd.gz"));
        // the images' MANIFEST, as on a Debian mirror: the debian profiles expect it before fetching anything
        Files.writeString(images.getParent().getParent().resolve("MANIFEST"),
                "This is the debian netboot image set.\nnetboot/debian-installer/amd64/linux\n");
        // the suite's Release file
        Files.writeString(shared.resolve("mirror").resolve(MIRROR).resolve("dists/bookworm/Release"),
                "Origin: Debian\nLabel: Debian\nSuite: stable\nCodename: bookworm\n");
        // nginx's worker runs as nobody; JUnit's temporary directories are owner-only
        for (Path p = images; p.startsWith(shared); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        nginx = NginxPeer.serve(shared.resolve("mirror"), shared.resolve("nginx"));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @ParameterizedTest(name = "map type {0}")
    @ValueSource(strings = {"cpio", "cpio:merge"})
    void theHandedOverInstallerBootsWithTheOverlayAndTheBuiltArguments(String mapType) throws Exception {
        String token = UUID.randomUUID().toString();
        String markerText = "eliloader overlay " + mapType + " " + token;
        Path guestInstaller = Files.createDirectories(dir.resolve("guest-installer"));
        overlayCpio(dir.resolve("overlay"), markerText, guestInstaller.resolve("d-i-probe.cpio"));
        Files.writeString(guestInstaller.resolve("debian-12.map"),
                "# Debian 12 netboot initrd: boot probe\n" + vendorMd5 + " " + mapType + " d-i-probe.cpio debian-12\n");

        String pvArgs = "console=ttyS0 quiet eliloader-marker=" + token;
        Path store = VmStoreFixture.vm()
                .field("PV_args", pvArgs)
                .other("install-repository", nginx.url(MIRROR))
                .other("install-distro", "debianlike")
                .other("debian-release", "bookworm")
                .other("install-arch", "amd64")
                .writeTo(dir.resolve("vms.json"));
        Path out = dir.resolve("out");
        Run run = BootHarness.onStore(store).outputDirectory(out).args("--guest-installer-dir=" + guestInstaller).boot()
                .run();
        assertThat(run.status()).as(run.stderr()).isZero();
        Map<String, String> answer = simpleAnswer(run.stdout());
        assertThat(answer).containsOnlyKeys("kernel", "ramdisk", "args");
        Path kernel = Path.of(answer.get("kernel"));
        Path ramdisk = Path.of(answer.get("ramdisk"));
        String args = answer.get("args");

        assertThat(kernel.getParent()).isEqualTo(out);
        assertThat(ramdisk.getParent()).isEqualTo(out);
        assertThat(Files.mismatch(kernel, vendorKernel)).as("the kernel is the vendor's").isEqualTo(-1L);
        assertThat(InitrdFixups.md5Hex(ramdisk)).as("the initrd was patched").isNotEqualTo(vendorMd5);
        if (mapType.equals("cpio")) {
            byte[] vendor = Files.readAllBytes(vendorInitrd);
            byte[] patched = Files.readAllBytes(ramdisk);
            assertThat(Arrays.equals(patched, 0, vendor.length, vendor, 0, vendor.length))
                    .as("append keeps the vendor initrd byte for byte").isTrue();
            assertThat((double) patched.length).isLessThanOrEqualTo(vendor.length * 1.01);
        }
        assertThat(args).as("xenopsd appends the VM's PV args itself").doesNotContain(pvArgs);
        assertThat(args).as("the debianlike profile names the mirror").contains("mirror/suite=bookworm");
        assertThat(VmStoreFixture.otherConfig(store)).doesNotContainKey("install-round");
        assertThat(VmStoreFixture.read(store)).containsEntry("PV_bootloader", "pygrub");

        // the guest's command line as xenopsd composes it (bootloader.ml: answer, legacy args, PV args)
        String cmdline = String.format("%s %s %s", args, "", pvArgs);
        String console = boot(kernel, ramdisk, cmdline, dir.resolve("serial.log"));

        String shownCmdline = between(console, "ELILOADER-CMDLINE-BEGIN", "ELILOADER-CMDLINE-END");
        String shownMarker = between(console, "ELILOADER-MARKER-BEGIN", "ELILOADER-MARKER-END");
        assertThat(shownMarker).as("the overlay's file, read inside the booted installer").isEqualTo(markerText);
        assertThat(shownCmdline.strip().split(" +")).as("/proc/cmdline inside the booted installer")
                .containsExactly(cmdline.strip().split(" +"));
        assertThat(shownCmdline.split(" +")).as("each argument once").doesNotHaveDuplicates();
    }

    /**
     * Boots qemu (TCG, no network) on the kernel and initrd with {@code cmdline}; the serial
     * console is kept in {@code log}. Returns the console output once the guest powered off.
     */
    private static String boot(Path kernel, Path initrd, String cmdline, Path log) throws Exception {
        List<String> command = List.of("qemu-system-x86_64", "-accel", "tcg", "-m", "1024", "-smp", "1",
                "-nographic", "-serial", "stdio", "-monitor", "none", "-no-reboot", "-nic", "none",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", cmdline);
        Process qemu = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(log.toFile()).start();
        long start = System.nanoTime();
        boolean exited;
        try {
            exited = qemu.waitFor(BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            if (qemu.isAlive()) {
                qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        String console = Files.readString(log, StandardCharsets.ISO_8859_1).replace("\r", "");
        System.out.printf("qemu boot of %s: %.1f s%n", initrd.getFileName(), (System.nanoTime() - start) / 1e9);
        assertThat(exited).as("the guest powers itself off within %d s; console ends with:%n%s",
                BOOT_TIMEOUT_SECONDS, tail(console)).isTrue();
        assertThat(qemu.exitValue()).as("qemu's exit status; console ends with:%n%s", tail(console)).isZero();
        return console;
    }

    /**
     * The text on the line(s) between two marker lines the hook printed (a marker line may start
     * with the terminal reset d-i sends to the console first).
     */
    private static String between(String console, String begin, String end) {
        Matcher m = Pattern.compile(begin + "\n(.*?)\n" + end + "\n", Pattern.DOTALL).matcher(console);
        assertThat(m.find()).as("%s ... %s on the console, which ends with:%n%s", begin, end, tail(console)).isTrue();
        return m.group(1);
    }

    private static String tail(String console) {
        return console.length() <= 4000 ? console : console.substring(console.length() - 4000);
    }

    private static Map<String, String> simpleAnswer(String stdout) {
        Map<String, String> answer = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            int space = line.indexOf(' ');
            String key = space < 0 ? line : line.substring(0, space);
            assertThat(answer.put(key, space < 0 ? "" : line.substring(space + 1))).as("duplicate " + key).isNull();
        }
        return answer;
    }

    /**
     * A newc overlay made by GNU cpio: a d-i startup hook (run before every other startup script)
     * that prints /proc/cmdline and the marker file between marker lines to the console and
     * powers off, and the marker file.
     */
    private static void overlayCpio(Path tree, String markerText, Path archive) throws Exception {
        Path hook = tree.resolve(HOOK);
        Files.createDirectories(hook.getParent());
        Files.createDirectories(tree.resolve(MARKER_FILE).getParent());
        Files.writeString(hook, String.join("\n",
                "#!/bin/sh",
                "# written by eliloader's QemuInstallerBootTest",
                "{",
                "  echo ELILOADER-CMDLINE-BEGIN",
                "  cat /proc/cmdline",
                "  echo ELILOADER-CMDLINE-END",
                "  echo ELILOADER-MARKER-BEGIN",
                "  cat /" + MARKER_FILE,
                "  echo ELILOADER-MARKER-END",
                "} > /dev/console 2>&1",
                "sync",
                "echo o > /proc/sysrq-trigger",
                "sleep 60",
                ""));
        Files.writeString(tree.resolve(MARKER_FILE), markerText + "\n");
        for (String d : List.of("lib", "lib/debian-installer-startup.d", "etc")) {
            Files.setPosixFilePermissions(tree.resolve(d), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(tree.resolve(MARKER_FILE), PosixFilePermissions.fromString("rw-r--r--"));
        List<String> names = new ArrayList<>(List.of("etc", MARKER_FILE, "lib", "lib/debian-installer-startup.d", HOOK));
        Process p = new ProcessBuilder("cpio", "-o", "-H", "newc", "--quiet").directory(tree.toFile())
                .redirectOutput(archive.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write((String.join("\n", names) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(p.waitFor()).as("cpio -o").isZero();
    }
}
