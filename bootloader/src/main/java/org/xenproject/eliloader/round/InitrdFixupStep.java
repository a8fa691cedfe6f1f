package org.xenproject.eliloader.round;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.files.NewFile;
import org.xenproject.eliloader.initrd.InitrdFixups;
import org.xenproject.eliloader.initrd.MapEntry;
import org.xenproject.eliloader.log.Log;

/**
 * After a round has its initrd: when a map file of the guest-installer directory names the
 * initrd's MD5, the mapped overlay is applied and the patched initrd is handed over instead of
 * the vendor's. The map files are the opt-in (packages drop them), so this runs for every
 * profile, like the original's tweak of every fetched initrd. When there are map entries, the MD5
 * was computed while the initrd streamed in, so recognising it costs no second read; without
 * any, no MD5 is computed at all.
 */
final class InitrdFixupStep {
    private InitrdFixupStep() {
    }

    /** Gives a file that has other names (a hard link into the cache) bytes of its own, by copy and rename. */
    static void unshare(Path file) {
        try {
            Object links = Files.getAttribute(file, "unix:nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (links instanceof Integer n && n > 1) {
                Path copy = NewFile.create(file.getParent(), file.getFileName() + ".", ".copy");
                try {
                    Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(copy);
                }
            }
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot copy the initrd " + file
                    + " before patching it: " + e.getMessage(), e);
        }
    }

    /** The round's initrd, patched when a map entry names it; else the initrd as fetched. */
    static FetchedFile apply(InstallContext context, FetchedFile vendor) {
        if (vendor == null) {
            return null;
        }
        InitrdFixups fixups = context.initrdFixups();
        if (fixups.entries().isEmpty()) {
            return vendor;
        }
        String md5 = vendor.md5();
        Optional<MapEntry> entry = fixups.lookup(md5);
        if (entry.isEmpty()) {
            return vendor;
        }
        Log.info("patching the initrd (md5 " + md5 + ") with " + entry.get().overlay() + " ("
                + entry.get().mode() + ", " + entry.get().origin() + ")");
        // the fetched file is the run's own: an appended overlay goes on its end, without a copy;
        // unless it is another name of the cache's bytes (a hard link), which must stay as they are
        unshare(vendor.path());
        if (fixups.appendInPlace(entry.get(), vendor.path(), context.limits().ramdisk(),
                InitrdFixups.DEFAULT_DECOMPRESSED_LIMIT)) {
            try {
                return new FetchedFile(vendor.path(), Files.size(vendor.path()), md5, vendor.source(),
                        vendor.verification());
            } catch (IOException e) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot read the patched initrd "
                        + vendor.path() + ": " + e.getMessage(), e);
            }
        }
        Path patched = fixups.apply(entry.get(), vendor.path(), vendor.path().getParent(),
                context.limits().ramdisk(), InitrdFixups.DEFAULT_DECOMPRESSED_LIMIT);
        context.handover().adopt(patched);
        context.handover().discard(vendor.path());
        try {
            return new FetchedFile(patched, Files.size(patched), md5, vendor.source(), vendor.verification());
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot read the patched initrd " + patched
                    + ": " + e.getMessage(), e);
        }
    }
}
