package org.xenproject.eliloader.xl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.PygrubLab;
import org.xenproject.eliloader.testsupport.Run;

/**
 * A dom0 for xl starts, in a directory: {@code var-lib-xen/} (libxl's {@code XEN_LIB_DIR}, where
 * it names the output paths by domain id), the state directory, and a xenstore of files read by a
 * {@code xenstore-read} of the same interface ({@code xenstore-read PATH} prints the value and a
 * newline, or fails naming the path), since no xenstored runs outside Xen. Starts run in-process
 * with libxl's argument list; the host settings are variables of this rig.
 */
final class XlRig {
    private final Path dir;

    XlRig(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("var-lib-xen"));
            Path script = dir.resolve("xenstore-read");
            Files.writeString(script, "#!/bin/sh\nf='" + dir.resolve("xenstore") + "'\"$1\"\n"
                    + "[ -f \"$f\" ] && exec cat \"$f\"\necho \"could not read path $1\" >&2\nexit 1\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return dir;
    }

    Path stateDir() {
        return dir.resolve("state");
    }

    Path xenLib() {
        return dir.resolve("var-lib-xen");
    }

    Path stateFile(String name) {
        return stateDir().resolve(name + ".json");
    }

    /** Domain 3's name, as libxl writes it to xenstore when it makes the domain. */
    XlRig xenstoreName(String name) {
        return xenstore(3, name);
    }

    XlRig xenstore(int domid, String name) {
        try {
            Path node = dir.resolve("xenstore/local/domain/" + domid + "/name");
            Files.createDirectories(node.getParent());
            Files.writeString(node, name + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The host settings, as /etc/eliloader/eliloader.conf would give them. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ELILOADER_XL_STATE_DIR", stateDir().toString());
        env.put("ELILOADER_XENSTORE_READ", dir.resolve("xenstore-read").toString());
        env.put("ELILOADER_FILE_ROOTS", ProjectPaths.trees().toString());
        env.put("ELILOADER_PROFILES_DIR", dir.resolve("no-profiles.d").toString());
        env.put("ELILOADER_PYGRUB", PygrubLab.PYGRUB.toString());
        return env;
    }

    /** libxl's argv for domain {@code domid} ({@code libxl_bootloader.c}, {@code make_bootloader_args}). */
    List<String> libxlArgv(int domid, List<String> bootloaderArgs, Path disk) {
        List<String> argv = new ArrayList<>();
        argv.add("--output=" + xenLib().resolve("bootloader." + domid + ".out"));
        argv.add("--output-format=simple0");
        argv.add("--output-directory=" + xenLib().resolve("bootloader." + domid + ".d"));
        argv.addAll(bootloaderArgs);
        argv.add(disk.toString());
        return argv;
    }

    /** One start as libxl makes it: the output directory and the empty output file made first. */
    Run start(int domid, List<String> bootloaderArgs, Path disk) {
        try {
            Files.createDirectories(xenLib().resolve("bootloader." + domid + ".d"));
            Files.write(xenLib().resolve("bootloader." + domid + ".out"), new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Run.of(environment(), libxlArgv(domid, bootloaderArgs, disk));
    }

    /** The simple0 answer libxl would read from {@code bootloader.DOMID.out}, by item. */
    Map<String, String> answer(int domid) {
        return simple0(xenLib().resolve("bootloader." + domid + ".out"));
    }

    static Map<String, String> simple0(Path file) {
        Map<String, String> items = new LinkedHashMap<>();
        try {
            for (String item : Files.readString(file, StandardCharsets.ISO_8859_1).split("\0")) {
                if (item.isEmpty()) {
                    continue;
                }
                int space = item.indexOf(' ');
                items.put(space < 0 ? item : item.substring(0, space), space < 0 ? "" : item.substring(space + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return items;
    }

    /** {@code eliloader xl ARGS} with this rig's settings. */
    Run xl(String... args) {
        List<String> argv = new ArrayList<>(List.of("xl"));
        argv.addAll(List.of(args));
        return Run.of(environment(), argv);
    }

    /** {@code eliloader xl status NAME}'s text. */
    String status(String name) {
        Run run = xl("status", name);
        if (run.status() != 0) {
            throw new AssertionError(run.stderr());
        }
        return run.stdout();
    }

    /** Everything in the domain's output directory (what libxl would find there). */
    List<String> outputDirectoryEntries(int domid) {
        try (var list = Files.list(xenLib().resolve("bootloader." + domid + ".d"))) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
