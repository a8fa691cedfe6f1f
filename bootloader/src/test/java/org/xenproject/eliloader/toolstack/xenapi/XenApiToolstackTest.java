package org.xenproject.eliloader.toolstack.xenapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.testpeers.Tls;
import org.xenproject.eliloader.testpeers.XapiTestServer;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.Toolstack;
import org.xenproject.eliloader.toolstack.ToolstackFactory;
import org.xenproject.eliloader.toolstack.VmRecord;

/** What only the XenAPI backend has: endpoints, sessions, credentials, TLS and xapi's failures. */
class XenApiToolstackTest {
    private static final String VM = VmStoreFixture.VM;
    private static final String PASSWORD = "Corr3ct-H0rse";

    @TempDir
    Path dir;
    private XapiTestServer server;

    @BeforeEach
    void start() {
        Path store = VmStoreFixture.vm().other("install-repository", "http://mirror/x").other("install-round", "1")
                .disk("1", false).vbdField("1", "currently_attached", true)
                .secret("secret-1", "s3cret")
                .writeTo(dir.resolve("vms.json"));
        server = XapiTestServer.start(dir.resolve("xapi")).load(store).requireLogin("root", PASSWORD);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Settings settings(Map<String, String> environment) {
        return Settings.resolve(Map.of(), environment, dir.resolve("no-such.conf"));
    }

    private Toolstack onSocket() {
        return ToolstackFactory.open(settings(Map.of("ELILOADER_XAPI", server.socketPath().toString())));
    }

    private Path credentials(String user, String password, String mode) throws IOException {
        Path file = dir.resolve("credentials-" + mode);
        Files.writeString(file, user + "\n" + password + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static BootloaderException failure(Runnable r) {
        try {
            r.run();
        } catch (BootloaderException e) {
            return e;
        }
        throw new AssertionError("expected a BootloaderException");
    }

    // ---------------------------------------------------------------- the local socket

    @Test
    void logsInAsEliloaderWithEmptyCredentialsAndLogsOutOnClose() {
        try (Toolstack toolstack = onSocket()) {
            assertThat(server.liveSessions()).isEqualTo(1);
            assertThat(toolstack.describe()).isEqualTo("xapi on the unix socket " + server.socketPath());
            VmRecord vm = toolstack.readVm(VM);
            assertThat(vm.otherConfig()).containsEntry("install-round", "1");
        }
        assertThat(server.liveSessions()).isZero();
        assertThat(server.logins()).singleElement().satisfies(login -> {
            assertThat(login.user()).isEmpty();
            assertThat(login.version()).isEqualTo("1.0");
            assertThat(login.originator()).isEqualTo("eliloader");
        });
        assertThat(server.calls().get(0).params()).containsExactly("", "(password)", "1.0", "eliloader");
        assertThat(server.methods()).last().isEqualTo("session.logout");
    }

    @Test
    void theEndpointComesFromTheOptionTheVariableOrTheConfigFile() throws IOException {
        String socket = server.socketPath().toString();
        Path conf = dir.resolve("eliloader.conf");
        Files.writeString(conf, "# test\nxapi = " + socket + "\n");
        Map<String, String> viaFile = Map.of("ELILOADER_CONFIG", conf.toString());
        Map<String, String> viaVariable = Map.of("ELILOADER_XAPI", socket);
        String unknown = "00000000-0000-0000-0000-00000000000f";
        for (Run run : List.of(
                Run.of(Map.of(), List.of("-q", "--vm", unknown, "--xapi=" + socket, "--output-directory=" + dir, "d")),
                Run.of(Map.of(), List.of("-q", "--vm", unknown, "--xapi", "unix:" + socket, "--output-directory=" + dir,
                        "d")),
                Run.of(viaVariable, List.of("-q", "--vm", unknown, "--output-directory=" + dir, "d")),
                Run.of(viaFile, List.of("-q", "--vm", unknown, "--output-directory=" + dir, "d")))) {
            // the VM is unknown to xapi: reaching that answer proves the endpoint was used
            assertThat(run.errorCode()).as(run.stderr()).isEqualTo("INVALID_SOURCE");
            assertThat(run.stderr()).contains("XenAPI VM.get_by_uuid failed: UUID_INVALID VM " + unknown);
        }
        assertThat(server.logins()).hasSize(4);
        assertThat(server.liveSessions()).isZero();
    }

    @Test
    void withoutAStoreOrAnXapiTheDefaultSocketsAreTried() {
        boolean onDom0 = Files.exists(Path.of("/var/lib/xcp/xapi")) || Files.exists(Path.of("/var/xapi/xapi"));
        BootloaderException e = failure(() -> ToolstackFactory.open(settings(Map.of())).close());
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        if (!onDom0) {
            assertThat(e.getMessage()).contains("/var/lib/xcp/xapi or /var/xapi/xapi", "--vm-store", "--xapi");
        }
    }

    @Test
    void aMissingSocketIsReportedWithItsPath() {
        Path missing = dir.resolve("nothing-here.sock");
        BootloaderException e = failure(() -> ToolstackFactory.open(settings(Map.of("ELILOADER_XAPI",
                missing.toString()))));
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(e.getMessage()).contains("Cannot reach xapi on the unix socket " + missing,
                "session.login_with_password");
    }

    // ---------------------------------------------------------------- sessions and failures

    @Test
    void anExpiredSessionIsRenewedOnceAndTheCallRetried() {
        try (Toolstack toolstack = onSocket()) {
            toolstack.readVm(VM);
            server.expireSessions();
            toolstack.apply(VM, List.of(new RecordEdit.PutOtherConfig("install-round", "2")));
        }
        assertThat(server.logins()).hasSize(2);
        assertThat(server.vm(VM).get("other_config")).isEqualTo(Map.of("install-repository", "http://mirror/x",
                "install-round", "2"));
        assertThat(server.liveSessions()).isZero();
    }

    @Test
    void aSessionThatStaysInvalidFailsAfterOneRenewal() {
        server.sessionLifetime(0);
        try (Toolstack toolstack = onSocket()) {
            BootloaderException e = failure(() -> toolstack.readVm(VM));
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
            assertThat(e.getMessage()).contains("XenAPI VM.get_by_uuid failed: SESSION_INVALID (session)")
                    .doesNotContain("OpaqueRef");
        }
        assertThat(server.logins()).hasSize(2);
    }

    @Test
    void anUnknownVmCarriesXapisCode() {
        try (Toolstack toolstack = onSocket()) {
            BootloaderException e = failure(() -> toolstack.readVm("no-such-vm"));
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).isEqualTo("The VM no-such-vm is not known to xapi on the unix socket "
                    + server.socketPath() + " (XenAPI VM.get_by_uuid failed: UUID_INVALID VM no-such-vm).");
        }
    }

    @Test
    void aVbdDestroyedByAnotherClientIsHandleInvalid() {
        try (Toolstack first = onSocket(); Toolstack second = onSocket()) {
            first.readVm(VM);
            second.readVm(VM);
            second.apply(VM, List.of(new RecordEdit.DestroyVbd("vbd-0")));
            BootloaderException e = failure(() -> first.apply(VM, List.of(new RecordEdit.SetVbdBootable("vbd-0", false))));
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
            assertThat(e.getMessage()).startsWith("XenAPI VBD.set_bootable failed: HANDLE_INVALID VBD OpaqueRef:");
        }
    }

    @Test
    void anyXapiFailureCodeIsCarriedIntoTheError() {
        try (Toolstack toolstack = onSocket()) {
            toolstack.readVm(VM);
            server.failCall(1, "VM_BAD_POWER_STATE", "OpaqueRef:x", "halted", "running");
            BootloaderException e = failure(() -> toolstack.apply(VM, List.of(new RecordEdit.SetPvBootloader("pygrub"))));
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
            assertThat(e.getMessage()).startsWith(
                    "XenAPI VM.set_PV_bootloader failed: VM_BAD_POWER_STATE OpaqueRef:x halted running (xapi on");
        }
    }

    @Test
    void putsRemoveBeforeAddingAndAttachedVbdsAreUnpluggedBeforeDestroy() {
        try (Toolstack toolstack = onSocket()) {
            toolstack.readVm(VM);
            server.clearCalls();
            toolstack.apply(VM, List.of(new RecordEdit.PutOtherConfig("install-round", "2"),
                    new RecordEdit.PutPlatform("pv-kernel-max-size", "1"),
                    new RecordEdit.DestroyVbd("vbd-1"), new RecordEdit.DestroyVbd("vbd-0")));
        }
        assertThat(server.methods()).containsExactly(
                "VM.remove_from_other_config", "VM.add_to_other_config",
                "VM.remove_from_platform", "VM.add_to_platform",
                "VBD.get_currently_attached", "VBD.unplug", "VBD.destroy",
                "VBD.get_currently_attached", "VBD.destroy",
                "session.logout");
    }

    @Test
    void aPoolMemberIsReportedWithItsMaster() {
        server.failCall(1, "HOST_IS_SLAVE", "192.0.2.10");
        BootloaderException e = failure(this::onSocket);
        assertThat(e.getMessage()).contains("HOST_IS_SLAVE", "point --xapi at the pool master 192.0.2.10");
    }

    @Test
    void secretsAreReadWithGetByUuidThenGetValue() {
        try (Toolstack toolstack = onSocket()) {
            assertThat(toolstack.secretValue("secret-1")).isEqualTo("s3cret");
        }
        assertThat(server.calls()).extracting(XapiTestServer.Call::method)
                .contains("secret.get_by_uuid", "secret.get_value");
    }

    // ---------------------------------------------------------------- a remote pool master

    @RealPeers
    @Test
    void aRemotePoolMasterOverHttpsWithTheCaFileAndACredentialsFile() throws IOException {
        Tls.Certificates certs = Tls.generate(dir.resolve("tls"));
        server.withHttps(certs);
        Map<String, String> env = Map.of("ELILOADER_XAPI", server.httpsUrl(),
                "ELILOADER_XAPI_CREDENTIALS", credentials("root", PASSWORD, "rw-------").toString(),
                "ELILOADER_CA_FILE", certs.caCert().toString());
        try (Toolstack toolstack = ToolstackFactory.open(settings(env))) {
            assertThat(toolstack.describe()).isEqualTo("xapi at " + server.httpsUrl()).doesNotContain(PASSWORD);
            toolstack.readVm(VM);
            toolstack.apply(VM, List.of(new RecordEdit.SetPvBootloader("pygrub")));
        }
        assertThat(server.vm(VM)).containsEntry("PV_bootloader", "pygrub");
        assertThat(server.logins()).singleElement().satisfies(login -> {
            assertThat(login.user()).isEqualTo("root");
            assertThat(login.transport()).isEqualTo("https");
            assertThat(login.originator()).isEqualTo("eliloader");
        });
        assertThat(server.liveSessions()).isZero();

        // without the CA file the system trust is used, and it does not know this CA
        Map<String, String> noCa = new HashMap<>(env);
        noCa.remove("ELILOADER_CA_FILE");
        BootloaderException e = failure(() -> ToolstackFactory.open(settings(noCa)));
        assertThat(e.getMessage()).startsWith("Cannot reach xapi at " + server.httpsUrl())
                .containsIgnoringCase("certification path");
        assertThat(server.logins()).hasSize(1);
    }

    @Test
    void plainHttpIsUsedOnlyWhenTheUrlSaysSo() throws IOException {
        Map<String, String> env = Map.of("ELILOADER_XAPI", server.httpUrl(),
                "ELILOADER_XAPI_CREDENTIALS", credentials("root", PASSWORD, "r--------").toString());
        try (Toolstack toolstack = ToolstackFactory.open(settings(env))) {
            assertThat(toolstack.readVm(VM).uuid()).isEqualTo(VM);
        }
        assertThat(server.logins()).singleElement().satisfies(login -> assertThat(login.transport()).isEqualTo("http"));
    }

    @Test
    void remoteUseNeedsACredentialsFileThatOnlyItsOwnerReads() throws IOException {
        BootloaderException none = failure(() -> ToolstackFactory.open(settings(Map.of("ELILOADER_XAPI",
                server.httpUrl()))));
        assertThat(none.getMessage()).contains("--xapi-credentials=FILE", "ELILOADER_XAPI_CREDENTIALS");

        Path readable = credentials("root", PASSWORD, "rw-r--r--");
        BootloaderException open = failure(() -> ToolstackFactory.open(settings(Map.of("ELILOADER_XAPI",
                server.httpUrl(), "ELILOADER_XAPI_CREDENTIALS", readable.toString()))));
        assertThat(open.getMessage()).contains("readable by every user").doesNotContain(PASSWORD);

        Path oneLine = dir.resolve("one-line");
        Files.writeString(oneLine, "root\n");
        Files.setPosixFilePermissions(oneLine, PosixFilePermissions.fromString("rw-------"));
        BootloaderException shape = failure(() -> ToolstackFactory.open(settings(Map.of("ELILOADER_XAPI",
                server.httpUrl(), "ELILOADER_XAPI_CREDENTIALS", oneLine.toString()))));
        assertThat(shape.getMessage()).contains("two lines");

        BootloaderException inUrl = failure(() -> ToolstackFactory.open(settings(Map.of("ELILOADER_XAPI",
                server.httpUrl().replace("http://", "http://root:" + PASSWORD + "@")))));
        assertThat(inUrl.getMessage()).contains("must not carry a user or password").doesNotContain(PASSWORD);
        assertThat(server.logins()).isEmpty();
    }

    @Test
    void aWrongPasswordIsReportedWithoutThePassword() throws IOException {
        String wrong = "Wr0ng-Battery";
        Path file = credentials("root", wrong, "rw-------");
        Run run = Run.of(Map.of("ELILOADER_XAPI", server.httpUrl(), "ELILOADER_XAPI_CREDENTIALS", file.toString()),
                List.of("-q", "--vm", VM, "--output-directory=" + dir.resolve("out"), "--debug", "disk"));
        assertThat(run.errorCode()).isEqualTo("INTERNAL_ERROR");
        assertThat(run.stderr()).contains("Cannot log in to xapi at " + server.httpUrl() + " as XenAPI user \"root\"",
                "SESSION_AUTHENTICATION_FAILED").doesNotContain(wrong).doesNotContain(PASSWORD);
        assertThat(server.liveSessions()).isZero();
    }

    @Test
    void aBadEndpointIsNamed() {
        BootloaderException e = failure(() -> ToolstackFactory.open(settings(Map.of("ELILOADER_XAPI", "ftp://host/"))));
        assertThat(e.getMessage()).contains("ftp://host/", "neither a socket path nor an http(s) URL");
        BootloaderException empty = failure(() -> ToolstackFactory.open(settings(Map.of("ELILOADER_XAPI", "unix:"))));
        assertThat(empty.getMessage()).contains("names no socket");
    }

    @Test
    void theCredentialsSettingHasAnOptionAVariableAndAConfigKey() {
        assertThat(Setting.forKey("xapi-credentials")).isEqualTo(Setting.XAPI_CREDENTIALS);
        assertThat(Setting.XAPI_CREDENTIALS.environmentVariable()).isEqualTo("ELILOADER_XAPI_CREDENTIALS");
        assertThat(Setting.XAPI_CREDENTIALS.defaultValue()).isNull();
    }
}
