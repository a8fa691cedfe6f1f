package org.xenproject.eliloader.round.pygrub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class PygrubArgsTest {
    @Test
    void parsesBothSpellingsAsXenopsdSplitsThem() {
        PygrubArgs args = PygrubArgs.parse("--kernel /boot/vmlinuz-xen  --ramdisk=/boot/initrd-xen --offset 1048576");
        assertThat(args.value("kernel")).isEqualTo("/boot/vmlinuz-xen");
        assertThat(args.value("ramdisk")).isEqualTo("/boot/initrd-xen");
        assertThat(args.value("offset")).isEqualTo("1048576");
        assertThat(args.toRecordValue()).isEqualTo("--kernel /boot/vmlinuz-xen --ramdisk /boot/initrd-xen --offset 1048576");
        assertThat(args.toArguments()).containsExactly("--kernel=/boot/vmlinuz-xen", "--ramdisk=/boot/initrd-xen",
                "--offset=1048576");
    }

    @Test
    void dropsWhatTheHandOffSetsItselfAndKeepsTheRest() {
        PygrubArgs args = PygrubArgs.parse(List.of("-q", "--output-format", "sxp", "--output=/tmp/x", "--runas=7",
                "-i", "--entry=2", "--debug", "--list-entries"));
        assertThat(args.toArguments()).containsExactly("--entry=2", "--debug", "-l");
        assertThat(args.hasInspectionFlag()).isTrue();
    }

    @Test
    void emptyAndBlankAreEmpty() {
        assertThat(PygrubArgs.parse((String) null).isEmpty()).isTrue();
        assertThat(PygrubArgs.parse("   ").isEmpty()).isTrue();
        assertThat(PygrubArgs.parse("--kernel").isEmpty()).isTrue(); // a value option without its value
    }

    @Test
    void withReplacesAndAppends() {
        PygrubArgs args = PygrubArgs.parse("--entry 0 --args=quiet").with("entry", "2");
        assertThat(args.toRecordValue()).isEqualTo("--args quiet --entry 2");
    }

    @Test
    void overlayLetsTheRecordWinAndDropsDuplicates() {
        PygrubArgs caller = PygrubArgs.parse(List.of("--entry=0", "--kernel=/a", "-n"));
        PygrubArgs record = PygrubArgs.parse("--entry 2 --kernel /a");
        assertThat(PygrubArgs.overlay(caller, record).toArguments()).containsExactly("-n", "--entry=2", "--kernel=/a");
        assertThat(PygrubArgs.overlay(record, record).toArguments()).containsExactly("--entry=2", "--kernel=/a");
    }

    @Test
    void withoutRemovesOptionsByName() {
        PygrubArgs args = PygrubArgs.parse("--kernel /k --ramdisk /r --offset 5 --entry 1 --debug");
        assertThat(args.without(List.of("kernel", "ramdisk", "offset", "entry")).toRecordValue()).isEqualTo("--debug");
    }
}
