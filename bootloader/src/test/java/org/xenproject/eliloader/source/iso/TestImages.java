package org.xenproject.eliloader.source.iso;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Builds install-like trees and real ISO images from them with xorriso and genisoimage. */
final class TestImages {

    /** The image makers and option sets the reader must handle. */
    enum Maker {
        XORRISO_ROCK_RIDGE_JOLIET(IsoImage.Naming.ROCK_RIDGE, "xorriso", "-as", "mkisofs", "-R", "-J"),
        GENISOIMAGE_ROCK_RIDGE_JOLIET(IsoImage.Naming.ROCK_RIDGE, "genisoimage", "-R", "-J"),
        GENISOIMAGE_ROCK_RIDGE(IsoImage.Naming.ROCK_RIDGE, "genisoimage", "-R"),
        // xorriso writes Rock Ridge unless told --norock
        XORRISO_JOLIET(IsoImage.Naming.JOLIET, "xorriso", "-as", "mkisofs", "--norock", "-J"),
        GENISOIMAGE_JOLIET(IsoImage.Naming.JOLIET, "genisoimage", "-J"),
        XORRISO_PRIMARY(IsoImage.Naming.PRIMARY, "xorriso", "-as", "mkisofs", "--norock"),
        GENISOIMAGE_PRIMARY(IsoImage.Naming.PRIMARY, "genisoimage");

        final IsoImage.Naming naming;
        final List<String> command;

        Maker(IsoImage.Naming naming, String... command) {
            this.naming = naming;
            this.command = List.of(command);
        }

        boolean rockRidge() {
            return naming == IsoImage.Naming.ROCK_RIDGE;
        }
    }

    static final String LABEL = "ELILOADER_TEST";
    /** A few MiB, not a multiple of the sector size. */
    static final int BIG_FILE_SIZE = 5 * 1024 * 1024 + 123;
    static final int POOL_FILES = 1200;
    static final String DEEP_PATH = "a/b/c/d/e/f/g/h/i/j/k/l/deep.txt";
    /** Longer than Joliet's 64 characters, fits one Rock Ridge NM entry. */
    static final String LONG_NAME = "long-" + "n".repeat(95);
    /** The longest name Linux allows; its NM entry continues in a continuation area. */
    static final String LONGEST_NAME = "l".repeat(251) + ".txt";
    /**
     * A link target of 298 bytes, longer than a directory record: its SL entries continue in
     * a continuation area. (genisoimage 1.1.11 spins forever on targets of about 400 bytes.)
     */
    static final String LONG_LINK_TARGET = "./".repeat(140) + "images/xen/vmlinuz";
    static final int CHAIN_LENGTH = 30;

    private TestImages() {
    }

    /** The tree every image is made of: the layouts the install profiles look for, and traps. */
    static Path writeInstallTree(Path root) throws IOException {
        write(root, "images/xen/vmlinuz", "xen kernel\n");
        Files.write(Files.createDirectories(root.resolve("images/xen")).resolve("initrd.img"), bigFileContent());
        write(root, "isolinux/vmlinuz", "isolinux kernel\n");
        write(root, "isolinux/initrd.img", "isolinux initrd\n");
        write(root, ".treeinfo", "[general]\nfamily = Test\n");
        write(root, "dists/bookworm/Release", "Suite: bookworm\n");
        write(root, "Mixed/ReadMe.Txt", "mixed case\n");
        write(root, DEEP_PATH, "deep\n");
        write(root, LONG_NAME, "long name\n");
        write(root, "longest/" + LONGEST_NAME, "longest name\n");
        for (int i = 0; i < POOL_FILES; i++) {
            write(root, poolFile(i), poolFile(i));
        }

        link(root, "dists/stable", "bookworm");
        link(root, "debian", ".");
        link(root, "kernel-link", "images/xen/vmlinuz");
        link(root, "absolute-link", "/isolinux/vmlinuz");
        link(root, "escape-link", "/../../../isolinux/initrd.img");
        link(root, "hostfile-link", "/etc/hostname");
        link(root, "dangling-link", "does-not-exist");
        link(root, "long-link", LONG_LINK_TARGET);
        for (int i = 1; i < CHAIN_LENGTH; i++) {
            link(root, "chain/" + i, String.valueOf(i + 1));
        }
        link(root, "chain/" + CHAIN_LENGTH, "../images/xen/vmlinuz");
        link(root, "loop/a", "b");
        link(root, "loop/b", "a");
        link(root, "loop/self", "self");
        return root;
    }

    static String poolFile(int index) {
        return String.format("pool/package-%04d_1.0-1_amd64.deb", index);
    }

    static byte[] bigFileContent() {
        byte[] content = new byte[BIG_FILE_SIZE];
        new Random(42).nextBytes(content);
        return content;
    }

    static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, UTF_8);
    }

    static void link(Path root, String path, String target) throws IOException {
        Path link = root.resolve(path);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of(target));
    }

    /** Runs the maker on {@code tree} with extra options, e.g. {@code -allow-lowercase}. */
    static Path make(Maker maker, Path tree, Path image, String... extraOptions) throws IOException {
        List<String> command = new ArrayList<>(maker.command);
        command.addAll(List.of(extraOptions));
        command.addAll(List.of("-V", LABEL, "-o", image.toString(), tree.toString()));
        run(command, image.resolveSibling(image.getFileName() + ".log"));
        return image;
    }

    static void run(List<String> command, Path log) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + " (apt-get install -y --no-install-recommends"
                    + " xorriso genisoimage): " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(command + " failed with status " + process.exitValue() + ":\n"
                    + Files.readString(log, UTF_8));
        }
    }
}
