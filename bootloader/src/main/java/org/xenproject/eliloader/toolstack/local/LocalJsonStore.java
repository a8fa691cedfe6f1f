package org.xenproject.eliloader.toolstack.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.files.NewFile;
import org.xenproject.eliloader.json.JsonTree;
import org.xenproject.eliloader.round.RunDirectory;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.Toolstack;
import org.xenproject.eliloader.toolstack.Vbd;
import org.xenproject.eliloader.toolstack.VmRecord;

/**
 * VM records in a JSON file whose field names mirror XenAPI's, for runs by hand, tests and the
 * demo. An exclusive lock on {@code FILE.lock} is held only while the store is read and while
 * it is written, never during the fetch between, so starts of different VMs do not wait for one
 * another. The write reads the store again under the lock and refuses to record anything when
 * the VM's record is no longer the one this run read (another start of the same VM advanced it
 * meanwhile); the other VMs' changes are kept. Writes go to a temporary file in the same
 * directory that is renamed over the store, so a reader never sees half a file. A file that
 * cannot be parsed is reported and left untouched. Fields this program does not know are kept
 * as they are.
 */
public final class LocalJsonStore implements Toolstack {

    private final Path file;
    /** The store as this run last read or wrote it. */
    private Map<String, Object> document;

    private LocalJsonStore(Path file, Map<String, Object> document) {
        this.file = file;
        this.document = document;
    }

