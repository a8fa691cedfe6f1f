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
        PublishedChecksums checksums = PublishedChecksums.of(context);
        InstallSource source = context.source();
        org.xenproject.eliloader.cache.BootFileCache cache = CachedFetch.open(context);
        Path kernelFile = context.handover().create("boot_kernel.");
        BoundedCopy.Expected kernelSum = checksums.forPath(chosen.kernel()).orElse(null);
        Callable<FetchedFile> kernel = () -> CachedFetch.fetch(cache, source, chosen.kernel(), "kernel",
                context.limits().kernel(), kernelFile, kernelSum, false);
        if (chosen.ramdisk() == null) {
            return Produced.files(call(kernel), null, chosen.how());
        }
        // MD5s only when something looks them up: the profile's vendor initrds or a map file
        boolean md5 = !context.profile().vendorInitrds().isEmpty() || !context.initrdFixups().entries().isEmpty();
        Path ramdiskFile = context.handover().create("boot_ramdisk.");
        BoundedCopy.Expected ramdiskSum = checksums.forPath(chosen.ramdisk()).orElse(null);
        Callable<FetchedFile> initrd = () -> CachedFetch.fetch(cache, source, chosen.ramdisk(), "initrd",
                context.limits().ramdisk(), ramdiskFile, ramdiskSum, md5);
        FetchedFile fetchedKernel;
        FetchedFile ramdisk;
        if (source.readsConcurrently()) {
            // the kernel on a second thread while the initrd streams in on this one; a failure
            // is reported as when they are fetched in turn: the kernel's first
            BackgroundTask<FetchedFile> kernelTask = BackgroundTask.start("eliloader-kernel", "fetching the kernel",
                    kernel);
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
            fetchedKernel = call(kernel);
            ramdisk = call(initrd);
        }
        if (!context.profile().vendorInitrds().isEmpty()) {
            vendorInitrd(context.profile(), ramdisk.md5())
                    .ifPresent(name -> Log.info("the initrd is the vendor's " + name + " (md5 " + ramdisk.md5() + ")"));
        }
        return Produced.files(fetchedKernel, ramdisk, chosen.how());
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
