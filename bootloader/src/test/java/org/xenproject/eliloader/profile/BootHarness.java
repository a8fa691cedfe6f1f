package org.xenproject.eliloader.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/** Runs one VM start in-process against a local store, as xenopsd would call the program. */
final class BootHarness {
    /** What a start printed and left behind. */
    record Boot(Run run, String kernel, String ramdisk, String args, Path store, Path outputDir) {
        byte[] kernelBytes() {
            return read(kernel);
        }

        byte[] ramdiskBytes() {
            return read(ramdisk);
        }

        Map<String, Object> record() {
            return VmStoreFixture.read(store);
        }

        Map<String, Object> otherConfig() {
            return VmStoreFixture.otherConfig(store);
        }

        List<Path> filesLeft() {
            try (Stream<Path> list = Files.list(outputDir)) {
                return list.toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private BootHarness() {
    }

    static Boot boot(VmStoreFixture vm, Path work, Map<String, String> environment, String... extraArgs) {
        return bootFrom(work.resolve("disk.img"), vm, work, environment, extraArgs);
    }

    /** A start whose boot disk (the positional DISK) is {@code disk}, e.g. the ISO of a CD install. */
    static Boot bootFrom(Path disk, VmStoreFixture vm, Path work, Map<String, String> environment, String... extraArgs) {
        try {
            Files.createDirectories(work);
            Path store = vm.writeTo(work.resolve("store.json"));
            Path out = Files.createDirectories(work.resolve("out"));
            List<String> args = new ArrayList<>(List.of("-q", "--vm", VmStoreFixture.VM, "--vm-store=" + store,
                    "--output-directory=" + out));
            args.addAll(List.of(extraArgs));
            args.add(disk.toString());
            Map<String, String> env = new HashMap<>(environment);
            env.putIfAbsent("ELILOADER_PROFILES_DIR", work.resolve("no-profiles.d").toString());
            Run run = Run.of(env, args);
            String kernel = null;
            String ramdisk = null;
            String kernelArgs = null;
            for (String line : run.stdout().split("\n")) {
                if (line.startsWith("kernel ")) {
                    kernel = line.substring(7);
                } else if (line.startsWith("ramdisk ")) {
                    ramdisk = line.substring(8);
                } else if (line.startsWith("args ")) {
                    kernelArgs = line.substring(5);
                }
            }
            return new Boot(run, kernel, ramdisk, kernelArgs, store, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Boot boot(VmStoreFixture vm, Path work, String... extraArgs) {
        return boot(vm, work, Map.of(), extraArgs);
    }

    static byte[] tree(String path) {
        return read(ProjectPaths.trees().resolve(path).toString());
    }

    static byte[] read(String path) {
        try {
            return Files.readAllBytes(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many times nginx served a method and path ({@code GET /rhel7/.treeinfo}). */
    static long requests(Path nginxWorkDir, String methodAndPath) {
        try {
            return Files.readAllLines(nginxWorkDir.resolve("nginx/access.log")).stream()
                    .filter(l -> l.contains("\"" + methodAndPath + " HTTP/")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
