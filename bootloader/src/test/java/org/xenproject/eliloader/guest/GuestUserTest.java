package org.xenproject.eliloader.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.cli.CommandLine;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/** Who reads guest data: libxl's --runas first, then guest-reader-user, then the eliloader user, then root. */
class GuestUserTest {
    @TempDir
    Path dir;

    private static Settings host(String readerUser) {
        Map<Setting, String> options = readerUser == null ? Map.of() : Map.of(Setting.GUEST_READER_USER, readerUser);
        return Settings.resolve(options, Map.of(), Path.of("/nonexistent/eliloader.conf"));
    }

    @Test
    void libxlsRunasWinsOverTheSetting() {
        Optional<GuestUser> user = GuestUser.resolve(1234, host("root"), true);
        assertThat(user).isPresent();
        assertThat(user.get().uid()).isEqualTo(1234);
        assertThat(user.get().gid()).isEqualTo(1234); // no passwd entry: the uid, as pygrub does
        assertThat(user.get().askedByCaller()).isTrue();
    }

    @Test
    void theSettingNamesAUserByNameOrUidAndRootTurnsItOff() {
        assertThat(GuestUser.resolve(null, host("root"), true)).isEmpty();
        assertThat(GuestUser.resolve(null, host("0"), true)).isEmpty();
        GuestUser nobody = GuestUser.resolve(null, host("nobody"), true).orElseThrow();
        assertThat(nobody.uid()).isEqualTo(65534);
        assertThat(nobody.askedByCaller()).isFalse();
        assertThat(GuestUser.resolve(null, host("65534"), true).orElseThrow().gid()).isEqualTo(nobody.gid());
    }

    @Test
    void anUnknownUserIsNamedAndNeverRoot() {
        assertThatThrownBy(() -> GuestUser.resolve(null, host("no-such-user-here"), true))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SUPPORT_PACKAGE_MISSING))
                .hasMessageContaining("guest-reader-user is \"no-such-user-here\"");
    }

    @Test
    void aRunThatIsNotRootReadsAsItself() {
        assertThat(GuestUser.resolve(1234, host("nobody"), false)).isEmpty();
    }

    @Test
    void runasOnTheCommandLineIsANumericUid() {
        assertThat(CommandLine.parse(List.of("--runas=1000", "--quiet", "/dev/null")).runAs).isEqualTo(1000);
        assertThat(CommandLine.parse(List.of("--runas=0", "/dev/null")).runAs).isNull(); // as pygrub: no restriction
        assertThat(CommandLine.parse(List.of("/dev/null")).runAs).isNull();
        assertThatThrownBy(() -> CommandLine.parse(List.of("--runas=nobody", "/dev/null")))
                .isInstanceOfSatisfying(BootloaderException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    @Test
    void pygrubCanOpenADiskOnlyWhenItsModeLetsTheUidRead() throws Exception {
        Path disk = Files.createFile(dir.resolve("disk.img"));
        GuestUser nobody = new GuestUser(65534, 65534, "test");
        Files.setPosixFilePermissions(disk, PosixFilePermissions.fromString("rw-------"));
        assertThat(nobody.pygrubCanOpen(disk)).isFalse();
        Files.setPosixFilePermissions(disk, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(nobody.pygrubCanOpen(disk)).isTrue();
        Files.setPosixFilePermissions(disk, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(nobody.pygrubCanOpen(disk)).isFalse();
        assertThat(new GuestUser((Integer) Files.getAttribute(disk, "unix:uid"), 1, "owner").pygrubCanOpen(disk))
                .isTrue();
    }
}
