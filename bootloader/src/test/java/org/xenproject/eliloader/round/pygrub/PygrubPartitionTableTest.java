package org.xenproject.eliloader.round.pygrub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.jr.ob.JSON;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.DiskImages;
import org.xenproject.eliloader.testsupport.RealPeers;

/** The partition table reader, checked against what {@code sfdisk --json} reads from the same images. */
class PygrubPartitionTableTest {
    @TempDir
    Path dir;

    @RealPeers
    @Test
    void wholeDiskFilesystemHasNoPartitions() throws IOException {
        Path image = DiskImages.ext3(dir.resolve("raw.img"), DiskImages.files().file("/a", "b"), 8);
        assertThat(PartitionTable.read(image)).isEmpty();
    }

    @RealPeers
    @Test
    void primaryPartitionsInTableOrder() throws IOException {
        Path image = sfdisk("dos.img", 64, "label: dos\nstart=2048, size=8M, type=82\nstart=18432, size=16M, type=83\n"
                + "size=8M, type=83\n");
        List<PartitionTable.Partition> parts = PartitionTable.read(image);
        assertThat(parts).extracting(PartitionTable.Partition::number).containsExactly(1, 2, 3);
        assertThat(parts).extracting(PartitionTable.Partition::type).containsExactly("82", "83", "83");
        assertThat(starts(parts)).isEqualTo(sfdiskStarts(image));
        assertThat(parts.get(1).offset()).isEqualTo(18432L * 512);
        assertThat(parts.get(1).size()).isEqualTo(16L << 20);
    }

    @RealPeers
    @Test
    void logicalPartitionsFollowThePrimaries() throws IOException {
        // logical partitions are named in sfdisk scripts (DEVICE5 :), else lines fill the primary slots
        Path image = sfdisk("ext.img", 64, "label: dos\nstart=2048, size=8M, type=83\nstart=18432, size=40M, type=5\n"
                + "ext.img5 : size=8M, type=83\next.img6 : size=8M, type=82\next.img7 : size=8M, type=83\n");
        List<PartitionTable.Partition> parts = PartitionTable.read(image);
        assertThat(parts).extracting(PartitionTable.Partition::number).containsExactly(1, 5, 6, 7);
        assertThat(parts).extracting(PartitionTable.Partition::type).containsExactly("83", "83", "82", "83");
        // sfdisk lists the extended container as well; pygrub cannot boot from it
        List<Long> fromSfdisk = sfdiskStarts(image);
        fromSfdisk.remove(Long.valueOf(18432L * 512));
        assertThat(starts(parts)).isEqualTo(fromSfdisk);
    }

    @RealPeers
    @Test
    void gptEntries() throws IOException {
        DiskImages.Disk disk = DiskImages.partitionedGpt(dir.resolve("gpt.img"), DiskImages.Part.swap(4),
                DiskImages.Part.ext3(8, DiskImages.files().file("/boot/vmlinuz-xen", "k")));
        List<PartitionTable.Partition> parts = PartitionTable.read(disk.image());
        assertThat(starts(parts)).isEqualTo(disk.offsets()).isEqualTo(sfdiskStarts(disk.image()));
        assertThat(parts.get(1).type()).isEqualTo("0fc63daf-8483-4772-8e79-3d69d8477de4"); // Linux filesystem
    }

    @RealPeers
    @Test
    void partitionedDiskImagesHaveTheirFilesystemsWhereTheTableSays() throws IOException {
        DiskImages.Disk disk = DiskImages.partitioned(dir.resolve("p.img"), DiskImages.Part.swap(4),
                DiskImages.Part.ext3(8, DiskImages.files().file("/x", "y")));
        assertThat(PartitionTable.offsets(disk.image())).isEqualTo(disk.offsets());
        try (RandomAccessFile file = new RandomAccessFile(disk.image().toFile(), "r")) {
            file.seek(disk.offsets().get(1) + 1024 + 56); // ext2/3/4 superblock magic
            assertThat(Short.reverseBytes(file.readShort())).isEqualTo((short) 0xEF53);
        }
    }

    @Test
    void truncatedDiskIsAnError() throws IOException {
        Path image = dir.resolve("short.img");
        Files.write(image, new byte[100]);
        assertThatThrownBy(() -> PartitionTable.read(image)).isInstanceOf(IOException.class);
    }

    @Test
    void bootSectorWithoutATableHasNoPartitions() throws IOException {
        Path image = dir.resolve("bootsector.img");
        byte[] sector = new byte[4096];
        sector[446] = 0x13; // not a status byte: boot code, not a partition entry
        sector[510] = 0x55;
        sector[511] = (byte) 0xaa;
        Files.write(image, sector);
        assertThat(PartitionTable.read(image)).isEmpty();
    }

    private Path sfdisk(String name, long sizeMiB, String script) throws IOException {
        Path image = dir.resolve(name);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(sizeMiB << 20);
        }
        run(script, "/usr/sbin/sfdisk", "-q", image.toString());
        return image;
    }

    private static List<Long> starts(List<PartitionTable.Partition> parts) {
        return new ArrayList<>(parts.stream().map(PartitionTable.Partition::offset).toList());
    }

    @SuppressWarnings("unchecked")
    private static List<Long> sfdiskStarts(Path image) throws IOException {
        Map<String, Object> json = JSON.std.mapFrom(run(null, "/usr/sbin/sfdisk", "--json", image.toString()));
        List<Long> starts = new ArrayList<>();
        for (Object p : (List<Object>) ((Map<String, Object>) json.get("partitiontable")).get("partitions")) {
            starts.add(((Number) ((Map<String, Object>) p).get("start")).longValue() * 512);
        }
        return starts;
    }

    private static String run(String input, String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
