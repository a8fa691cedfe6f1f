package org.xenproject.eliloader.testpeers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.nio.file.Path;
import java.util.Date;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Secret;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VBD;
import com.xensource.xenapi.VM;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Proves the test server's wire format and semantics by driving it with the official Java SDK
 * ({@code com.citrix.hypervisor:xen-api:8.1.0}, test scope only), which was written against
 * real xapi: if the SDK can log in, read, write and decode the failures, the server speaks
 * XenAPI as xapi does.
 */
class XenApiSdkWireTest {
    private static final String VM_UUID = VmStoreFixture.VM;

    @TempDir
    Path dir;
    private XapiTestServer server;
    private Connection c;

    /** The SDK's dispatch is protected; this opens it to send malformed calls. */
    static final class RawConnection extends Connection {
        RawConnection(URL url) {
            super(url);
        }

        Map<?, ?> raw(String method, Object... params) throws Exception {
            return dispatch(method, params);
        }
    }

    @BeforeEach
    void start() throws Exception {
        Path store = VmStoreFixture.vm()
                .other("install-repository", "http://mirror/centos/5")
                .other("install-round", "1")
                .platform("pv-kernel-max-size", "33554432")
                .field("PV_args", "console=hvc0")
                .vbdField("0", "VDI", "vdi-0")
                .disk("3", false)
                .vbdField("3", "type", "CD")
                .vbdField("3", "mode", "RO")
                .vbdField("3", "currently_attached", true)
                .secret("secret-1", "s3cr3t")
                .writeTo(dir.resolve("store.json"));
        server = XapiTestServer.start(dir.resolve("xapi")).requireLogin("root", "pw").load(store);
        c = new Connection(new URL(server.httpUrl()));
        Session.loginWithPassword(c, "root", "pw", "1.0", "sdk-wire-test");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theSdkLogsInReadsTheVmAndItsDisks() throws Exception {
        assertThat(server.logins()).last().satisfies(login -> {
            assertThat(login.user()).isEqualTo("root");
            assertThat(login.version()).isEqualTo("1.0");
            assertThat(login.originator()).isEqualTo("sdk-wire-test");
        });
        // the SDK asks the host for its API version right after login
        assertThat(server.methods()).contains("session.get_this_host", "host.get_API_version_major");
        assertThat(c.getSessionReference()).startsWith("OpaqueRef:");

        VM vm = VM.getByUuid(c, VM_UUID);
        assertThat(vm.getUuid(c)).isEqualTo(VM_UUID);
        assertThat(vm.getNameLabel(c)).isEqualTo("install test");
        assertThat(vm.getOtherConfig(c)).containsEntry("install-repository", "http://mirror/centos/5")
                .containsEntry("install-round", "1");
        assertThat(vm.getPlatform(c)).containsEntry("pv-kernel-max-size", "33554432");
        assertThat(vm.getPVBootloader(c)).isEqualTo("eliloader");
        assertThat(vm.getPVBootloaderArgs(c)).isEmpty();
        assertThat(vm.getPVArgs(c)).isEqualTo("console=hvc0");

        Set<VBD> vbds = vm.getVBDs(c);
        assertThat(vbds).hasSize(2);
        VBD disk = VBD.getByUuid(c, "vbd-0");
        assertThat(vbds).contains(disk);
        assertThat(disk.getUserdevice(c)).isEqualTo("0");
        assertThat(disk.getBootable(c)).isTrue();
        assertThat(disk.getType(c)).isEqualTo(Types.VbdType.DISK);
        assertThat(disk.getMode(c)).isEqualTo(Types.VbdMode.RW);
        assertThat(disk.getCurrentlyAttached(c)).isFalse();
        assertThat(disk.getVDI(c).getUuid(c)).isEqualTo("vdi-0");
        assertThat(disk.getVM(c)).isEqualTo(vm);
        VBD cd = VBD.getByUuid(c, "vbd-3");
        assertThat(cd.getType(c)).isEqualTo(Types.VbdType.CD);
        assertThat(cd.getMode(c)).isEqualTo(Types.VbdMode.RO);
        assertThat(cd.getCurrentlyAttached(c)).isTrue();
    }

    @Test
    void recordsDecodeWithTheirXenApiTypes() throws Exception {
        VM.Record record = VM.getByUuid(c, VM_UUID).getRecord(c);
        assertThat(record.uuid).isEqualTo(VM_UUID);
        assertThat(record.PVBootloader).isEqualTo("eliloader");
        assertThat(record.otherConfig).containsEntry("install-round", "1");
        assertThat(record.platform).containsEntry("pv-kernel-max-size", "33554432");
        assertThat(record.memoryStaticMax).isEqualTo(1073741824L); // an int, sent as a string
        assertThat(record.snapshotTime).isEqualTo(new Date(0)); // a dateTime.iso8601
        assertThat(record.powerState).isEqualTo(Types.VmPowerState.HALTED);
        assertThat(record.VBDs).hasSize(2);
        VBD.Record vbd = VBD.getByUuid(c, "vbd-0").getRecord(c);
        assertThat(vbd.userdevice).isEqualTo("0");
        assertThat(vbd.bootable).isTrue();
        assertThat(vbd.type).isEqualTo(Types.VbdType.DISK);
        assertThat(vbd.VDI.getUuid(c)).isEqualTo("vdi-0");
    }

    @Test
    void mapKeysFollowXapiAddAndRemoveRules() throws Exception {
        VM vm = VM.getByUuid(c, VM_UUID);
        assertThatThrownBy(() -> vm.addToOtherConfig(c, "install-round", "2"))
                .isInstanceOfSatisfying(Types.MapDuplicateKey.class, e -> {
                    assertThat(e.type).isEqualTo("VM");
                    assertThat(e.paramName).isEqualTo("other_config");
                    assertThat(e.key).isEqualTo("install-round");
                });
        vm.removeFromOtherConfig(c, "install-round");
        vm.removeFromOtherConfig(c, "install-round"); // an absent key is no error
        vm.addToOtherConfig(c, "install-round", "2");
        assertThat(vm.getOtherConfig(c)).containsEntry("install-round", "2");
        vm.addToPlatform(c, "pv-ramdisk-max-size", "1");
        vm.removeFromPlatform(c, "pv-kernel-max-size");
        assertThat(vm.getPlatform(c)).isEqualTo(Map.of("pv-ramdisk-max-size", "1"));
        vm.setPVBootloader(c, "pygrub");
        vm.setPVBootloaderArgs(c, "--kernel /k");
        assertThat(server.vm(VM_UUID)).containsEntry("PV_bootloader", "pygrub")
                .containsEntry("PV_bootloader_args", "--kernel /k");
        VBD.getByUuid(c, "vbd-0").setBootable(c, false);
        assertThat(VBD.getByUuid(c, "vbd-0").getBootable(c)).isFalse();
    }

    @Test
    void vbdsUnplugBeforeTheyAreDestroyed() throws Exception {
        VBD cd = VBD.getByUuid(c, "vbd-3");
        assertThatThrownBy(() -> cd.destroy(c)).isInstanceOf(Types.OperationNotAllowed.class);
        cd.unplug(c);
        assertThatThrownBy(() -> cd.unplug(c)).isInstanceOf(Types.DeviceAlreadyDetached.class);
        cd.destroy(c);
        assertThat(VM.getByUuid(c, VM_UUID).getVBDs(c)).hasSize(1);
        assertThatThrownBy(() -> cd.getUuid(c)).isInstanceOfSatisfying(Types.HandleInvalid.class,
                e -> assertThat(e.clazz).isEqualTo("VBD"));
    }

    @Test
    void secretsAreReadByUuid() throws Exception {
        assertThat(Secret.getByUuid(c, "secret-1").getValue(c)).isEqualTo("s3cr3t");
        assertThatThrownBy(() -> Secret.getByUuid(c, "secret-2")).isInstanceOf(Types.UuidInvalid.class);
    }

    @Test
    void failuresDecodeAsTheSdkTypes() throws Exception {
        assertThatThrownBy(() -> VM.getByUuid(c, "no-such-vm")).isInstanceOfSatisfying(Types.UuidInvalid.class, e -> {
            assertThat(e.type).isEqualTo("VM");
            assertThat(e.uuid).isEqualTo("no-such-vm");
        });
        assertThatThrownBy(() -> Types.toVM("OpaqueRef:00000000-0000-0000-0000-000000000000").getOtherConfig(c))
                .isInstanceOfSatisfying(Types.HandleInvalid.class, e -> assertThat(e.clazz).isEqualTo("VM"));
        RawConnection raw = new RawConnection(new URL(server.httpUrl()));
        Session.loginWithPassword(raw, "root", "pw", "1.0", "raw");
        assertThatThrownBy(() -> raw.raw("VM.get_other_config", raw.getSessionReference()))
                .isInstanceOfSatisfying(Types.MessageParameterCountMismatch.class, e -> {
                    assertThat(e.method).isEqualTo("VM.get_other_config");
                    assertThat(e.expected).isEqualTo("2");
                    assertThat(e.received).isEqualTo("1");
                });
        assertThatThrownBy(() -> raw.raw("VM.frobnicate", raw.getSessionReference(), "x"))
                .isInstanceOf(Types.MessageMethodUnknown.class);
        assertThatThrownBy(() -> Session.loginWithPassword(new Connection(new URL(server.httpUrl())), "root", "wrong",
                "1.0", "x")).isInstanceOf(Types.SessionAuthenticationFailed.class);
    }

    @Test
    void expiredSessionsAreRefusedAndLogoutEndsOne() throws Exception {
        VM vm = VM.getByUuid(c, VM_UUID);
        assertThat(server.liveSessions()).isEqualTo(1);
        server.expireSessions();
        assertThatThrownBy(() -> vm.getPVArgs(c)).isInstanceOfSatisfying(Types.SessionInvalid.class,
                e -> assertThat(e.handle).isEqualTo(c.getSessionReference()));
        Session.loginWithPassword(c, "root", "pw", "1.0", "again");
        assertThat(server.liveSessions()).isEqualTo(1);
        Session.logout(c);
        assertThat(server.liveSessions()).isZero();
    }

    @RealPeers
    @Test
    void theSdkTalksToTheHttpsListener() throws Exception {
        Tls.Certificates certs = Tls.generate(dir.resolve("tls"));
        server.withHttps(certs);
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(certs.caCert())) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(context.getSocketFactory());
        try {
            Connection tls = new Connection(new URL(server.httpsUrl()));
            Session.loginWithPassword(tls, "root", "pw", "1.0", "sdk-https");
            assertThat(VM.getByUuid(tls, VM_UUID).getPVBootloader(tls)).isEqualTo("eliloader");
            Session.logout(tls);
        } finally {
            HttpsURLConnection.setDefaultSSLSocketFactory(previous);
        }
        assertThat(server.logins()).last().satisfies(login -> assertThat(login.transport()).isEqualTo("https"));
    }
}
