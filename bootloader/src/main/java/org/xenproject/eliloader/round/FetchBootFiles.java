package org.xenproject.eliloader.round;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.xenproject.eliloader.concurrent.BackgroundTask;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.profile.Profile.BootFiles;
import org.xenproject.eliloader.profile.TreeMetadata;
import org.xenproject.eliloader.source.InstallSource;

/**
 * Copies the installer kernel and initrd from the tree into the output directory. A profile may
 * list several layouts (paths, or a {@code .treeinfo} section naming them); the first that suits
 * the arch and whose kernel exists wins (asked only when there is a choice, and then only when the
 * tree's checksum lists name none of the candidates: else the first they name). Each file is checked
 * against the checksum the tree publishes for it, if any, while it streams, or, when it comes
 * from the host-wide cache ({@link CachedFetch}), once handed over.
 */
public final class FetchBootFiles implements RoundAction {
    public static final String NAME = "fetch-boot-files";

    /** A layout resolved to paths in the tree. */
    public record Chosen(String kernel, String ramdisk, String how) { }

    @Override
    public Produced run(InstallContext context, Produced soFar) {
        Chosen chosen = choose(context);
        InstallSource source = context.source();
        PublishedSums sums = PublishedSums.of(PublishedChecksums.of(context), chosen, source.readsConcurrently());
        org.xenproject.eliloader.cache.BootFileCache cache = CachedFetch.open(context);
        Path kernelFile = context.handover().create("boot_kernel.");
        Callable<FetchedFile> kernel = () -> CachedFetch.fetch(cache, source, chosen.kernel(), "kernel",
                context.limits().kernel(), kernelFile, sums::kernel, false);
        if (chosen.ramdisk() == null) {
            sums.start();
            return Produced.files(call(kernel), null, chosen.how());
        }
        // MD5s only when something looks them up: the profile's vendor initrds or a map file
        boolean md5 = !context.profile().vendorInitrds().isEmpty() || !context.initrdFixups().entries().isEmpty();
        Path ramdiskFile = context.handover().create("boot_ramdisk.");
        Callable<FetchedFile> initrd = () -> CachedFetch.fetch(cache, source, chosen.ramdisk(), "initrd",
                context.limits().ramdisk(), ramdiskFile, sums::ramdisk, md5);
        FetchedFile fetchedKernel;
        FetchedFile ramdisk;
        if (source.readsConcurrently()) {
            // the kernel on a second thread while the initrd streams in on this one; a failure
            // is reported as when they are fetched in turn: the kernel's first
            BackgroundTask<FetchedFile> kernelTask = BackgroundTask.start("eliloader-kernel", "fetching the kernel",
                    kernel);
            sums.start(); // after the boot files' requests, which then take the connection already open
            RuntimeException initrdFailure = null;
            FetchedFile fetched = null;
            try {
                fetched = call(initrd);
            } catch (RuntimeException e) {
                initrdFailure = e;
            }
            fetchedKernel = kernelTask.join();
            if (initrdFailure != null) {
                throw initrdFailure;
            }
            ramdisk = fetched;
        } else {
            sums.start();
            fetchedKernel = call(kernel);
            ramdisk = call(initrd);
        }
        if (!context.profile().vendorInitrds().isEmpty()) {
            vendorInitrd(context.profile(), ramdisk.md5())
                    .ifPresent(name -> Log.info("the initrd is the vendor's " + name + " (md5 " + ramdisk.md5() + ")"));
        }
        return Produced.files(fetchedKernel, ramdisk, chosen.how());
    }

    /**
     * The checksums the tree publishes for the chosen kernel and initrd. From a source that serves
     * requests at once (http) the lists are read on a third thread while the boot files' requests
     * go out, and each copy takes its checksum when its response has arrived, before its first
     * byte: over a 40 ms link that saves a round trip or two per run, and a verified file still
     * streams through its digest. The lists are read in the profile's order, the next only when
     * one does not name the file, as when read in turn; a list that cannot be read fails the
     * fetch that waits for it, with the list's own error.
     */
    private static final class PublishedSums {
        private record Both(BoundedCopy.Expected kernel, BoundedCopy.Expected ramdisk) { }

        private final BackgroundTask<Both> reading;
        private final boolean concurrently;

        private PublishedSums(BackgroundTask<Both> reading, boolean concurrently) {
            this.reading = reading;
            this.concurrently = concurrently;
        }

        static PublishedSums of(PublishedChecksums checksums, Chosen chosen, boolean concurrently) {
            return new PublishedSums(BackgroundTask.prepare("eliloader-checksums", "reading the checksum lists",
                    () -> new Both(checksums.forPath(chosen.kernel()).orElse(null), chosen.ramdisk() == null ? null
                            : checksums.forPath(chosen.ramdisk()).orElse(null))), concurrently);
        }

