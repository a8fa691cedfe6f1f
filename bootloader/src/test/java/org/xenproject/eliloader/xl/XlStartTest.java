package org.xenproject.eliloader.xl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.Run;

/**
 * xl starts in-process, with libxl's argument list ({@code libxl_bootloader.c}: output paths named
 * by the domain id, simple0, then bootloader_args, then the disk) against the fixture trees read
 * as {@code file://}: the state kept per VM, its rounds, the errors.
 */
class XlStartTest {
    @TempDir
    Path dir;

    /** libxl's argv for domain {@code domid}, {@code bootloaderArgs} as in the xl config. */
    static List<String> libxlArgv(Path xenLib, int domid, Path disk, List<String> bootloaderArgs) {
        List<String> argv = new ArrayList<>();
        argv.add("--output=" + xenLib.resolve("bootloader." + domid + ".out"));
        argv.add("--output-format=simple0");
        argv.add("--output-directory=" + xenLib.resolve("bootloader." + domid + ".d"));
        argv.addAll(bootloaderArgs);
        argv.add(disk.toString());
        return argv;
    }

    Run start(int domid, List<String> bootloaderArgs) {
        Path xenLib = dir.resolve("var-lib-xen");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ELILOADER_XL_STATE_DIR", dir.resolve("state").toString());
        env.put("ELILOADER_FILE_ROOTS", ProjectPaths.trees().toString());
        env.put("ELILOADER_PROFILES_DIR", dir.resolve("no-profiles.d").toString());
        return Run.of(env, libxlArgv(xenLib, domid, dir.resolve("disk.img"), bootloaderArgs));
    }

    static Map<String, String> simple0(Path file) throws Exception {
        Map<String, String> items = new LinkedHashMap<>();
        for (String item : Files.readString(file, StandardCharsets.ISO_8859_1).split("\0")) {
            int space = item.indexOf(' ');
            items.put(space < 0 ? item : item.substring(0, space), space < 0 ? "" : item.substring(space + 1));
        }
        return items;
    }

    @Test
    void roundOneAnswersInTheOutputFileAndRecordsInstalled() throws Exception {
        String tree = "file://" + ProjectPaths.trees().resolve("debian");
        Run run = start(7, List.of("--vm=deb12", "--install-repository=" + tree, "--install-distro=debianlike",
                "--install-arch=amd64", "--debian-release=bookworm"));
        assertThat(run.status()).as(run.stderr()).isZero();
        Map<String, String> answer = simple0(dir.resolve("var-lib-xen/bootloader.7.out"));
        assertThat(Files.readAllBytes(Path.of(answer.get("kernel")))).isEqualTo(
                BootHarness.tree("debian/dists/bookworm/main/installer-amd64/current/images/netboot/xen/vmlinuz"));
        assertThat(Files.readString(dir.resolve("state/deb12.json"))).contains("\"PV_bootloader\" : \"pygrub\"");
    }
}
