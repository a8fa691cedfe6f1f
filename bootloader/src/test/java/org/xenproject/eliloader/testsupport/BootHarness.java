package org.xenproject.eliloader.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One VM start, run in-process ({@link Run}) against a local VM store (or another toolstack), as
 * a toolstack calls the program; what it printed and left behind come back as a {@link Boot}.
 *
 * <pre>{@code
 * Boot boot = BootHarness.of(VmStoreFixture.vm().other("install-repository", url))
 *         .in(work)                                  // work/store.json, work/out
 *         .args("--guest-installer-dir=" + dir)      // host settings or other caller options
 *         .env("ELILOADER_FETCH_RETRIES", "1")
 *         .boot();
 * assertThat(boot.status()).as(boot.stderr()).isZero();
 * boot.kernel(); boot.ramdiskBytes(); boot.args(); boot.otherConfig(); boot.filesLeft();
 * }</pre>
 *
 * <p>By default the call is xenopsd's, {@code -q --vm UUID --vm-store=STORE
 * --output-directory=OUT [ARGS] DISK} with DISK {@code /dev/null} (a network install does not
 * read it), and the environment holds only what is given here, plus {@code
 * ELILOADER_PROFILES_DIR} naming a missing directory (so the host's profiles directory is
 * never read: the shipped profiles alone) and what {@link Run} adds (no config file, no
 * syslog). With {@link #callerArgs(List)} the arguments are a toolstack's own, verbatim, and
 * the store, output directory and profiles directory come from {@code ELILOADER_*} variables
 * instead, as from a host's configuration. {@link #onToolstack(Map)} starts a VM whose record
 * another toolstack keeps (a {@code XapiTestServer} named by {@code ELILOADER_XAPI}): no
 * {@code --vm-store}. The output directory is not created: the program makes it.
 */
public final class BootHarness {
    private final VmStoreFixture vm;
    private final boolean toolstack;
    private String uuid = VmStoreFixture.VM;
    private Path store;
    private Path outputDirectory;
    private Path profilesDir;
    private Path disk = Path.of("/dev/null");
    private final Map<String, String> environment = new HashMap<>();
    private final List<String> args = new ArrayList<>();
    private List<String> callerArgs;

    private BootHarness(VmStoreFixture vm, Path store, boolean toolstack) {
        this.vm = vm;
        this.store = store;
        this.toolstack = toolstack;
    }

    /** A start of the VM {@code vm} describes; the store is written when the start is made. */
    public static BootHarness of(VmStoreFixture vm) {
        return new BootHarness(vm, null, false);
    }

    /** A start of {@link VmStoreFixture#VM} from a store already written (and read back as it is). */
    public static BootHarness onStore(Path store) {
        return new BootHarness(null, store, false);
    }

    /**
     * A start of a VM whose record the toolstack {@code environment} names keeps ({@code
     * ELILOADER_XAPI}, or {@code ELILOADER_VM_STORE}); give the output directory. {@link Boot#store()}
     * is null then.
     */
    public static BootHarness onToolstack(Map<String, String> environment) {
        return new BootHarness(null, null, true).env(environment);
    }

    /** The uuid passed with {@code --vm}; default {@link VmStoreFixture#VM}. */
    public BootHarness vm(String vmUuid) {
        uuid = vmUuid;
        return this;
    }

    /**
     * The work directory: the store is {@code DIR/store.json} (unless given), the output directory
     * {@code DIR/out}, the profiles directory the missing {@code DIR/no-profiles.d} (each unless given).
     */
    public BootHarness in(Path dir) {
        if (store == null) {
            store = dir.resolve("store.json");
        }
        if (outputDirectory == null) {
            outputDirectory = dir.resolve("out");
        }
        if (profilesDir == null) {
            profilesDir = dir.resolve("no-profiles.d");
        }
        return this;
    }

    /** Where the VM store is (written there from the fixture, if there is one). */
    public BootHarness store(Path file) {
        store = file;
        return this;
    }

    public BootHarness outputDirectory(Path dir) {
        outputDirectory = dir;
        return this;
    }

    /** The host's profiles directory ({@code ELILOADER_PROFILES_DIR}), read after the shipped profiles. */
    public BootHarness profiles(Path dir) {
        profilesDir = dir;
        return this;
    }

    /** The boot disk the caller names last (e.g. the ISO image of a CD install); default {@code /dev/null}. */
    public BootHarness disk(Path file) {
        disk = file;
        return this;
    }

    public BootHarness env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public BootHarness env(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    /** More options of the call, before the disk: host settings ({@code --ca-file=F}), formats, {@code --args=}. */
    public BootHarness args(String... more) {
        args.addAll(List.of(more));
        return this;
    }

    /**
     * The caller's own arguments, verbatim (xenopsd's, libxl's, the old xapi's, with their disk):
     * nothing is added to them, and the store, output directory and profiles directory go
     * into the environment.
     */
    public BootHarness callerArgs(List<String> arguments) {
        callerArgs = List.copyOf(arguments);
        return this;
    }

    /** Writes the store (from the fixture), makes the start and returns what it did. */
    public Boot boot() {
        Path out = outputDirectory;
        if (toolstack) {
            if (out == null) {
                throw new IllegalStateException("no output directory: call outputDirectory(DIR) or in(DIR)");
            }
        } else {
            if (store == null) {
                throw new IllegalStateException("no store: call in(DIR) or store(FILE)");
            }
            if (vm != null) {
                try {
                    Files.createDirectories(store.toAbsolutePath().getParent());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                vm.writeTo(store);
            }
            if (out == null) {
                out = store.resolveSibling("out");
            }
        }
        Map<String, String> env = new HashMap<>(environment);
        Path profiles = profilesDir != null ? profilesDir : (store != null ? store : out).resolveSibling("no-profiles.d");
        env.putIfAbsent("ELILOADER_PROFILES_DIR", profiles.toString());
        List<String> argv = new ArrayList<>();
        if (callerArgs != null) {
            if (store != null) {
                env.putIfAbsent("ELILOADER_VM_STORE", store.toString());
            }
            env.putIfAbsent("ELILOADER_OUTPUT_DIRECTORY", out.toString());
            argv.addAll(args);
            argv.addAll(callerArgs);
        } else {
            argv.addAll(List.of("-q", "--vm", uuid));
            if (store != null) {
                argv.add("--vm-store=" + store);
            }
            argv.add("--output-directory=" + out);
            argv.addAll(args);
            argv.add(disk.toString());
        }
        return Boot.of(Run.of(env, argv), store, out);
    }

    /**
     * What a start printed and left behind. {@code kernel}, {@code ramdisk} and {@code args} are
     * those of an answer in the simple format on stdout (null when there is none).
     */
    public record Boot(Run run, String kernel, String ramdisk, String args, Path store, Path outputDir) {
        static Boot of(Run run, Path store, Path outputDir) {
            Map<String, String> answer = run.answer();
            return new Boot(run, answer.get("kernel"), answer.get("ramdisk"), answer.get("args"), store, outputDir);
        }

        public int status() {
            return run.status();
        }

        public String stdout() {
            return run.stdout();
        }

        public byte[] stdoutBytes() {
            return run.stdoutBytes();
        }

        public String stderr() {
            return run.stderr();
        }

        public String errorCode() {
            return run.errorCode();
        }

        /** The answer's items by name ({@code kernel}, {@code ramdisk}, {@code args}), see {@link Run#answer()}. */
        public Map<String, String> answer() {
            return run.answer();
        }

        public byte[] kernelBytes() {
            return read(Path.of(kernel));
        }

        public byte[] ramdiskBytes() {
            return read(Path.of(ramdisk));
        }

        /** The VM record as stored after the start. */
        public Map<String, Object> record() {
            return VmStoreFixture.read(store);
        }

        public Map<String, Object> otherConfig() {
            return VmStoreFixture.otherConfig(store);
        }

        public Map<String, Map<String, Object>> vbds() {
            return VmStoreFixture.vbds(store);
        }

        /** Everything in the output directory (none when the program did not make it). */
        public List<Path> filesLeft() {
            return filesIn(outputDir);
        }
    }

    /** The entries of {@code dir}; none when it does not exist. */
    public static List<Path> filesIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a file of the fixture trees ({@code rhel5/images/xen/vmlinuz}). */
    public static byte[] tree(String path) {
        return read(ProjectPaths.trees().resolve(path));
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the forms the profile tests use -------------------------------------------------------

    /** A network install's start in {@code work}, with {@code work/disk.img} (never read) as DISK. */
    public static Boot boot(VmStoreFixture vm, Path work, Map<String, String> environment, String... extraArgs) {
        return bootFrom(work.resolve("disk.img"), vm, work, environment, extraArgs);
    }

    public static Boot boot(VmStoreFixture vm, Path work, String... extraArgs) {
        return boot(vm, work, Map.of(), extraArgs);
    }

    /** A start whose boot disk (the positional DISK) is {@code disk}, e.g. the ISO of a CD install. */
    public static Boot bootFrom(Path disk, VmStoreFixture vm, Path work, Map<String, String> environment,
            String... extraArgs) {
        return of(vm).in(work).disk(disk).env(environment).args(extraArgs).boot();
    }
}
