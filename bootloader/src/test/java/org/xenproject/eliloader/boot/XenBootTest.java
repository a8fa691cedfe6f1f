package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.XenBoot;

/**
 * The proof on a real Xen: Debian's Xen 4.17 and a Debian 12 dom0 boot in qemu (TCG), with this
 * build's .deb installed in the dom0 root (scripts/make-xen-image), and dom0's init runs every
 * scenario in one boot (scripts/xen-in-qemu/dom0-init; scripts/run-xen-boot boots it). The test
 * judges from what the boot printed on Xen's serial console: xl's own output, libxl's bootloader
 * log, the guest consoles as xenconsoled logged them, the contents of /var/lib/xen.
 * <ul>
 * <li>a: {@code xl create} of a config whose {@code bootloader = "eliloader"} and whose
 * {@code bootloader_args} are the install keys: round 1 reads the Debian netboot tree inside dom0
 * through file://; the guest kernel's command line carries our arguments once each, and the
 * installer's first screen appears; the VM's state says installed.
 * <li>d: a round whose repository does not exist fails {@code xl create} with our
 * {@code RuntimeError} sentence in the log libxl names, and leaves nothing in /var/lib/xen (nor a
 * state for that VM).
 * <li>b: the same VM, its disk now an installed system (ext4, grub menu.lst, a marked kernel):
 * the next {@code xl create} boots that kernel through pygrub, not the installer.
 * <li>c: as b with {@code LIBXL_BOOTLOADER_RESTRICT=1} in xl's environment: libxl passes
 * {@code --runas=UID}, the guest still boots, and eliloader's log says the disk was read as UID.
 * </ul>
 * The console log and the dom0 image's build log stay in {@code target/xen-boot/}.
 */
@XenBoot
class XenBootTest {
    private static final long IMAGE_TIMEOUT_SECONDS = 1200;
    /** The whole boot: about 3 minutes alone, much more under TCG on a busy machine. */
    private static final long BOOT_TIMEOUT_SECONDS = 900;

    private static Path out;
    private static String serial;
    private static Map<String, String> sections;

    @BeforeAll
    static void bootXenAndRunTheScenarios() throws Exception {
        Path root = ProjectPaths.root();
        out = root.resolve("bootloader/target/xen-boot");
        Files.createDirectories(out);
        Path deb = newestDeb(root.resolve("dist"));
        Path imageLog = out.resolve("make-xen-image.log");
        long start = System.nanoTime();
        int image = run(List.of(ProjectPaths.scripts().resolve("make-xen-image").toString(), "--deb", deb.toString()),
                out.resolve("image-dir.txt"), imageLog, IMAGE_TIMEOUT_SECONDS);
        assertThat(image).as("scripts/make-xen-image, see %s:%n%s", imageLog, Files.readString(imageLog)).isZero();
        Path imageDir = Path.of(Files.readString(out.resolve("image-dir.txt")).strip());
        System.out.printf("xen image ready in %.1f s: %s%n", (System.nanoTime() - start) / 1e9, imageDir);
        start = System.nanoTime();
        Path bootLog = out.resolve("run-xen-boot.log");
        int boot = run(List.of(ProjectPaths.scripts().resolve("run-xen-boot").toString(), imageDir.toString(),
                out.toString(), Long.toString(BOOT_TIMEOUT_SECONDS)), bootLog, bootLog, BOOT_TIMEOUT_SECONDS + 60);
        System.out.printf("xen boot and scenarios: %.1f s%n", (System.nanoTime() - start) / 1e9);
        serial = Files.readString(out.resolve("serial.log"), StandardCharsets.ISO_8859_1).replace("\r", "");
        sections = sections(serial);
        assertThat(boot).as("dom0 ran every scenario and powered off; %s ends with:%n%s", out.resolve("serial.log"),
                tail(serial, 6000)).isZero();
    }

