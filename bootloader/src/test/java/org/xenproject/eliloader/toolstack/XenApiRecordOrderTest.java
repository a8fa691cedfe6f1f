package org.xenproject.eliloader.toolstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testpeers.XapiTestServer;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Issue 3, point 3: a failure or a kill at any XenAPI call leaves a VM that boots correctly on
 * its next start. Each scenario is run once cleanly to learn its calls; then, for every call N,
 * a fresh xapi fails call N (which leaves the record as a kill just before N would) and the VM
 * is started again. Until the edit that decides the next start has landed, the failed run
 * leaves no files and the next start boots the same round to the same final record; after it,
 * the run succeeds even if tidying the record fails.
 */
@RealPeers
class XenApiRecordOrderTest {
    private static final String VM = VmStoreFixture.VM;

    @TempDir
    static Path sharedDir;
    static NginxPeer nginx;

    @TempDir
    Path dir;
    private int attempt;

    @BeforeAll
    static void startNginx() {
        nginx = NginxPeer.serve(ProjectPaths.trees(), sharedDir);
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
    }

    /** One start of the VM against a server: what it printed, left behind and recorded. */
    record Outcome(Run run, List<Path> files, Map<String, Object> vm, List<String> methods) {
        Object field(String name) {
            return vm.get(name);
        }
    }

    private final class Start implements AutoCloseable {
        final Path home = dir.resolve("attempt-" + attempt++);
        final XapiTestServer server;
        boolean loggedOut = true;

        Start(VmStoreFixture fixture) {
            try {
                Files.createDirectories(home);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = XapiTestServer.start(home.resolve("xapi")).load(fixture.writeTo(home.resolve("vms.json")));
        }

        Outcome boot(String... extra) {
            server.clearCalls();
            Run run = BootHarness.onToolstack(Map.of("ELILOADER_XAPI", server.socketPath().toString()))
                    .outputDirectory(out()).disk(home.resolve("disk.img")).args(extra).boot().run();
            return new Outcome(run, BootHarness.filesIn(out()), server.vm(VM), server.methods());
        }

        Path out() {
            return home.resolve("out");
        }

        @Override
        public void close() {
            try {
                if (loggedOut) {
                    assertThat(server.liveSessions()).as("sessions left open").isZero();
                }
            } finally {
                server.close();
            }
        }
    }

    private static boolean changesTheRecord(String method) {
        return method.contains(".set_") || method.contains(".add_to_") || method.contains(".remove_from_")
                || method.endsWith(".unplug") || method.endsWith(".destroy");
    }

    /** What decides the next start: the round, the bootloader, the limits. */
    private static Map<String, Object> decisive(Map<String, Object> vm) {
        Map<String, Object> result = new HashMap<>();
        result.put("PV_bootloader", vm.get("PV_bootloader"));
        result.put("other_config", vm.get("other_config"));
        result.put("platform", vm.get("platform"));
        return result;
    }

    private static VmStoreFixture lastRound() {
        return VmStoreFixture.vm().other("install-repository", nginx.url("rhel5")).other("install-round", "1")
                .other("install-distro", "rhlike")
                .platform("pv-postinstall-kernel-max-size", "67108864")
                .platform("pv-postinstall-ramdisk-max-size", "268435456");
    }

    private Path twoRoundProfiles() throws IOException {
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        Files.writeString(profiles.resolve("two-round.yaml"),
                "extends: rhel-5\nrounds:\n  - [fetch-boot-files]\n  - [fetch-boot-files]\n");
        return profiles;
    }

    private static String args(Run run) {
        for (String line : run.stdout().split("\n")) {
            if (line.startsWith("args ")) {
                return line;
            }
        }
        return null;
    }

    /**
     * Fails every call of the scenario in turn and checks the promise.
     *
     * @param commit the method whose success decides the next start
     */
    private void failEveryCall(VmStoreFixture fixture, String commit, String... extra) {
        Outcome clean;
        try (Start start = new Start(fixture)) {
            clean = start.boot(extra);
        }
        assertThat(clean.run().status()).as(clean.run().stderr()).isZero();
        int commitAt = clean.methods().lastIndexOf(commit) + 1;
        assertThat(commitAt).as("the commit call " + commit + " in " + clean.methods()).isPositive();
        assertThat(clean.methods().subList(0, commitAt - 1)).as("record changes before the commit")
                .allSatisfy(m -> assertThat(m).matches(x -> !changesTheRecord(x) || x.contains("_other_config"),
                        "reads, or other-config edits of a non-final round"));

        for (int n = 1; n <= clean.methods().size(); n++) {
            String failing = clean.methods().get(n - 1);
            try (Start start = new Start(fixture)) {
                start.server.failCall(n, "INTERNAL_ERROR", "injected");
                Outcome failed = start.boot(extra);
                String what = "failing call " + n + " (" + failing + ")";
                if (n <= commitAt) {
                    assertThat(failed.run().status()).as(what).isEqualTo(1);
                    assertThat(failed.run().stderr()).as(what).contains("INTERNAL_ERROR injected");
                    assertThat(failed.files()).as(what + ": files left").isEmpty();
                    assertThat(failed.field("PV_bootloader")).as(what).isEqualTo("eliloader");
                    start.server.clearFaults();
                    Outcome again = start.boot(extra);
                    assertThat(again.run().status()).as(what + ", then again: " + again.run().stderr()).isZero();
                    assertThat(args(again.run())).as(what + ": the same round").isEqualTo(args(clean.run()));
                    assertThat(decisive(again.vm())).as(what + ": the same record").isEqualTo(decisive(clean.vm()));
                } else {
                    assertThat(failed.run().status()).as(what + ": " + failed.run().stderr()).isZero();
                    assertThat(failed.files()).as(what).hasSize(2);
                    assertThat(args(failed.run())).as(what).isEqualTo(args(clean.run()));
                    assertThat(failed.field("PV_bootloader")).as(what).isEqualTo(clean.field("PV_bootloader"));
                    start.loggedOut = !failing.equals("session.logout"); // a failed logout leaves xapi a session
                }
            }
        }
    }