    /** Reads the store under its lock; waits only while another run reads or writes it. */
    public static LocalJsonStore open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw storeError("The VM store " + file + " does not exist (create it, or name another with --vm-store).");
        }
        sweep(file);
        return new LocalJsonStore(file, locked(file, () -> parse(file)));
    }

    /** Where the temporary copies of {@code file} are made: {@code .NAME.} then the run's {@code PID.START.}. */
    static String tempPrefix(Path file) {
        return "." + file.getFileName() + ".";
    }

    /**
     * Removes the temporary copies of the store that killed runs left (a SIGKILL between the write
     * and the rename), by the one policy of {@link RunDirectory}: a file named by a run that is
     * gone. Never throws; returns what it removed. Every open does it; so does {@code eliloader cleanup}.
     */
    public static List<Path> sweep(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? List.of() : RunDirectory.sweepFiles(parent, tempPrefix(file));
    }

    /**
     * Writes {@code document} as a new store at {@code file}, under the store's lock, unless the
     * file exists; returns whether it was written. The store keeps the temporary file's owner-only mode.
     */
    public static boolean createIfAbsent(Path file, Map<String, Object> document) {
        return locked(file, () -> {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            new LocalJsonStore(file, document).write(document);
            return true;
        });
    }

    /** Removes the store at {@code file} under its lock (its lock file stays); returns whether there was one. */
    public static boolean remove(Path file) {
        return locked(file, () -> Files.deleteIfExists(file));
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    /** Runs {@code work} holding the store's lock file (released on every path, and by the OS if the process dies). */
    private static <T> T locked(Path file, Locked<T> work) {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel channel = null;
        try {
            // never through a symbolic link: a planted FILE.lock -> /etc/... must not be created or opened
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            try (FileLock lock = channel.lock()) {
                return work.run();
            }
        } catch (IOException e) {
            throw storeError("Cannot lock or read the VM store " + file + ": " + e.getMessage());
        } finally {
            closeQuietly(channel);
        }
    }

    @Override
    public VmRecord readVm(String vmUuid) {
        Map<String, Object> vm = vm(vmUuid);
        List<Vbd> vbds = new ArrayList<>();
        for (Object o : list(vm.get("VBDs"))) {
            Map<String, Object> v = map(o, "a VBD of VM " + vmUuid);
            vbds.add(new Vbd(text(v.get("uuid")), text(v.get("userdevice")), truth(v.get("bootable")),
                    textOr(v.get("type"), "Disk"), textOr(v.get("mode"), "RW"), text(v.get("image")),
                    truth(v.get("currently_attached")), stringMap(v.get("other_config")), text(v.get("VDI"))));
        }
        return new VmRecord(vmUuid, text(vm.get("name_label")), text(vm.get("PV_bootloader")),
                text(vm.get("PV_bootloader_args")), text(vm.get("PV_args")),
                stringMap(vm.get("other_config")), stringMap(vm.get("platform")), vbds);
    }

    @Override
    public void apply(String vmUuid, List<RecordEdit> edits) {
        if (edits.isEmpty()) {
            return;
        }
        Map<String, Object> asRead = vm(vmUuid);
        document = locked(file, () -> {
            Map<String, Object> fresh = parse(file);
            Object now = ((Map<?, ?>) fresh.get("vms")).get(vmUuid);
            if (!asRead.equals(now)) {
                throw storeError("The record of VM " + vmUuid + " in the VM store " + file + " changed while this"
                        + " start ran (another start of the same VM?); nothing was recorded.");
            }
            Map<String, Object> vm = map(now, "VM " + vmUuid);
            for (RecordEdit edit : edits) {
                applyOne(vmUuid, vm, edit);
            }
            write(fresh);
            return fresh;
        });
    }

    @Override
    public String secretValue(String secretUuid) {
        Object secrets = document.get("secrets");
        Object value = secrets instanceof Map<?, ?> m ? m.get(secretUuid) : null;
        if (value instanceof Map<?, ?> record) {
            value = record.get("value");
        }
        if (value == null) {
            throw new BootloaderException(ErrorCode.INVALID_SOURCE,
                    "The secret " + secretUuid + " is not in the VM store " + file + ".");
        }
        return value.toString();
    }

    @Override
    public String describe() {
        return "local VM store " + file;
    }

    @Override
    public void close() {
        // no lock is held between reads and writes
    }

    private void applyOne(String vmUuid, Map<String, Object> vm, RecordEdit edit) {
        if (edit instanceof RecordEdit.PutOtherConfig e) {
            mutableMap(vm, "other_config").put(e.key(), e.value());
        } else if (edit instanceof RecordEdit.RemoveOtherConfig e) {
            mutableMap(vm, "other_config").remove(e.key());
        } else if (edit instanceof RecordEdit.PutPlatform e) {
            mutableMap(vm, "platform").put(e.key(), e.value());
        } else if (edit instanceof RecordEdit.RemovePlatform e) {
            mutableMap(vm, "platform").remove(e.key());
        } else if (edit instanceof RecordEdit.SetPvBootloader e) {
            vm.put("PV_bootloader", e.value());
        } else if (edit instanceof RecordEdit.SetPvBootloaderArgs e) {
            vm.put("PV_bootloader_args", e.value());
        } else if (edit instanceof RecordEdit.SetVbdBootable e) {
            vbd(vmUuid, vm, e.vbdUuid()).put("bootable", e.bootable());
        } else if (edit instanceof RecordEdit.DestroyVbd e) {
            vbd(vmUuid, vm, e.vbdUuid());
            for (Iterator<Object> it = vbdList(vm).iterator(); it.hasNext();) {
                if (e.vbdUuid().equals(text(map(it.next(), "a VBD").get("uuid")))) {
                    it.remove();
                }
            }
        } else {
            throw new IllegalArgumentException("unknown edit " + edit);
        }
    }

    private void write(Map<String, Object> document) {
        Path temp = null;
        try {
            // named by this run: a SIGKILL before the rename leaves it to the next open's sweep
            temp = NewFile.create(file.toAbsolutePath().getParent(),
                    RunDirectory.scratchPrefix(tempPrefix(file)), ".tmp");
            copyPermissions(file, temp);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                byte[] text = JsonTree.write(document, true).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(java.nio.ByteBuffer.wrap(text));
                out.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}));
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw storeError("Cannot write the VM store " + file + ": " + e.getMessage());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // nothing more can be done; the store itself is intact
                }
            }
        }
    }

    private static void copyPermissions(Path from, Path to) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(from);
            Files.setPosixFilePermissions(to, perms);
        } catch (IOException | UnsupportedOperationException ignored) {
            // NewFile already made it owner-only, which is the safe fallback
        }
    }

    private static Map<String, Object> parse(Path file) throws IOException {
        Object root;
        try {
            root = JsonTree.parse(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw storeError("The VM store " + file + " does not exist.");
        } catch (IOException e) {
            throw storeError("The VM store " + file + " is not valid JSON (" + firstLine(e.getMessage())
                    + "); it was left untouched.");
        }
        if (!(root instanceof Map<?, ?>) || !(((Map<?, ?>) root).get("vms") instanceof Map<?, ?>)) {
            throw storeError("The VM store " + file + " has no \"vms\" object; it was left untouched.");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> document = (Map<String, Object>) root;
        return document;
    }

    private Map<String, Object> vm(String vmUuid) {
        Object vm = ((Map<?, ?>) document.get("vms")).get(vmUuid);
        if (vm == null) {
            throw new BootloaderException(ErrorCode.INVALID_SOURCE,
                    "The VM " + vmUuid + " is not in the " + describe() + ".");
        }
        return map(vm, "VM " + vmUuid);
    }

    private Map<String, Object> vbd(String vmUuid, Map<String, Object> vm, String vbdUuid) {
        for (Object o : vbdList(vm)) {
            Map<String, Object> v = map(o, "a VBD of VM " + vmUuid);
            if (vbdUuid.equals(text(v.get("uuid")))) {
                return v;
            }
        }
        throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The VM " + vmUuid + " has no VBD " + vbdUuid + ".");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> vbdList(Map<String, Object> vm) {
        Object vbds = vm.get("VBDs");
        return vbds instanceof List<?> ? (List<Object>) vbds : new ArrayList<>();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mutableMap(Map<String, Object> owner, String key) {
        Object current = owner.get(key);
        if (current instanceof Map<?, ?>) {
            return (Map<String, Object>) current;
        }
        Map<String, Object> created = new LinkedHashMap<>();
        owner.put(key, created);
        return created;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map<?, ?>)) {
            throw storeError("In the VM store " + file + ", " + what + " is not a JSON object.");
        }
        return (Map<String, Object>) o;
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static Map<String, String> stringMap(Object o) {
        Map<String, String> result = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        return result;
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }

    private static String textOr(Object o, String fallback) {
        return o == null ? fallback : o.toString();
    }

    private static boolean truth(Object o) {
        return o instanceof Boolean b ? b : "true".equalsIgnoreCase(String.valueOf(o));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static BootloaderException storeError(String message) {
        return new BootloaderException(ErrorCode.INTERNAL_ERROR, message);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a lock file cannot lose data
            }
        }
    }
}
