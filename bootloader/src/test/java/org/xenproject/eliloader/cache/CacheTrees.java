package org.xenproject.eliloader.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** A RHEL 5 like tree with boot files of a chosen size, old enough to be cached, and nginx's access log read back. */
final class CacheTrees {
    static final String KERNEL = "images/xen/vmlinuz";
    static final String INITRD = "images/xen/initrd.img";

    private CacheTrees() {
    }

    /** {@code ROOT/NAME/} with a .treeinfo naming the kernel and the initrd, filled with seeded random bytes. */
    static Path tree(Path root, String name, int kernelBytes, int initrdBytes, long seed) throws IOException {
        Path tree = root.resolve(name);
        Files.createDirectories(tree.resolve("images/xen"));
        Files.writeString(tree.resolve(".treeinfo"), "[general]\nfamily = Red Hat Enterprise Linux Server\n"
                + "version = 5.11\narch = x86_64\n\n[images-xen]\nkernel = " + KERNEL + "\ninitrd = " + INITRD + "\n");
        write(tree.resolve(KERNEL), kernelBytes, seed);
        write(tree.resolve(INITRD), initrdBytes, seed + 1);
        return tree;
    }

    /** Replaces a file with other bytes, its modification time an hour back like a mirror's. */
    static void write(Path file, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Files.write(file, bytes);
        age(file, 3600);
    }

    static void age(Path file, long seconds) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(seconds)));
    }

    /** One request of nginx's access log (combined format). */
    record Logged(String method, String path, int status, long bytes) { }

    static List<Logged> log(Path accessLog) {
        List<Logged> result = new ArrayList<>();
        try (Stream<String> lines = Files.lines(accessLog)) {
            for (String line : lines.toList()) {
                int q = line.indexOf('"');
                int q2 = line.indexOf('"', q + 1);
                String[] request = line.substring(q + 1, q2).split(" ");
                String[] after = line.substring(q2 + 1).trim().split(" ");
                result.add(new Logged(request[0], request[1], Integer.parseInt(after[0]),
                        after[1].equals("-") ? 0 : Long.parseLong(after[1])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Bytes of body nginx sent for paths ending in {@code suffix}, from log line {@code from} on. */
    static long bytesSent(Path accessLog, int from, String suffix) {
        List<Logged> all = log(accessLog);
        return all.subList(Math.min(from, all.size()), all.size()).stream().filter(l -> l.path().endsWith(suffix))
                .mapToLong(Logged::bytes).sum();
    }

    static List<Logged> since(Path accessLog, int from) {
        List<Logged> all = log(accessLog);
        return all.subList(Math.min(from, all.size()), all.size());
    }
}
