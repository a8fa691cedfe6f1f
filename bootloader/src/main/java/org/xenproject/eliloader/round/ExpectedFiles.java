package org.xenproject.eliloader.round;

import java.io.IOException;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.source.Attempts;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.TreePath;

/**
 * The profile's {@code expect-files}: files the tree must have before anything is fetched, such
 * as the {@code Release} file of the suite {@code debian-release} names. A missing one is
 * {@code UNSUPPORTED_INSTALL_METHOD} with the profile's sentence, instead of a bare 404 on a
 * kernel further down. A file the run's metadata cache already found costs no request. Round 1 only: later rounds do not read the tree.
 */
final class ExpectedFiles {
    private ExpectedFiles() {
    }

    static void check(InstallContext context) {
        if (context.settings().round() != 1) {
            return;
        }
        for (Profile.ExpectedFile expected : context.profile().expectFiles()) {
            String path = context.expand(expected.path());
            boolean present;
            try {
                // a file detection already read is there: no second request for it
                present = TreePath.isValid(path)
                        && (context.tree().found().contains(path) || context.tree().source().exists(path));
            } catch (IOException e) {
                throw Attempts.cannotFetch(context.tree().source().describe(path), e);
            }
            if (!present) {
                throw BootloaderException.unsupportedInstallMethod(Repository.maskAll(context.expand(expected.otherwise())));
            }
        }
    }
}