        /** Reads the lists: on a thread of their own, or now. */
        void start() {
            if (concurrently) {
                reading.start();
            } else {
                reading.runHere();
                reading.join(); // a list that cannot be read fails the round before any boot file is asked for
            }
        }

        BoundedCopy.Expected kernel() {
            return reading.join().kernel();
        }

        BoundedCopy.Expected ramdisk() {
            return reading.join().ramdisk();
        }
    }

    /** Runs a fetch (which reports failures as unchecked {@link BootloaderException}s). */
    private static FetchedFile call(Callable<FetchedFile> fetch) {
        try {
            return fetch.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw BootloaderException.internal("unexpected failure: " + e, e);
        }
    }

    /** The vendor initrd a profile recognises by this MD5, if any. */
    public static Optional<String> vendorInitrd(Profile profile, String md5) {
        return profile.vendorInitrds().stream().filter(v -> v.md5().equalsIgnoreCase(md5))
                .map(Profile.VendorInitrd::name).findFirst();
    }

    /** The kernels of the path layouts (not {@code .treeinfo} sections), as the run names them. */
    private static List<String> pathLayouts(InstallContext context, List<BootFiles> layouts) {
        return layouts.stream().filter(l -> !l.fromTreeinfo()).map(l -> context.expand(l.kernel()))
                .filter(k -> !k.isBlank()).toList();
    }

    /** The layout this run uses: the first that suits the arch and is present in the tree. */
    public static Chosen choose(InstallContext context) {
        String arch = context.expand("${arch}");
        List<BootFiles> layouts = context.profile().bootFiles(context.settings().isCdrom()).stream()
                .filter(l -> l.suits(arch)).toList();
        if (layouts.isEmpty()) {
            throw BootloaderException.invalidSource("The profile " + context.profile().id()
                    + " names no installer kernel for " + arch + (context.settings().isCdrom() ? " CD" : "")
                    + " installs.");
        }
        List<String> tried = new ArrayList<>();
        Optional<String> listed = Optional.empty();
        boolean listsAsked = false;
        for (BootFiles layout : layouts) {
            if (layout.fromTreeinfo()) {
                String section = context.expand(layout.treeinfoSection());
                Optional<TreeMetadata.Ini> treeinfo = TreeMetadata.treeinfo(context.tree());
                Map<String, String> keys = treeinfo.map(t -> t.section(section)).orElse(Map.of());
                String kernel = keys.get("kernel");
                if (kernel != null && !kernel.isBlank()) {
                    String initrd = keys.get("initrd");
                    return new Chosen(PublishedChecksums.normalize(kernel),
                            initrd == null || initrd.isBlank() ? null : PublishedChecksums.normalize(initrd),
                            "treeinfo [" + section + "]");
                }
                tried.add("treeinfo [" + section + "]");
                continue;
            }
            String kernel = context.expand(layout.kernel());
            String ramdisk = layout.ramdisk() == null ? null : context.expand(layout.ramdisk());
            if (ramdisk != null && ramdisk.isBlank()) {
                ramdisk = null; // e.g. ${install-ramdisk} when the template names no initrd
            }
            if (kernel.isBlank()) {
                throw BootloaderException.invalidSource("The profile " + context.profile().id()
                        + " gives an empty kernel path (" + layout.kernel() + "); is other-config:install-kernel set?");
            }
            boolean last = layout == layouts.get(layouts.size() - 1);
            if (last && tried.isEmpty()) {
                return new Chosen(kernel, ramdisk, "the profile's only layout");
            }
            if (!listsAsked) {
                // the checksum lists the fetch reads anyway name the tree's boot files: the first
                // layout whose kernel they name is taken without a HEAD per candidate
                listsAsked = true;
                listed = PublishedChecksums.of(context).firstListed(pathLayouts(context, layouts));
            }
            if (listed.isPresent()) {
                if (listed.get().equals(kernel)) {
                    Log.info("layout " + kernel + ": the first the tree's checksum list names");
                    return new Chosen(kernel, ramdisk, kernel);
                }
                tried.add(context.source().describe(kernel) + " (not in the checksum list)");
                continue;
            }
            try {
                if (context.source().exists(kernel)) {
                    return new Chosen(kernel, ramdisk, kernel);
                }
            } catch (IOException e) {
                throw BootloaderException.invalidSource("Cannot read " + context.source().describe(kernel)
                        + ": " + e.getMessage(), e);
            }
            tried.add(context.source().describe(kernel));
        }
        throw BootloaderException.invalidSource("The repository has no installer kernel; tried " + String.join(", ", tried) + ".");
    }
}
