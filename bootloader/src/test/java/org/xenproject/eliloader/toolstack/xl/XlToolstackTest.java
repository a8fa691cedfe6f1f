package org.xenproject.eliloader.toolstack.xl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.round.Bookkeeping;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.VmRecord;

/** The record of an xl start and its state file, without running a round. */
class XlToolstackTest {
    static final Map<String, String> KEYS = Map.of("install-repository", "http://deb.debian.org/debian",
            "install-distro", "debianlike");

    @TempDir
    Path dir;

    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    XlToolstack open(String name, Map<String, String> keys, String disk) {
        return XlToolstack.open(dir.resolve("state"), name, keys, disk,
                new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    @Test
    void theRecordIsTheCommandLinesKeysAndWhatTheRoundsKept() {
        XlToolstack first = open("vm", KEYS, "/dev/loop0");
        VmRecord fresh = first.readVm("vm");
        assertThat(fresh.otherConfig()).isEqualTo(KEYS);
        assertThat(fresh.pvBootloader()).isEqualTo("eliloader");
        assertThat(fresh.vbds()).filteredOn(v -> v.userdevice().equals("0")).singleElement()
                .satisfies(v -> assertThat(v.image()).isEqualTo("/dev/loop0"));
        assertThat(dir.resolve("state")).doesNotExist();

        first.apply("vm", Bookkeeping.afterRound(1, 2, "sles-10"));
        VmRecord roundTwo = open("vm", KEYS, "/dev/loop0").readVm("vm");
        assertThat(roundTwo.otherConfig()).containsEntry("install-round", "2").containsEntry("install-profile", "sles-10")
                .containsEntry("install-repository", "http://deb.debian.org/debian");
        assertThat(console.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void onlyTheKeysEliloaderMaintainsAreTakenFromTheStateFile() throws Exception {
        XlToolstack first = open("vm", KEYS, "/dev/loop0");
        first.apply("vm", List.of(new RecordEdit.PutOtherConfig("install-repository", "http://elsewhere/"),
                new RecordEdit.PutOtherConfig("install-round", "2")));
        VmRecord read = open("vm", KEYS, "/dev/loop0").readVm("vm");
        assertThat(read.otherConfig()).containsEntry("install-repository", "http://deb.debian.org/debian")
                .containsEntry("install-round", "2");
    }

    @Test
    void twoStartsOfOneVmCannotBothRecord() {
        XlToolstack a = open("vm", KEYS, "/dev/loop0");
        XlToolstack b = open("vm", KEYS, "/dev/loop1");
        a.readVm("vm");
        b.readVm("vm");
        a.apply("vm", Bookkeeping.afterRound(1, 2, "sles-10"));
        assertThatThrownBy(() -> b.apply("vm", Bookkeeping.afterRound(1, 2, "sles-10")))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
                    assertThat(e.getMessage()).contains("appeared while this start ran");
                });

        XlToolstack c = open("vm", KEYS, "/dev/loop0");
        XlToolstack d = open("vm", KEYS, "/dev/loop1");
        c.apply("vm", Bookkeeping.afterRound(2, 2, "sles-10"));
        assertThatThrownBy(() -> d.apply("vm", Bookkeeping.afterRound(2, 2, "sles-10")))
                .hasMessageContaining("changed while this start ran");
        assertThat(open("vm", KEYS, "/dev/loop0").installed()).isTrue();
    }

    @Test
    void eachVmHasItsOwnFileAndLock() {
        open("a", KEYS, "/dev/loop0").apply("a", Bookkeeping.afterRound(1, 1, "debian"));
        open("b", KEYS, "/dev/loop1").apply("b", Bookkeeping.afterRound(1, 2, "sles-10"));
        assertThat(dir.resolve("state/a.json")).exists();
        assertThat(dir.resolve("state/a.json.lock")).exists();
        assertThat(dir.resolve("state/b.json.lock")).exists();
        assertThat(XlState.all(dir.resolve("state"))).extracting(XlState::name, XlState::installed, XlState::round)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", true, 0),
                        org.assertj.core.groups.Tuple.tuple("b", false, 2));
    }

    @Test
    void theStateDirectoryIsTheOwnersOnly() throws Exception {
        open("a", KEYS, "/dev/loop0").apply("a", Bookkeeping.afterRound(1, 1, "debian"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("state")))).isEqualTo("rwx------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("state/a.json")))).isEqualTo("rw-------");
    }
}
