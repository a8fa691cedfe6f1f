package org.xenproject.eliloader.toolstack.xenapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testpeers.XapiTestServer;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * eliloader runs at every VM start, so a run on the local store must not load the XenAPI
 * client, the XML-RPC codec or the StAX parser. Checked in a fresh JVM with class-load logging,
 * with a XenAPI run as the control that the check can see those classes.
 */
class XenApiClassLoadingTest {
    @TempDir
    Path dir;

    private List<String> loadedClasses(Map<String, String> environment) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve("classes-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-cp", classPath, "org.xenproject.eliloader.cli.Main",
                "-q", "--vm", VmStoreFixture.VM, "--output-directory=" + dir.resolve("out"),
                dir.resolve("disk.img").toString());
        builder.environment().put("ELILOADER_CONFIG", "/nonexistent/eliloader.conf");
        builder.environment().put("ELILOADER_CACHE_DIR", dir.resolve("cache").toString()); // not the host's
        builder.environment().put("ELILOADER_SYSLOG", "0");
        builder.environment().remove("ELILOADER_VM_STORE");
        builder.environment().remove("ELILOADER_XAPI");
        builder.environment().put("ELILOADER_FILE_ROOTS", ProjectPaths.trees().toString());
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("run.out").toFile());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("run.out"))).isZero();
        return Files.readAllLines(log);
    }

    private static VmStoreFixture fixture() {
        return VmStoreFixture.vm().other("install-repository",
                ProjectPaths.trees().resolve("rhel5").toUri().toString());
    }

    @Test
    void aLocalStoreRunLoadsNoXenApiNoXmlRpcAndNoStax() throws Exception {
        Path store = fixture().writeTo(dir.resolve("vms.json"));
        List<String> classes = loadedClasses(Map.of("ELILOADER_VM_STORE", store.toString()));
        assertThat(classes).anyMatch(line -> line.contains("org.xenproject.eliloader.toolstack.local.LocalJsonStore "));
        assertThat(classes).noneMatch(line -> line.contains("org.xenproject.eliloader.toolstack.xenapi."))
                .noneMatch(line -> line.contains("org.xenproject.eliloader.xmlrpc."))
                .noneMatch(line -> line.contains("javax.xml.stream."));
    }

    @Test
    void aXenApiRunLoadsThem() throws Exception {
        try (XapiTestServer server = XapiTestServer.start(dir.resolve("xapi"))
                .load(fixture().writeTo(dir.resolve("vms.json")))) {
            List<String> classes = loadedClasses(Map.of("ELILOADER_XAPI", server.socketPath().toString()));
            assertThat(classes).anyMatch(line -> line.contains("org.xenproject.eliloader.toolstack.xenapi.XenApiToolstack "))
                    .anyMatch(line -> line.contains("org.xenproject.eliloader.xmlrpc.XmlRpc "))
                    .noneMatch(line -> line.contains("org.xenproject.eliloader.toolstack.local.LocalJsonStore "))
                    .noneMatch(line -> line.contains("okhttp3.")); // the socket needs no HTTP library
            assertThat(server.vm(VmStoreFixture.VM)).containsEntry("PV_bootloader", "pygrub");
        }
    }
}
