package org.xenproject.eliloader.source.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** PMAP, MOUNT and NFSv3 arguments and results, byte by byte (RFC 1833, RFC 1813). */
class NfsProtocolTest {
    /** fattr3 of a regular file, mode 0644, size 4 GiB + 5 (tests the 64-bit size). */
    private static final String FATTR_REGULAR = "00000001 000001a4 00000001 00000000 00000000"
            + " 00000001 00000005" // size
            + " 00000001 00001000" // used
            + " 00000000 00000000" // rdev
            + " 00000000 0000fd01" // fsid
            + " 00000000 00000063" // fileid
            + " 5f000000 00000000 5f000000 00000000 5f000000 00000000"; // atime, mtime, ctime

    @Test
    void getportAsksForTcp() {
        assertThat(Hex.of(Portmapper.encodeGetPort(100005, 3)))
                .isEqualTo(Hex.norm("000186a5 00000003 00000006 00000000"));
    }

    @Test
    void getportRefusesImpossiblePorts() throws Exception {
        assertThat(Portmapper.decodeGetPort(new XdrReader(Hex.bytes("00004e50")))).isEqualTo(20048);
        assertThat(Portmapper.decodeGetPort(new XdrReader(Hex.bytes("00000000")))).isZero();
        assertThatThrownBy(() -> Portmapper.decodeGetPort(new XdrReader(Hex.bytes("00010000"))))
                .isInstanceOf(RpcException.class);
    }

    @Test
    void mntArgumentIsTheDirectoryPath() {
        assertThat(Hex.of(MountClient.encodePath("/export")))
                .isEqualTo(Hex.norm("00000007 2f657870 6f727400"));
    }

    @Test
    void mntResultGivesTheHandleAndFlavors() throws Exception {
        MountClient.Mounted m = MountClient.decodeMnt(new XdrReader(Hex.bytes(
                "00000000 00000008 01020304 05060708 00000002 00000001 00000000")));
        assertThat(m.handle).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(m.flavors).containsExactly(RpcAuth.AUTH_SYS, RpcAuth.AUTH_NONE);
    }

    @Test
    void mntFailureIsNamed() {
        assertThatThrownBy(() -> MountClient.decodeMnt(new XdrReader(Hex.bytes("0000000d"))))
                .isInstanceOfSatisfying(NfsStatusException.class, e -> {
                    assertThat(e.statusName()).isEqualTo("MNT3ERR_ACCES");
                    assertThat(e.status()).isEqualTo(13);
                });
        assertThat(MountClient.statusName(2)).isEqualTo("MNT3ERR_NOENT");
    }

    @Test
    void mntRefusesAHandleLongerThanNfsv3Allows() {
        assertThatThrownBy(() -> MountClient.decodeMnt(new XdrReader(Hex.bytes("00000000 00000041"
                + "00".repeat(68) + "00000000"))))
                .isInstanceOf(RpcException.class);
    }

    @Test
    void exportListIsALinkedListOfDirectoriesWithGroups() throws Exception {
        List<String> exports = MountClient.decodeExports(new XdrReader(Hex.bytes(
                "00000001 00000007 2f657870 6f727400" // value follows: "/export"
                        + " 00000001 00000001 2a000000" // group "*"
                        + " 00000001 00000009 3139322e 3136382e 31000000" // group "192.168.1"
                        + " 00000000" // no more groups
                        + " 00000001 00000004 2f737276 00000000" // "/srv", no groups
                        + " 00000000"))); // end of list
        assertThat(exports).containsExactly("/export", "/srv");
        assertThat(MountClient.decodeExports(new XdrReader(Hex.bytes("00000000")))).isEmpty();
    }

    @Test
    void lookupArgumentsAreTheDirectoryHandleAndTheName() {
        assertThat(Hex.of(Nfs3Client.encodeLookup(new byte[] {1, 2, 3, 4, 5}, "vmlinuz")))
                .isEqualTo(Hex.norm("00000005 01020304 05000000 00000007 766d6c69 6e757a00"));
    }

