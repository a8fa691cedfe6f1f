package org.xenproject.eliloader.source;

import java.nio.file.Path;
import java.util.List;

import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.NginxPeer;

/**
 * The contract on {@code http://} against nginx; the big file is sent at 2 MB/s so that killing
 * the worker breaks it midway. The URL carries a password nginx never asks for: it must still
 * never show.
 */
@org.xenproject.eliloader.testsupport.RealPeers
class HttpSourceContractTest extends ResumingSourceContract {
    static final String PASSWORD = "Web-Secret-7";

    /** nginx serving the tree, the big file throttled; shared by the https subclass. */
    static Backend nginx(Path tree, WorkDir work, boolean tls) {
        NginxPeer nginx = NginxPeer.serve(tree, work.resolve("peer"), tls, "location /big/ { limit_rate 2m; }\n");
        return new Backend() {
            @Override
            public String repository() {
                String url = tls ? nginx.httpsUrl("") : nginx.url("");
                return url.replace("://", "://webuser:" + PASSWORD + "@");
            }

            @Override
            public SourceOptions options() {
                return tls ? SourceFixtures.quickOptions().withCaFile(nginx.caCert()) : SourceFixtures.quickOptions();
            }

            @Override
            public String password() {
                return PASSWORD;
            }


            @Override
            public void dropConnections() {
                List<ProcessHandle> workers = nginx.workers();
                if (workers.isEmpty()) {
                    throw new IllegalStateException("nginx has no workers to kill");
                }
                workers.forEach(ProcessHandle::destroyForcibly);
            }

            @Override
            public String requestLog() {
                return read(nginx.accessLog());
            }

            @Override
            public String refusedRepository(int port) {
                return (tls ? "https" : "http") + "://webuser:" + PASSWORD + "@127.0.0.1:" + port + "/tree";
            }

            @Override
            public void close() {
                nginx.close();
            }
        };
    }

    @Override
    protected Backend start(Path tree, WorkDir work) {
        return nginx(tree, work, false);
    }
}