    private static Path newestDeb(Path dist) throws IOException {
        assertThat(dist).as("run scripts/package").isDirectory();
        try (Stream<Path> files = Files.list(dist)) {
            return files.filter(f -> f.getFileName().toString().endsWith("_amd64.deb"))
                    .max(Comparator.comparing(f -> f.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no .deb in " + dist + ": run scripts/package"));
        }
    }

    private static int run(List<String> command, Path stdout, Path stderr, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (stdout.equals(stderr)) {
            pb.redirectErrorStream(true).redirectOutput(stdout.toFile());
        } else {
            pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        }
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not end within " + timeoutSeconds + " s");
        }
        return p.exitValue();
    }

    /** The text between each "XENTEST-BEGIN NAME" line and its "XENTEST-END NAME" line. */
    static Map<String, String> sections(String console) {
        Map<String, String> found = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^XENTEST-BEGIN (\\S+)\n(.*?)\n?XENTEST-END \\1$", Pattern.DOTALL).matcher(console);
        while (m.find()) {
            found.put(m.group(1), m.group(2).strip());
        }
        return found;
    }

    private static String section(String name) {
        assertThat(sections).as("section %s in %s; the console ends with:%n%s", name, out.resolve("serial.log"),
                tail(serial, 4000)).containsKey(name);
        return sections.get(name);
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : text.substring(text.length() - chars);
    }

    /** The guest kernel's "Command line:" (printed once, early in its log). */
    private static String guestCommandLine(String console) {
        Matcher m = Pattern.compile("\\] Command line: (.*)").matcher(console);
        assertThat(m.find()).as("the guest kernel printed its command line; its console:%n%s", tail(console, 3000)).isTrue();
        return m.group(1).strip();
    }

    private static String bootloaderLogNamedByXl(String xl) {
        Matcher m = Pattern.compile("bootloader failed - consult logfile (\\S+)").matcher(xl);
        assertThat(m.find()).as("xl names the bootloader's log:%n%s", xl).isTrue();
        return m.group(1);
    }

    @Test
    void aRoundOneUnderXlBootsTheDebianInstallerWithOurArgumentsOnce() {
        String xl = section("xl-create-a");
        assertThat(section("xl-rc-a")).as(xl).isEqualTo("rc=0");
        assertThat(xl).as("libxl found eliloader by its name").containsPattern("executing bootloader: (\\S*/)?eliloader\n");
        String console = section("guest-console-a");
        String cmdline = guestCommandLine(console);
        List<String> words = List.of(cmdline.split(" +"));
        assertThat(words).as("each argument once: %s", cmdline).doesNotHaveDuplicates();
        // the VM's own arguments (xl's extra=, which libxl passed as --args) and the profile's
        assertThat(words).contains("console=hvc0", "xentest-vm-arg=di");
        assertThat(words).as("the debian profile's arguments").anyMatch(w -> w.startsWith("mirror/"));
        assertThat(console).as("d-i's first screen").containsAnyOf("Select a language", "Choose language");
        assertThat(section("xl-status-a")).as("eliloader xl status after round 1").containsPattern("(?m)^di\\s+installed");
        assertThat(section("syslog")).as("the packaged cache directory is usable").doesNotContain("cache: not using");
    }

    @Test
    void dAFailingRoundShowsOurSentenceAndLeavesNothingInVarLibXen() {
        String xl = section("xl-create-d");
        assertThat(section("xl-rc-d")).as(xl).isNotEqualTo("rc=0");
        String named = bootloaderLogNamedByXl(xl);
        String log = section("bootloader-log-d");
        assertThat(named).as("the log libxl names is the one shown").matches("/var/log/xen/bootloader\\.[0-9]+\\.log");
        List<String> lines = log.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertThat(lines).as(log).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines.get(lines.size() - 2)).as("our error, last but one line:%n%s", log)
                .isEqualTo("RuntimeError: INVALID_SOURCE");
        assertThat(lines.get(lines.size() - 1)).as("one sentence naming the repository").contains("no-such-repository")
                .doesNotContain("Exception", "\tat ");
        assertThat(log).doesNotContain("Exception", "\tat ");
        assertThat(section("var-lib-xen-after-d")).as("/var/lib/xen after the failed round")
                .doesNotContain("bootloader.").isEqualTo(section("var-lib-xen-before-d"));
        assertThat(section("xl-state-after-d").lines()).as("a failing start keeps no state").doesNotContain("bad.json");
    }

    /** Scenarios b and c: the installed system's kernel, with its menu entry's marker, and not the installer. */
    private static String bootsTheInstalledSystem(String scenario) {
        String xl = section("xl-create-" + scenario);
        assertThat(section("xl-rc-" + scenario)).as(xl).isEqualTo("rc=0");
        String console = section("guest-console-" + scenario);
        String cmdline = guestCommandLine(console);
        List<String> words = List.of(cmdline.split(" +"));
        assertThat(words).as("the menu.lst entry's arguments, then the VM's (pygrub --args), once each: %s", cmdline)
                .contains("xentest-installed-system=yes", "root=/dev/xvda", "console=hvc0", "xentest-vm-arg=di")
                .doesNotHaveDuplicates();
        assertThat(words).as("not the installer").noneMatch(w -> w.startsWith("mirror/"));
        assertThat(console).doesNotContain("Select a language");
        return xl;
    }

    @Test
    void bTheInstalledVmBootsItsOwnKernelThroughPygrub() {
        String xl = bootsTheInstalledSystem("b");
        assertThat(xl).doesNotContain("--runas");
    }

    @Test
    void cInRestrictedModeTheDiskIsReadAsLibxlsUser() {
        String uid = section("restricted-uid").strip().replace("restricted-uid=", "");
        assertThat(uid).matches("[1-9][0-9]*");
        String xl = bootsTheInstalledSystem("c");
        assertThat(xl).as("libxl's restricted mode").contains("bootloader arg: --runas=" + uid);
        // the disk is read by pygrub --runas (its child reopens the disk as UID) or by our own reader as UID
        assertThat(section("syslog")).as("eliloader's log (syslog)").containsPattern("eliloader.*(read guest disk /dev/loop0 .*as uid "
                + uid + "\\b|running \\S*pygrub --runas=" + uid + " .*/dev/loop0)");
    }
}
