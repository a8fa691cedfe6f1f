package org.xenproject.eliloader.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.error.HostileInput;
import org.xenproject.eliloader.profile.ProfileLoader;
import org.xenproject.eliloader.profile.TreeMetadata;
import org.xenproject.eliloader.round.pygrub.PartitionTable;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.xmlrpc.XmlRpc;

/**
 * A seeded mutation fuzzer per parser of outside data: each starts from a valid input, mutates it
 * (bit flips, interesting values, insertions, deletions, truncation, repetition) and feeds it in.
 * Every outcome must be a result or a named failure: a checked or {@link BootloaderException},
 * (XML-RPC format errors are IOExceptions), or a runtime failure that {@link HostileInput} names (never {@code INTERNAL_ERROR}); no input
 * may hang (the class timeout). The suite spends {@value #DEFAULT_MILLIS} ms per parser;
 * {@code scripts/fuzz} (system property {@code eliloader.fuzzMillis}) runs longer.
 */
@Timeout(300)
class ParserFuzzTest {
    static final long DEFAULT_MILLIS = 1500;
    private static final long MILLIS = Long.getLong("eliloader.fuzzMillis", DEFAULT_MILLIS);
    private static final long SEED = Long.getLong("eliloader.fuzzSeed", 15L);
    private static final byte[][] INTERESTING = {{0}, {(byte) 0xff}, {(byte) 0x80}, {0x7f},
        {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, {0, 0, 0, (byte) 0x80}, "-1".getBytes(),
        "99999999999999999999".getBytes(), "[".getBytes(), "{".getBytes(), "&a ".getBytes(), "*a".getBytes(),
        "<".getBytes(), "</".getBytes(), "]]>".getBytes(), "%".getBytes(), "../".getBytes(), "\n".getBytes(),
        "\u0000".getBytes(), "\uffff".getBytes(StandardCharsets.UTF_8), "=".getBytes(), "[x]\n".getBytes()};

    @TempDir
    Path dir;

    interface Parser {
        void parse(byte[] input) throws Exception;
    }

    /** Runs the parser on mutants of {@code seed} for the budget; returns the problems (empty is good). */
    static List<String> fuzz(String name, byte[] seed, Parser parser) {
        return fuzz(name, seed, parser, true);
    }

    /**
     * @param strict whether only named failures are allowed: no runtime exception at all, not even
     *     one the boundary in {@code Main} would name (the parsers that check everything themselves)
     */
    static List<String> fuzz(String name, byte[] seed, Parser parser, boolean strict) {
        Random random = new Random(SEED ^ name.hashCode());
        List<String> problems = new ArrayList<>();
        long end = System.nanoTime() + MILLIS * 1_000_000;
        int runs = 0;
        byte[] current = seed;
        while (System.nanoTime() < end && problems.size() < 5) {
            byte[] input = mutate(random, random.nextInt(4) == 0 ? seed : current);
            runs++;
            try {
                parser.parse(input);
                current = input; // keep walking from inputs the parser accepts
            } catch (BootloaderException | IOException named) {
                // a named refusal
            } catch (Throwable t) {
                BootloaderException named = HostileInput.classify(t);
                if (strict || named == null || named.code() == ErrorCode.INTERNAL_ERROR) {
                    problems.add(name + ": " + t + " at " + (t.getStackTrace().length > 0 ? t.getStackTrace()[0] : "?"));
                }
            }
        }
        System.out.printf("ParserFuzzTest %s: %d inputs in %d ms%n", name, runs, MILLIS);
        return problems;
    }

    static byte[] mutate(Random r, byte[] in) {
        byte[] out = in.clone();
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds; k++) {
            int at = out.length == 0 ? 0 : r.nextInt(out.length);
            switch (r.nextInt(6)) {
                case 0 -> {
                    if (out.length > 0) {
                        out[at] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> {
                    byte[] v = INTERESTING[r.nextInt(INTERESTING.length)];
                    for (int i = 0; i < v.length && at + i < out.length; i++) {
                        out[at + i] = v[i];
                    }
                }
                case 2 -> out = splice(out, at, INTERESTING[r.nextInt(INTERESTING.length)], 0);
                case 3 -> out = splice(out, at, new byte[0], Math.min(out.length - at, 1 + r.nextInt(16)));
                case 4 -> out = java.util.Arrays.copyOf(out, out.length == 0 ? 0 : r.nextInt(out.length + 1));
                default -> {
                    int len = Math.min(out.length - at, 1 + r.nextInt(64));
                    byte[] chunk = java.util.Arrays.copyOfRange(out, at, at + len);
                    for (int i = 0, n = r.nextInt(8); i < n && out.length < 1 << 20; i++) {
                        out = splice(out, at, chunk, 0);
                    }
                }
            }
        }
        return out;
    }

    private static byte[] splice(byte[] in, int at, byte[] insert, int remove) {
        byte[] out = new byte[in.length + insert.length - remove];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void partitionTables() {
        Path disk = dir.resolve("disk.img");
        assertThat(fuzz("partition table", HostileInputTest.gptDisk(2, 3, 7), input -> {
            Files.write(disk, input);
            PartitionTable.read(disk);
        })).isEmpty();
    }

    @Test
    void treeinfo() {
        byte[] seed = ("[general]\nfamily = CentOS\nversion = 5.11\narch = x86_64\n[images-xen]\nkernel = images/xen/vmlinuz\n"
                + "initrd = images/xen/initrd.img\n[checksums]\nimages/xen/vmlinuz = sha256:00ff\n").getBytes();
        assertThat(fuzz("treeinfo", seed, input -> TreeMetadata.Ini.parse(text(input)).section("images-xen"))).isEmpty();
    }

    @Test
    void xmlRpcAnswers() {
        byte[] seed = ("<?xml version=\"1.0\"?><methodResponse><params><param><value><struct><member><name>Status</name>"
                + "<value>Success</value></member><member><name>Value</name><value><array><data><value><i4>42</i4>"
                + "</value><value><boolean>1</boolean></value><value><double>1.5</double></value><value>"
                + "<dateTime.iso8601>20240101T00:00:00Z</dateTime.iso8601></value></data></array></value></member>"
                + "</struct></value></param></params></methodResponse>").getBytes();
        assertThat(fuzz("xml-rpc", seed, XmlRpc::decodeResponse)).isEmpty();
    }

    @Test
    void profiles() {
        byte[] seed = ("extends: anaconda-inst\ndescription: Mine\naliases: [rhlike]\nvariables:\n  x: &x {value: a, "
                + "by-arch: {i386: b}}\n  y: *x\nvnc-password: {min-length: 6, max-length: 8}\ndetect:\n"
                + "  - treeinfo: {family: \"^My\", version: \"^5\"}\n").getBytes();
        assertThat(fuzz("profile", seed, input -> ProfileLoader.parse("f", "f.yaml", text(input)))).isEmpty();
    }

    @Test
    void repositories() {
        byte[] seed = "http://user:pa%2Fss@[::1]:8080/tree/".getBytes();
        assertThat(fuzz("repository", seed, input -> Repository.parse(text(input)))).isEmpty();
        assertThat(fuzz("nfs repository", "nfs://server:2049:/export/tree".getBytes(),
                input -> Repository.parse(text(input)))).isEmpty();
    }
}
