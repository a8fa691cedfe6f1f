package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * The guest's final kernel command line, composed as each caller composes it from our answer
 * (issue 14, point 6): every argument, the VM's and the installer's, must reach the guest
 * exactly once.
 *
 * <ul>
 * <li>xenopsd ({@code ocaml/xenopsd/lib/bootloader.ml}, {@code extract}): {@code
 * Printf.sprintf "%s %s %s" result.kernel_args legacy_args extra_args}, with {@code legacy_args}
 * = {@code PV-legacy-args} and {@code extra_args} = {@code PV-args};</li>
 * <li>old xapi ({@code ocaml/xapi/bootloader.ml}, {@code vmops.ml} before 2013): the sxp answer's
 * {@code args} as they are, after passing {@code --default_args=PV-legacy-args
 * --extra_args=PV-args};</li>
 * <li>libxl ({@code tools/libs/light/libxl_bootloader.c}): {@code --args=CMDLINE} in (the VM
 * named by {@code bootloader_args}, after {@code --output-directory}), and the simple0 answer's
 * {@code args} replace the command line.</li>
 * </ul>
 */
@RealPeers
class CallerCommandLineTest {
    static final String PV_ARGS = "console=hvc0 utf8";
    static final String LEGACY_ARGS = "xencons=tty";
    static final String INSTALL_ARGS = "ks=http://ks/ks.cfg";

    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    @TempDir
    Path work;

    private VmStoreFixture rhel5Vm() {
        return VmStoreFixture.vm().field("PV_args", PV_ARGS).other("install-repository", nginx.url("rhel5"))
                .other("install-distro", "rhlike").other("install-vnc", "true")
                .other("install-args", INSTALL_ARGS);
    }

    private List<String> expectedArguments() {
        return List.of("console=hvc0", "utf8", "method=" + nginx.url("rhel5") + "/", "vnc", "ks=http://ks/ks.cfg");
    }

    @Test
    void xenopsdAppendsThePvArgsItselfSoTheAnswerCarriesOnlyTheInstallers() {
        BootHarness.Boot boot = BootHarness.of(rhel5Vm()).in(work)
                .callerArgs(List.of("-q", "--vm", VmStoreFixture.VM, "/dev/null")).boot();
        assertThat(boot.status()).as(boot.stderr()).isZero();

        assertThat(boot.args()).isEqualTo("method=" + nginx.url("rhel5") + "/ vnc " + INSTALL_ARGS);
        String guest = String.format("%s %s %s", boot.args(), LEGACY_ARGS, PV_ARGS); // xenopsd's extract
        assertEachOnce(guest, expectedArguments());
        assertThat(words(guest)).contains(LEGACY_ARGS);
    }

    @Test
    void xenopsdKeepsArgsThatArrivedThroughPvBootloaderArgs() {
        // xenopsd splits PV-bootloader-args on spaces and passes them before the disk; it adds
        // only PV-legacy-args and PV-args to the answer, so --args given there must be in it
        BootHarness.Boot boot = BootHarness.of(rhel5Vm()).in(work)
                .callerArgs(List.of("-q", "--vm", VmStoreFixture.VM, "--args=nomodeset", "/dev/null")).boot();
        assertThat(boot.status()).as(boot.stderr()).isZero();

        String guest = String.format("%s %s %s", boot.args(), "", PV_ARGS);
        assertEachOnce(guest, List.of("nomodeset", "console=hvc0", "utf8", "vnc", INSTALL_ARGS));
    }

    @Test
    void oldXapiUsesTheAnswerAsItIsSoItCarriesItsDefaultAndExtraArgs() {
        BootHarness.Boot boot = BootHarness.of(rhel5Vm()).in(work)
                .callerArgs(List.of("-q", "--default_args=" + LEGACY_ARGS, "--extra_args=" + PV_ARGS,
                        "--vm=" + VmStoreFixture.VM, "/dev/null"))
                .boot();
        assertThat(boot.status()).as(boot.stderr()).isZero();

        Matcher sxp = Pattern.compile("\\(args \"(.*)\"\\)\n$").matcher(boot.stdout());
        assertThat(sxp.find()).as(boot.stdout()).isTrue();
        String guest = sxp.group(1); // vmops.ml: Domain.build_linux … kernel.Bootloader.kernel_args
        assertEachOnce(guest, expectedArguments());
        assertThat(words(guest)).contains(LEGACY_ARGS);
    }

    @Test
    void libxlReplacesItsCommandLineWithTheAnswersArgs() throws IOException {
        Path answer = work.resolve("bootloader.7.out");
        BootHarness.Boot boot = BootHarness.of(rhel5Vm()).in(work)
                .callerArgs(List.of("--args=" + PV_ARGS, "--output=" + answer, "--output-format=simple0",
                        "--output-directory=" + work.resolve("out"), "--vm=" + VmStoreFixture.VM, "/dev/null"))
                .boot();
        assertThat(boot.status()).as(boot.stderr()).isZero();

        Map<String, String> items = Arrays.stream(Files.readString(answer).split("\0"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(' ')), l -> l.substring(l.indexOf(' ') + 1)));
        String guest = items.get("args"); // libxl_bootloader.c: bl->cmdline = rhs
        assertEachOnce(guest, expectedArguments());
    }

    @Test
    void libxlWithoutArgsGetsTheRecordsPvArgs() throws IOException {
        Path answer = work.resolve("bootloader.8.out");
        BootHarness.Boot boot = BootHarness.of(rhel5Vm()).in(work)
                .callerArgs(List.of("--output=" + answer, "--output-format=simple0",
                        "--output-directory=" + work.resolve("out"), "--vm=" + VmStoreFixture.VM, "/dev/null"))
                .boot();
        assertThat(boot.status()).as(boot.stderr()).isZero();
        assertThat(Files.readString(answer)).contains("\0args " + PV_ARGS + " method=");
    }

    private static List<String> words(String commandLine) {
        return Arrays.stream(commandLine.strip().split(" +")).toList();
    }

    private static void assertEachOnce(String commandLine, List<String> expected) {
        Map<String, Long> counts = words(commandLine).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(counts).as("each argument once in: " + commandLine).allSatisfy((w, n) -> assertThat(n).isOne());
        assertThat(counts).containsKeys(expected.toArray(String[]::new));
    }
}
