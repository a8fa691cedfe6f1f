package org.xenproject.eliloader.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.guest.GuestReader;
import org.xenproject.eliloader.round.pygrub.PartitionTable;
import org.xenproject.eliloader.source.iso.IsoServer;

/**
 * {@code eliloader guest-read KIND DISK-NAME}, the child side of {@link GuestReader}: reads the
 * guest disk its parent opened as standard input, as whatever unprivileged user it was started
 * as, and prints {@code uid N} then its findings. {@code partitions}: one
 * {@code partition NUMBER OFFSET SIZE TYPE} line each. {@code iso}: serves the CD image on the
 * unix socket SOCKET ({@code IsoServer}). DISK-NAME is for messages only.
 */
final class GuestReadCommand {
    private GuestReadCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        if (args.size() == 3 && args.get(0).equals("iso")) {
            // serves the CD image until the parent closes it (or ends)
            try {
                return IsoServer.serve(Path.of(args.get(1)), new FileInputStream(FileDescriptor.in).getChannel(),
                        Path.of(args.get(2)), "uid " + GuestReader.ownUid(), out);
            } catch (IOException e) {
                throw BootloaderException.internal("The CD reader cannot serve: " + e.getMessage(), e);
            }
        }
        if (args.size() != 2 || !args.get(0).equals("partitions")) {
            throw BootloaderException.usage("guest-read is internal: guest-read partitions|iso DISK-NAME [SOCKET]");
        }
        String name = args.get(1);
        StringBuilder found = new StringBuilder("uid " + GuestReader.ownUid() + "\n");
        // the parent opened the disk (as root) and handed it over as standard input; positional reads work on it
        try (FileChannel disk = new FileInputStream(FileDescriptor.in).getChannel()) {
            for (PartitionTable.Partition p : PartitionTable.read(disk)) {
                found.append("partition ").append(p.number()).append(' ').append(p.offset()).append(' ')
                        .append(p.size()).append(' ').append(p.type()).append('\n');
            }
        } catch (IOException e) {
            throw BootloaderException.invalidSource("Cannot read the partition table of " + name + ": " + e.getMessage(),
                    e);
        }
        out.print(found);
        out.flush();
        return 0;
    }
}
