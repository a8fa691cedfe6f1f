package org.xenproject.eliloader.source;

import java.nio.file.Path;

import org.xenproject.eliloader.source.SourceFixtures.WorkDir;

/** The contract on {@code https://} against nginx, verified with the test CA as --ca-file. */
@org.xenproject.eliloader.testsupport.RealPeers
class HttpsSourceContractTest extends ResumingSourceContract {
    @Override
    protected Backend start(Path tree, WorkDir work) {
        return HttpSourceContractTest.nginx(tree, work, true);
    }
}
