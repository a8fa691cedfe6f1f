package org.xenproject.eliloader.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.FaultyServer;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Host settings are checked in one place and reach every entry point: a bad value is the same
 * USAGE sentence wherever it is written, and {@code probe} honours the timeouts and retries as a
 * VM start does (on the old main, probe built its own source options and ignored them).
 */
class SettingsReachEveryEntryPointTest {
    @TempDir
    Path dir;

    private static String lastLine(Run run) {
        String[] lines = run.stderr().split("\n");
        return lines[lines.length - 1];
    }

    private Run boot(Map<String, String> env, String... extra) throws Exception {
        return BootHarness.of(VmStoreFixture.vm().other("install-repository", "http://127.0.0.1:1/")).in(dir)
                .disk(dir.resolve("disk")).env(env).args(extra).boot().run();
    }

    private Run probe(Map<String, String> env, String... extra) {
        List<String> args = new ArrayList<>(List.of("probe", "--repository", "http://127.0.0.1:1/",
                "--profiles-dir=" + dir.resolve("none")));
        args.addAll(List.of(extra));
        return Run.of(env, args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"connect-timeout", "http-timeout", "fetch-timeout", "fetch-retries"})
    void aBadNumberIsOneUsageSentenceOnTheCommandLineInTheEnvironmentAndInTheConfigFile(String key)
            throws Exception {
        String variable = "ELILOADER_" + key.toUpperCase().replace('-', '_').replace("_SECONDS", "");
        Path conf = Files.writeString(dir.resolve("eliloader.conf"), key + " = ten\n");
        List<Run> runs = List.of(boot(Map.of(), "--" + key + "=ten"), probe(Map.of(), "--" + key + "=ten"),
                boot(Map.of(variable, "ten")), probe(Map.of(variable, "ten")),
                boot(Map.of("ELILOADER_CONFIG", conf.toString())), probe(Map.of("ELILOADER_CONFIG", conf.toString())));
        String sentence = lastLine(runs.get(0));
        assertThat(sentence).startsWith("The setting " + key + " (--" + key + ", " + variable)
                .contains("is \"ten\"; it must be a whole number");
        for (Run run : runs) {
            assertThat(run.status()).as(run.stderr()).isEqualTo(2);
            assertThat(run.errorCode()).isEqualTo("USAGE");
            assertThat(lastLine(run)).isEqualTo(sentence);
            assertThat(run.stderr()).doesNotContain("Unexpected failure", "Exception");
        }
    }

    @Test
    void outOfRangeNumbersAndBadFlagsAreUsageErrors() throws Exception {
        assertThat(probe(Map.of(), "--http-timeout=0").errorCode()).isEqualTo("USAGE");
        assertThat(probe(Map.of(), "--fetch-retries=-1").errorCode()).isEqualTo("USAGE");
        assertThat(probe(Map.of(), "--fetch-timeout=99999999999999999999").errorCode()).isEqualTo("USAGE");
        Run flag = boot(Map.of("ELILOADER_KEEP_INSTALLING", "perhaps"));
        assertThat(flag.status()).isEqualTo(2);
        assertThat(lastLine(flag)).isEqualTo("The setting keep-installing (--keep-installing,"
                + " ELILOADER_KEEP_INSTALLING or \"keep-installing =\" in the config file) is \"perhaps\"; it must be"
                + " true or false.");
    }

    @Test
    void aBadConfigLineIsAUsageError() throws Exception {
        Path conf = Files.writeString(dir.resolve("eliloader.conf"), "no-such-setting = 1\n");
        Run run = probe(Map.of("ELILOADER_CONFIG", conf.toString()));
        assertThat(run.status()).isEqualTo(2);
        assertThat(lastLine(run)).isEqualTo("Bad line in " + conf + ":1: expected KEY = VALUE with a known key.");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void probeHonoursTheFetchTimeout() throws Exception {
        try (FaultyServer server = new FaultyServer(FaultyServer.Fault.DRIP)) {
            long start = System.nanoTime();
            Run run = Run.of(Map.of(), List.of("probe", "--repository", server.url(), "--distro", "pygrub",
                    "--install-kernel", "vmlinuz", "--profiles-dir=" + dir.resolve("none"), "--fetch-timeout=2",
                    "--fetch-retries=0"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(run.status()).as(run.stderr()).isEqualTo(1);
            assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
            assertThat(took).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void probeHonoursTheRetryCount() throws Exception {
        int none;
        int one;
        try (FaultyServer server = new FaultyServer(FaultyServer.Fault.CLOSE)) {
            Run run = probeKernel(server, "--fetch-retries=0");
            assertThat(run.errorCode()).as(run.stderr()).isEqualTo("INVALID_SOURCE");
            none = server.accepted();
        }
        try (FaultyServer server = new FaultyServer(FaultyServer.Fault.CLOSE)) {
            Run run = probeKernel(server, "--fetch-retries=1");
            assertThat(run.errorCode()).as(run.stderr()).isEqualTo("INVALID_SOURCE");
            one = server.accepted();
        }
        assertThat(none).isPositive();
        assertThat(one).isEqualTo(2 * none);
    }

    private Run probeKernel(FaultyServer server, String... extra) {
        List<String> args = new ArrayList<>(List.of("probe", "--repository", server.url(), "--distro", "pygrub",
                "--install-kernel", "vmlinuz", "--profiles-dir=" + dir.resolve("none")));
        args.addAll(List.of(extra));
        return Run.of(Map.of(), args);
    }
}