    @Test
    void aFailureAtAnyCallOfTheLastRoundLeavesAVmThatBootsCorrectlyNextTime() {
        failEveryCall(lastRound(), "VM.set_PV_bootloader");
    }

    @Test
    void aFailureAtAnyCallOfAnEarlierRoundLeavesTheSameRoundToBoot() throws IOException {
        Path profiles = twoRoundProfiles();
        failEveryCall(lastRound().other("install-distro", "two-round"), "VM.add_to_other_config",
                "--profiles-dir=" + profiles);
    }

    @Test
    void theLastRoundSwitchesToPygrubBeforeItTidiesTheRecord() {
        try (Start start = new Start(lastRound())) {
            Outcome clean = start.boot();
            assertThat(clean.methods().stream().filter(XenApiRecordOrderTest::changesTheRecord)).containsExactly(
                    "VM.set_PV_bootloader",
                    "VM.remove_from_platform", "VM.add_to_platform", "VM.remove_from_platform",
                    "VM.remove_from_platform", "VM.add_to_platform", "VM.remove_from_platform",
                    "VM.remove_from_other_config", "VM.remove_from_other_config");
            assertThat(clean.methods()).last().isEqualTo("session.logout");
        }
    }

    @Test
    void aConnectionLostAfterAnEarlierEditStillBootsTheSameRound() throws IOException {
        // the edit lands but eliloader never hears back, as when it is killed right after it
        Path profiles = twoRoundProfiles();
        VmStoreFixture fixture = lastRound().other("install-distro", "two-round");
        try (Start start = new Start(fixture)) {
            Outcome clean = start.boot("--profiles-dir=" + profiles);
            // the last remove is install-round's (install-profile, recorded before it, has one too)
            int removeAt = clean.methods().lastIndexOf("VM.remove_from_other_config") + 1;
            assertThat(removeAt).isPositive();
            try (Start lost = new Start(fixture)) {
                lost.server.dropAfterCall(removeAt);
                Outcome failed = lost.boot("--profiles-dir=" + profiles);
                assertThat(failed.run().status()).isEqualTo(1);
                assertThat(failed.run().stderr()).contains("Cannot reach xapi");
                assertThat(failed.files()).isEmpty();
                @SuppressWarnings("unchecked")
                Map<String, Object> otherConfig = (Map<String, Object>) failed.field("other_config");
                assertThat(otherConfig).doesNotContainKey("install-round"); // absent means round 1
                lost.server.clearFaults();
                Outcome again = lost.boot("--profiles-dir=" + profiles);
                assertThat(again.run().status()).isZero();
                assertThat(decisive(again.vm())).isEqualTo(decisive(clean.vm()));
            }
        }
    }

    @Test
    void theAnswerAndItsFilesAreCompleteBeforeTheFirstRecordChange() throws IOException {
        Path answer = dir.resolve("answer");
        List<String> seen = new ArrayList<>();
        try (Start start = new Start(lastRound())) {
            start.server.beforeEachCall(method -> {
                if (changesTheRecord(method) && seen.isEmpty()) {
                    try {
                        String text = Files.exists(answer) ? Files.readString(answer) : "(no answer yet)";
                        seen.add(text);
                        for (String line : text.split("\n")) {
                            if (line.startsWith("kernel ") || line.startsWith("ramdisk ")) {
                                Path file = Path.of(line.substring(line.indexOf(' ') + 1));
                                seen.add(line + (Files.size(file) > 0 ? " present" : " empty"));
                            }
                        }
                    } catch (IOException e) {
                        seen.add("unreadable: " + e);
                    }
                }
            });
            Outcome outcome = start.boot("--output=" + answer);
            assertThat(outcome.run().status()).as(outcome.run().stderr()).isZero();
        }
        String finalAnswer = Files.readString(answer);
        assertThat(seen).isNotEmpty();
        assertThat(seen.get(0)).isEqualTo(finalAnswer);
        assertThat(seen.subList(1, seen.size())).hasSize(2).allSatisfy(s -> assertThat(s).endsWith(" present"));
    }
}
