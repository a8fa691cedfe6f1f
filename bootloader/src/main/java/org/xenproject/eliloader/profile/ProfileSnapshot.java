package org.xenproject.eliloader.profile;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The shipped profiles, parsed when the program is built and stored in the jar as a compact
 * binary file, so that a VM start reads them without running the YAML parser (its warm-up is a
 * good part of a round-1 run). Each entry keeps the file's exact text: a profile file whose text
 * is the same (the jar's own copy, the shipped {@code distro-profiles/} directory) takes the
 * stored document; any other text, or no snapshot at all, is parsed as YAML as before.
 *
 * <p>Written by the build ({@code main}, bound to Maven's process-classes phase); the format is
 * private to one build of the program: a magic number, then per file its name, text, id, origin,
 * data tree and key lines.
 */
public final class ProfileSnapshot {
    /** The class-path resource holding the snapshot. */
    static final String RESOURCE = "distro-profiles.bin";
    private static final int MAGIC = 0x454c5031; // "ELP1"

    /** One profile file: its name without {@code .yaml}, its text and what parsing it gives. */
    record Entry(String name, String text, ProfileDocument document) { }

    private ProfileSnapshot() {
    }

    /** Build step: {@code ProfileSnapshot PROFILES_DIR OUTPUT_FILE}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ProfileSnapshot PROFILES_DIR OUTPUT_FILE");
        }
        Path dir = Path.of(args[0]);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        List<Entry> entries = new ArrayList<>();
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            String name = fileName.substring(0, fileName.length() - ".yaml".length());
            String text = Files.readString(file, StandardCharsets.UTF_8);
            entries.add(new Entry(name, text, ProfileLoader.parseText(name, "jar:" + ProfileLoader.JAR_FOLDER + fileName,
                    text)));
        }
        Path out = Path.of(args[1]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".profiles", ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            write(entries, os);
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The snapshot built into the program; empty when there is none or it cannot be read. */
    static List<Entry> shipped() {
        InputStream in = ProfileSnapshot.class.getClassLoader().getResourceAsStream(RESOURCE);
        if (in == null) {
            return List.of();
        }
        try (in) {
            return read(in);
        } catch (IOException | RuntimeException e) {
            return List.of(); // the YAML files are still there: parse them
        }
    }

    static void write(List<Entry> entries, OutputStream os) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os));
        out.writeInt(MAGIC);
        out.writeInt(entries.size());
        for (Entry e : entries) {
            ProfileDocument doc = e.document();
            string(out, e.name());
            string(out, e.text());
            string(out, doc.id());
            string(out, doc.origin());
            try {
                value(out, doc.data());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(doc.origin() + ": " + ex.getMessage(), ex);
            }
            out.writeInt(doc.lines().size());
            for (Map.Entry<String, Integer> line : doc.lines().entrySet()) {
                string(out, line.getKey());
                out.writeInt(line.getValue());
            }
        }
        out.flush();
    }

    static List<Entry> read(InputStream is) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 64 * 1024));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a profile snapshot");
        }
        int count = in.readInt();
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = string(in);
            String text = string(in);
            String id = string(in);
            String origin = string(in);
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) value(in);
            int lineCount = in.readInt();
            Map<String, Integer> lines = new LinkedHashMap<>();
            for (int j = 0; j < lineCount; j++) {
                lines.put(string(in), in.readInt());
            }
            entries.add(new Entry(name, text, new ProfileDocument(id, origin, data, Map.copyOf(lines))));
        }
        return entries;
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String string(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The types YAML's standard constructor gives for the values profiles use. */
    private static void value(DataOutputStream out, Object v) throws IOException {
        if (v == null) {
            out.writeByte('N');
        } else if (v instanceof String s) {
            out.writeByte('S');
            string(out, s);
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? 'T' : 'F');
        } else if (v instanceof Integer i) {
            out.writeByte('I');
            out.writeInt(i);
        } else if (v instanceof Long l) {
            out.writeByte('L');
            out.writeLong(l);
        } else if (v instanceof BigInteger b) {
            out.writeByte('G');
            string(out, b.toString());
        } else if (v instanceof Double d) {
            out.writeByte('D');
            out.writeDouble(d);
        } else if (v instanceof Map<?, ?> m) {
            out.writeByte('M');
            out.writeInt(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                value(out, e.getKey());
                value(out, e.getValue());
            }
        } else if (v instanceof List<?> l) {
            out.writeByte('A');
            out.writeInt(l.size());
            for (Object item : l) {
                value(out, item);
            }
        } else {
            throw new IllegalArgumentException("a value of type " + v.getClass().getName()
                    + " cannot be stored in the profile snapshot");
        }
    }

    private static Object value(DataInputStream in) throws IOException {
        int tag = in.readByte();
        switch (tag) {
            case 'N':
                return null;
            case 'S':
                return string(in);
            case 'T':
                return Boolean.TRUE;
            case 'F':
                return Boolean.FALSE;
            case 'I':
                return in.readInt();
            case 'L':
                return in.readLong();
            case 'G':
                return new BigInteger(string(in));
            case 'D':
                return in.readDouble();
            case 'M': {
                int n = in.readInt();
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    Object key = value(in);
                    m.put(key, value(in));
                }
                return m;
            }
            case 'A': {
                int n = in.readInt();
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(value(in));
                }
                return l;
            }
            default:
                throw new IOException("bad tag " + tag + " in the profile snapshot");
        }
    }
}
