package org.xenproject.eliloader.source.iso;

import java.nio.file.Path;

import org.xenproject.eliloader.source.InstallSourceContract;
import org.xenproject.eliloader.source.SourceFixtures;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.source.SourceOptions;

/** The contract on {@code cdrom}: the tree made into an ISO image (xorriso, Rock Ridge) as the boot disk. */
@org.xenproject.eliloader.testsupport.RealPeers
class IsoSourceContractTest extends InstallSourceContract {
    @Override
    protected boolean cached() {
        return false;
    }

    @Override
    protected Backend start(Path tree, WorkDir work) throws Exception {
        Path image = TestImages.make(TestImages.Maker.XORRISO_ROCK_RIDGE_JOLIET, tree, work.resolve("tree.iso"));
        return new Backend() {
            @Override
            public String repository() {
                return "cdrom";
            }

            @Override
            public SourceOptions options() {
                return SourceFixtures.quickOptions().withBootDisk(image);
            }

            @Override
            public void close() {
            }
        };
    }
}
