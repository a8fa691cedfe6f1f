package org.xenproject.eliloader.source;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.SambaPeer;

/**
 * The contract on {@code smb://} against Samba, as {@code DOMAIN;USER} with the password in the
 * URL; killing the connection's smbd breaks the next read.
 */
@org.xenproject.eliloader.testsupport.RealPeers
class SmbSourceContractTest extends ResumingSourceContract {
    @Override
    protected Backend start(Path tree, WorkDir work) {
        SambaPeer smb = SambaPeer.serve(tree, work.resolve("peer"));
        String password = URLEncoder.encode(SambaPeer.PASSWORD, StandardCharsets.UTF_8).replace("+", "%20");
        return new Backend() {
            @Override
            public String repository() {
                return smb.userUrl("").replace(SambaPeer.USER + "@", SambaPeer.USER + ":" + password + "@");
            }

            @Override
            public String password() {
                return SambaPeer.PASSWORD;
            }


            @Override
            public void dropConnections() {
                List<ProcessHandle> connections = smb.connectionProcesses();
                if (connections.isEmpty()) {
                    throw new IllegalStateException("smbd serves no connection to kill");
                }
                connections.forEach(ProcessHandle::destroyForcibly);
            }

            @Override
            public String refusedRepository(int port) {
                return "smb://" + SambaPeer.DOMAIN + ";" + SambaPeer.USER + ":" + password + "@127.0.0.1:" + port
                        + "/" + SambaPeer.USER_SHARE + "/tree";
            }

            @Override
            public void close() {
                smb.close();
            }
        };
    }
}
