package org.xenproject.eliloader.toolstack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.testsupport.VmStoreFixture;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.VmRecord;

class LocalJsonStoreTest {
    private static final String VM = VmStoreFixture.VM;

    @TempDir
    Path dir;

    @Test
    void readsTheRecordWithXenApiFieldNames() {
        Path file = VmStoreFixture.vm().other("install-repository", "http://x/").platform("pv-kernel-max-size", "10")
                .field("PV_args", "console=hvc0").disk("3", false).writeTo(dir.resolve("s.json"));
        try (LocalJsonStore store = LocalJsonStore.open(file)) {
            VmRecord vm = store.readVm(VM);
            assertThat(vm.pvBootloader()).isEqualTo("eliloader");
            assertThat(vm.pvArgs()).isEqualTo("console=hvc0");
            assertThat(vm.otherConfig()).containsEntry("install-repository", "http://x/");
            assertThat(vm.platform()).containsEntry("pv-kernel-max-size", "10");
            assertThat(vm.vbds()).extracting(v -> v.userdevice() + ":" + v.bootable()).containsExactly("0:true", "3:false");
        }
    }

    @Test
    void appliesEditsInOneAtomicWriteKeepingUnknownFields() throws Exception {
        Path file = VmStoreFixture.vm().other("install-round", "1").other("install-distro", "rhlike")
                .field("memory_static_max", "1073741824").disk("3", false).writeTo(dir.resolve("s.json"));
        try (LocalJsonStore store = LocalJsonStore.open(file)) {
            store.apply(VM, List.of(new RecordEdit.SetPvBootloader("pygrub"),
                    new RecordEdit.RemoveOtherConfig("install-round"), new RecordEdit.PutOtherConfig("k", "v"),
                    new RecordEdit.SetPvBootloaderArgs("--kernel /k"), new RecordEdit.SetVbdBootable("vbd-3", true),
                    new RecordEdit.DestroyVbd("vbd-0"), new RecordEdit.PutPlatform("p", "1")));
        }
        Map<String, Object> vm = VmStoreFixture.read(file);
        assertThat(vm).containsEntry("PV_bootloader", "pygrub").containsEntry("PV_bootloader_args", "--kernel /k")
                .containsEntry("memory_static_max", "1073741824");
        assertThat(VmStoreFixture.otherConfig(file)).containsOnlyKeys("install-distro", "k");
        assertThat((List<?>) vm.get("VBDs")).hasSize(1);
        assertThat(vm.get("platform")).isEqualTo(Map.of("p", "1"));
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("s.json", "s.json.lock");
        }
    }

    @Test
    void keepsTheStoreFilePermissions() throws Exception {
        Path file = VmStoreFixture.vm().writeTo(dir.resolve("s.json"));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        try (LocalJsonStore store = LocalJsonStore.open(file)) {
            store.apply(VM, List.of(new RecordEdit.PutOtherConfig("a", "b")));
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r-----");
    }

    @Test
    void corruptFileIsReportedAndLeftUntouched() throws Exception {
        Path file = Files.writeString(dir.resolve("s.json"), "{\"vms\": {\"x\": ");
        assertThatThrownBy(() -> LocalJsonStore.open(file)).isInstanceOf(BootloaderException.class)
                .hasMessageContaining("not valid JSON").hasMessageContaining("left untouched");
        assertThat(Files.readString(file)).isEqualTo("{\"vms\": {\"x\": ");
        Path noVms = Files.writeString(dir.resolve("t.json"), "[1,2]");
        assertThatThrownBy(() -> LocalJsonStore.open(noVms)).hasMessageContaining("no \"vms\" object");
    }

    @Test
    void missingFileAndUnknownVmAreClearErrors() {
        assertThatThrownBy(() -> LocalJsonStore.open(dir.resolve("none.json"))).isInstanceOf(BootloaderException.class)
                .hasMessageContaining("does not exist");
        assertThat(dir.resolve("none.json")).doesNotExist();
        Path file = VmStoreFixture.vm().writeTo(dir.resolve("s.json"));
        try (LocalJsonStore store = LocalJsonStore.open(file)) {
            assertThatThrownBy(() -> store.readVm("0000")).hasMessageContaining("The VM 0000 is not in the local VM store");
        }
    }

    @Test
    void secretsComeFromTheSecretsMap() {
        Path file = VmStoreFixture.vm().secret("s-1", "hunter2").writeTo(dir.resolve("s.json"));
        try (LocalJsonStore store = LocalJsonStore.open(file)) {
            assertThat(store.secretValue("s-1")).isEqualTo("hunter2");
            assertThatThrownBy(() -> store.secretValue("s-2")).hasMessageContaining("s-2");
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aStartHoldsNoLockWhileItFetchesAndTwoStartsOfOneVmDoNotBothRecord() throws Exception {
        Path file = VmStoreFixture.vm().writeTo(dir.resolve("s.json"));
        try (LocalJsonStore first = LocalJsonStore.open(file)) {
            first.readVm(VM);
            // another process (FileChannel.lock is per JVM) reads and writes while this one "fetches":
            // it does not wait for this run to end
            long otherWroteAt = runOtherProcessThatOpens(file);
            assertThat(otherWroteAt).isPositive();
            assertThatThrownBy(() -> first.apply(VM, List.of(new RecordEdit.PutOtherConfig("first", "1"))))
                    .hasMessageContaining("changed while this start ran");
        }
        assertThat(VmStoreFixture.otherConfig(file)).containsEntry("second", "2").doesNotContainKey("first");
    }

    @Test
    void startsOfDifferentVmsBothRecordTheirRounds() throws Exception {
        Path file = VmStoreFixture.vm().writeTo(dir.resolve("s.json"));
        String text = Files.readString(file);
        Map<String, Object> doc = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(text);
        @SuppressWarnings("unchecked")
        Map<String, Object> vms = (Map<String, Object>) doc.get("vms");
        vms.put("other-vm", com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(com.fasterxml.jackson.jr.ob.JSON.std.asString(vms.get(VM))));
        Files.writeString(file, com.fasterxml.jackson.jr.ob.JSON.std.asString(doc));
        try (LocalJsonStore first = LocalJsonStore.open(file); LocalJsonStore second = LocalJsonStore.open(file)) {
            first.readVm(VM);
            second.readVm("other-vm");
            first.apply(VM, List.of(new RecordEdit.PutOtherConfig("install-round", "2")));
            second.apply("other-vm", List.of(new RecordEdit.PutOtherConfig("install-round", "3")));
            first.apply(VM, List.of(new RecordEdit.PutOtherConfig("tidied", "yes"))); // its own write is no conflict
        }
        Map<String, Object> after = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(Files.readString(file));
        assertThat(after.toString()).contains("install-round=2").contains("install-round=3").contains("tidied=yes");
    }

    /** Starts a JVM that opens the store, adds a key, and prints when it got the lock. */
    private static long runOtherProcessThatOpens(Path file) {
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    LockHolder.class.getName(), file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return Long.parseLong(out);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Main of the competing process. */
    public static final class LockHolder {
        public static void main(String[] args) {
            try (LocalJsonStore store = LocalJsonStore.open(Path.of(args[0]))) {
                long at = System.currentTimeMillis();
                store.apply(VM, List.of(new RecordEdit.PutOtherConfig("second", "2")));
                System.out.println(at);
            }
        }
    }
}
