package org.xenproject.eliloader.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * Marks a test class or method that needs real peers: JUnit tag {@value #TAG}.
 *
 * <p>A real peer is anything outside the JVM and this checkout's sources that scripts/setup
 * installs or a script makes: a server the test starts (nginx, vsftpd, Samba, nfs-ganesha with
 * rpcbind, tinyproxy), an external program it runs (pygrub, xorriso, genisoimage, mke2fs,
 * debugfs, e2fsck, sfdisk, cpio, gzip, xz, bzip2, zstd, lz4, openssl, python3), the Debian
 * installer of scripts/fetch-debian-installer, or the built program (scripts/eliloader with
 * the jar of scripts/build). Servers written in Java for the tests (XapiTestServer,
 * FaultyServer, FakeRpcServer, raw sockets) and child JVMs are not peers.
 *
 * <p>Put it on the class when its set-up starts a peer for every test ({@code @BeforeAll}),
 * else on each method that needs one ({@code TreesOverHttp} starts nginx on first use, so a
 * class using it may tag only the methods that ask for a URL). {@code scripts/test} runs
 * every test; {@code scripts/test --fast} leaves these out ({@code -DexcludedGroups=peers}),
 * needs neither scripts/setup nor the test network namespace, and must pass on a machine
 * with only Java and Maven. The slowest peer test, a real VM boot, is {@link QemuBoot}.
 *
 * <p>In initrd/, xmlrpc/ and source/ the annotation is written fully qualified, so that
 * tagging stays a one-line change next to the work going on there.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(RealPeers.TAG)
public @interface RealPeers {
    /** The JUnit tag: {@code mvn test -DexcludedGroups=peers} leaves these tests out, {@code -Dgroups=peers} runs only them. */
    String TAG = "peers";
}
