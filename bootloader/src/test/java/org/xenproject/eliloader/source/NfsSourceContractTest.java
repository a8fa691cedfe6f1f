package org.xenproject.eliloader.source;

import java.nio.file.Path;

import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.GaneshaPeer;

/**
 * The contract on NFSv3 against nfs-ganesha (inside the tests' network namespace:
 * scripts/with-test-netns). NFS reads are stateless calls, retried on their own: there is no
 * transfer to resume. The refused connection is the NFS port itself (the portmapper answers).
 */
@org.xenproject.eliloader.testsupport.RealPeers
class NfsSourceContractTest extends NetworkSourceContract {
    @Override
    protected boolean cached() {
        return false;
    }

    @Override
    protected Backend start(Path tree, WorkDir work) {
        GaneshaPeer nfs = GaneshaPeer.start(tree);
        return new Backend() {
            @Override
            public String repository() {
                return nfs.url();
            }

            @Override
            public String refusedRepository(int port) {
                return "nfs://" + GaneshaPeer.HOST + ":" + port + GaneshaPeer.EXPORT;
            }

            @Override
            public void close() {
                nfs.close();
            }
        };
    }
}