    @Test
    void lookupResultGivesTheHandleAndAttributes() throws Exception {
        XdrReader r = new XdrReader(Hex.bytes("00000004 aabbccdd 00000001 " + FATTR_REGULAR
                + " 00000000")); // no directory attributes
        Nfs3Client.Lookup lookup = Nfs3Client.decodeLookupOk(r);
        assertThat(lookup.handle).containsExactly(0xaa, 0xbb, 0xcc, 0xdd);
        assertThat(lookup.attributes.type).isEqualTo(Nfs3Client.NF3REG);
        assertThat(lookup.attributes.mode).isEqualTo(0644);
        assertThat(lookup.attributes.size).isEqualTo((1L << 32) + 5);
        assertThat(r.remaining()).isZero();
    }

    @Test
    void lookupResultWithoutAttributes() throws Exception {
        Nfs3Client.Lookup lookup = Nfs3Client.decodeLookupOk(new XdrReader(Hex.bytes(
                "00000004 aabbccdd 00000000 00000001 " + FATTR_REGULAR)));
        assertThat(lookup.attributes).isNull();
    }

    @Test
    void readArgumentsAreHandleOffsetCount() {
        assertThat(Hex.of(Nfs3Client.encodeRead(Hex.bytes("aabbccdd"), 0x100000000L, 65536)))
                .isEqualTo(Hex.norm("00000004 aabbccdd 00000001 00000000 00010000"));
    }

    @Test
    void readResultLeavesTheDataInTheRecord() throws Exception {
        byte[] record = Hex.bytes("00000000 00000003 00000001 00000003 61626300");
        Nfs3Client.ReadResult result = Nfs3Client.decodeReadOk(new XdrReader(record), 4096);
        assertThat(result.record).isSameAs(record);
        assertThat(new String(result.record, result.offset, result.count, "US-ASCII")).isEqualTo("abc");
        assertThat(result.eof).isTrue();
    }

    @Test
    void readResultMustBeConsistentAndNoLargerThanAsked() {
        assertThatThrownBy(() -> Nfs3Client.decodeReadOk(new XdrReader(Hex.bytes(
                "00000000 00000004 00000000 00000003 61626300")), 4096))
                .isInstanceOf(RpcException.class).hasMessageContaining("says 4 bytes but carries 3");
        assertThatThrownBy(() -> Nfs3Client.decodeReadOk(new XdrReader(Hex.bytes(
                "00000000 00000008 00000000 00000008 61626364 65666768")), 4))
                .isInstanceOf(RpcException.class).hasMessageContaining("exceeds the limit of 4");
    }

    @Test
    void statusNamesFollowRfc1813() {
        assertThat(Nfs3Client.statusName(2)).isEqualTo("NFS3ERR_NOENT");
        assertThat(Nfs3Client.statusName(70)).isEqualTo("NFS3ERR_STALE");
        assertThat(Nfs3Client.statusName(10008)).isEqualTo("NFS3ERR_JUKEBOX");
        assertThat(Nfs3Client.statusName(4242)).isEqualTo("NFS3 status 4242");
    }

    @Test
    void mountCandidatesPreferListedExportsLongestFirstThenThePathAndItsParents() {
        assertThat(NfsSource.candidates(List.of("/export", "/", "/srv", "/export/debian/"), "/export/debian/dists"))
                .containsExactly("/export/debian", "/export", "/", "/export/debian/dists");
        assertThat(NfsSource.candidates(null, "/a/b")).containsExactly("/a/b", "/a", "/");
        // "/exp" is not a directory above "/export"
        assertThat(NfsSource.candidates(List.of("/exp"), "/export")).containsExactly("/export", "/");
        assertThat(NfsSource.candidates(List.of(), "/")).containsExactly("/");
    }

    @Test
    void insideExportSplitsAtDirectoryBoundaries() {
        assertThat(NfsSource.insideExport("/export", "/export")).isEmpty();
        assertThat(NfsSource.insideExport("/export", "/export/a/b")).isEqualTo("a/b");
        assertThat(NfsSource.insideExport("/export", "/exported/a")).isNull();
        assertThat(NfsSource.insideExport("/export", "/srv")).isNull();
        assertThat(NfsSource.insideExport("/", "/a/b")).isEqualTo("a/b");
    }
}
