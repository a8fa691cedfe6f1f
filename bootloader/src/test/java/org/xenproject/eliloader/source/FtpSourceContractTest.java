package org.xenproject.eliloader.source;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.VsftpdPeer;

/**
 * The contract on {@code ftp://} against vsftpd, logging in as a user whose password is in the
 * URL; transfers are throttled to 3 MB/s so that killing the session breaks one midway.
 */
@org.xenproject.eliloader.testsupport.RealPeers
class FtpSourceContractTest extends ResumingSourceContract {
    @Override
    protected Backend start(Path tree, WorkDir work) {
        VsftpdPeer ftp = VsftpdPeer.serve(tree, work.resolve("peer"), 3L << 20);
        String password = URLEncoder.encode(VsftpdPeer.PASSWORD, StandardCharsets.UTF_8).replace("+", "%20");
        return new Backend() {
            @Override
            public String repository() {
                return "ftp://" + VsftpdPeer.USER + ":" + password + "@127.0.0.1:" + ftp.port() + "/";
            }

            @Override
            public String password() {
                return VsftpdPeer.PASSWORD;
            }


            @Override
            public void dropConnections() {
                List<ProcessHandle> sessions = ftp.sessionProcesses();
                if (sessions.isEmpty()) {
                    throw new IllegalStateException("vsftpd has no session to kill");
                }
                sessions.forEach(ProcessHandle::destroyForcibly);
            }

            @Override
            public String requestLog() {
                return ftp.log();
            }

            @Override
            public String refusedRepository(int port) {
                return "ftp://" + VsftpdPeer.USER + ":" + password + "@127.0.0.1:" + port + "/tree";
            }

            @Override
            public void close() {
                ftp.close();
            }
        };
    }
}
