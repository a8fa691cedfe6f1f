package org.xenproject.eliloader.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A round-2 bench: a local VM store, an output directory, the shipped profiles plus the
 * test-only ones of {@code src/test/resources/round2-profiles} (or the shipped ones alone, see
 * {@link #shippedProfilesOnly()}), and Debian's real pygrub (xen-utils-4.17), which is passed
 * with {@code --pygrub=}. The program runs in-process through {@link BootHarness}, with the
 * caller's own arguments and the host settings in the environment.
 */
public final class PygrubLab {
    /** Debian's pygrub; its shebang is /usr/bin/python3, so it runs as it is. */
    public static final Path PYGRUB = Path.of("/usr/lib/xen-4.17/bin/pygrub");

    private final Path dir;
    private final Path out;
    private final Path store;
    private Path profilesDir = profilesDir();

    public PygrubLab(Path dir) {
        if (!Files.isExecutable(PYGRUB)) {
            throw new IllegalStateException(PYGRUB + " is missing: apt-get install --no-install-recommends"
                    + " xen-utils-4.17 (scripts/setup does)");
        }
        this.dir = dir;
        this.out = dir.resolve("boot");
        this.store = dir.resolve("vms.json");
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The output directory the program is given. */
    public Path out() {
        return out;
    }

    public Path store() {
        return store;
    }

    /** Only the profiles the program ships with (distro-profiles/, from the jar): no extra profile directory. */
    public PygrubLab shippedProfilesOnly() {
        profilesDir = dir.resolve("no-profiles.d");
        return this;
    }

    /** The shipped profiles plus those of {@code directory} (instead of the test-only ones). */
    public PygrubLab profiles(Path directory) {
        profilesDir = directory;
        return this;
    }

    public PygrubLab vm(VmStoreFixture fixture) {
        fixture.writeTo(store);
        return this;
    }

    public static Path profilesDir() {
        try {
            return Path.of(PygrubLab.class.getResource("/round2-profiles").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the program as a caller would, with {@code callerArgs} as the caller's own arguments;
     * the store, profiles and output directory come from the environment, pygrub from {@code --pygrub=}.
     */
    public Run run(Map<String, String> extraEnvironment, List<String> callerArgs) {
        List<String> args = new ArrayList<>();
        args.add("--pygrub=" + PYGRUB);
        args.addAll(callerArgs);
        return BootHarness.onStore(store).outputDirectory(out).profiles(profilesDir).env(extraEnvironment)
                .callerArgs(args).boot().run();
    }

    public Run run(List<String> callerArgs) {
        return run(Map.of(), callerArgs);
    }

    /** xenopsd's call: {@code -q --vm UUID DISK}, plus an output format when given. */
    public Run xenopsd(Path disk, String format) {
        List<String> args = new ArrayList<>(List.of("-q", "--vm", VmStoreFixture.VM));
        if (format != null) {
            args.add("--output-format=" + format);
        }
        args.add(disk.toString());
        return run(args);
    }

    /** Every name in the output directory (hidden ones included), sorted. */
    public List<String> outputNames() {
        try (Stream<Path> list = Files.list(out)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one handed-over file whose name starts with {@code prefix} ({@code boot_kernel.}, {@code boot_ramdisk.}). */
    public Path handedOver(String prefix) {
        List<String> matches = outputNames().stream().filter(n -> n.startsWith(prefix)).toList();
        if (matches.size() != 1) {
            throw new AssertionError("expected one " + prefix + "* in " + out + ", found " + outputNames());
        }
        return out.resolve(matches.get(0)).toAbsolutePath();
    }

    public Path kernel() {
        return handedOver("boot_kernel.");
    }

    public Path ramdisk() {
        return handedOver("boot_ramdisk.");
    }

    /**
     * What pygrub 4.17 prints, per its format_simple / format_sxp: simple and simple0 end with an
     * extra separator and leave out a missing ramdisk and empty args; sxp quotes with Python's
     * repr (single quotes for these values) and ends without a newline.
     */
    public static byte[] pygrubAnswer(String format, Path kernel, Path ramdisk, String args) {
        StringBuilder s = new StringBuilder();
        switch (format) {
            case "simple", "simple0" -> {
                String sep = format.equals("simple") ? "\n" : "\0";
                s.append("kernel ").append(kernel).append(sep);
                if (ramdisk != null) {
                    s.append("ramdisk ").append(ramdisk).append(sep);
                }
                if (!args.isEmpty()) {
                    s.append("args ").append(args).append(sep);
                }
                s.append(sep);
            }
            case "sxp" -> {
                s.append("linux (kernel '").append(kernel).append("')");
                if (ramdisk != null) {
                    s.append("(ramdisk '").append(ramdisk).append("')");
                }
                if (args.indexOf('\'') >= 0) {
                    throw new IllegalArgumentException("Python would switch to double quotes; keep tests simple");
                }
                if (!args.isEmpty()) {
                    s.append("(args '").append(args.replace("\\", "\\\\")).append("')");
                }
            }
            default -> throw new IllegalArgumentException(format);
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
