package org.xenproject.eliloader.source.iso;

import java.nio.file.Path;

import org.xenproject.eliloader.guest.GuestUser;
import org.xenproject.eliloader.source.InstallSourceContract;
import org.xenproject.eliloader.source.SourceFixtures;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.source.SourceOptions;

/**
 * The contract on {@code cdrom} read deprivileged: the same ISO image, read by the ISO reader in
 * a child running as uid 65534 ({@link GuestIsoSource}); every answer of the contract must be
 * the same as in-process. Needs root (setpriv).
 */
@org.xenproject.eliloader.testsupport.RealPeers
class GuestIsoSourceContractTest extends InstallSourceContract {
    static final GuestUser NOBODY = new GuestUser(65534, 65534, "test");

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
                return SourceFixtures.quickOptions().withBootDisk(image).withGuestReader(() -> NOBODY);
            }

            @Override
            public void close() {
            }
        };
    }
}
