package org.xenproject.eliloader.source.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** XDR (RFC 4506) encoding and decoding, byte by byte. */
class NfsXdrTest {

    @Test
    void integersAreBigEndianFourByteUnits() {
        XdrWriter w = new XdrWriter(1).putInt(1).putInt(-2).putInt(0x7f000001);
        assertThat(Hex.of(w)).isEqualTo(Hex.norm("00000001 fffffffe 7f000001"));
    }

    @Test
    void hypersAreTwoUnitsHighFirst() throws Exception {
        XdrWriter w = new XdrWriter().putLong(0x0102030405060708L).putLong(-1L);
        assertThat(Hex.of(w)).isEqualTo(Hex.norm("01020304 05060708 ffffffff ffffffff"));
        XdrReader r = new XdrReader(w.toByteArray());
        assertThat(r.getLong()).isEqualTo(0x0102030405060708L);
        assertThat(r.getLong()).isEqualTo(-1L);
    }

    @Test
    void unsignedIntsKeepTheirTopBit() throws Exception {
        XdrReader r = new XdrReader(Hex.bytes("fffffffe"));
        assertThat(r.getUnsignedInt()).isEqualTo(0xfffffffeL);
    }

    @Test
    void opaqueAndStringsArePrefixedAndPaddedToFourBytes() {
        XdrWriter w = new XdrWriter()
                .putOpaque(new byte[] {1, 2, 3, 4, 5})
                .putString("abc")
                .putString("")
                .putOpaque(new byte[] {9, 9, 9, 9});
        assertThat(Hex.of(w)).isEqualTo(Hex.norm(
                "00000005 01020304 05000000"
                        + " 00000003 61626300"
                        + " 00000000"
                        + " 00000004 09090909"));
    }

    @Test
    void stringsAreUtf8() throws Exception {
        XdrWriter w = new XdrWriter().putString("é");
        assertThat(Hex.of(w)).isEqualTo(Hex.norm("00000002 c3a90000"));
        assertThat(new XdrReader(w.toByteArray()).getString(10)).isEqualTo("é");
    }

    @Test
    void booleansAreZeroOrOneAndNothingElse() throws Exception {
        XdrReader r = new XdrReader(Hex.bytes("00000001 00000000 00000002"));
        assertThat(r.getBoolean()).isTrue();
        assertThat(r.getBoolean()).isFalse();
        assertThatThrownBy(r::getBoolean).isInstanceOf(RpcException.class).hasMessageContaining("boolean");
    }

    @Test
    void readerRoundTripsWhatTheWriterWrote() throws Exception {
        XdrWriter w = new XdrWriter().putInt(7).putString("eliloader").putOpaque(new byte[] {1, 2}).putBoolean(true);
        XdrReader r = new XdrReader(w.toByteArray());
        assertThat(r.getInt()).isEqualTo(7);
        assertThat(r.getString(255)).isEqualTo("eliloader");
        assertThat(r.getOpaque(64)).containsExactly(1, 2);
        assertThat(r.getBoolean()).isTrue();
        assertThat(r.remaining()).isZero();
    }

    @Test
    void opaqueInPlaceLeavesTheBytesInTheRecord() throws Exception {
        byte[] record = Hex.bytes("00000003 0a0b0c00 00000063");
        XdrReader r = new XdrReader(record);
        int[] count = new int[1];
        int at = r.getOpaqueInPlace(16, count);
        assertThat(at).isEqualTo(4);
        assertThat(count[0]).isEqualTo(3);
        assertThat(r.getInt()).isEqualTo(0x63);
    }

    @Test
    void truncatedInputIsRefusedNotMisread() throws Exception {
        assertThatThrownBy(() -> new XdrReader(Hex.bytes("000001")).getInt())
                .isInstanceOf(RpcException.class).hasMessageContaining("truncated");
        // a length announcing more than the record holds
        assertThatThrownBy(() -> new XdrReader(Hex.bytes("00000010 01020304")).getOpaque(64))
                .isInstanceOf(RpcException.class).hasMessageContaining("truncated");
        // missing padding after the last byte of an opaque
        assertThatThrownBy(() -> new XdrReader(Hex.bytes("00000001 01")).getOpaque(64))
                .isInstanceOf(RpcException.class);
        XdrReader r = new XdrReader(Hex.bytes("00000001"));
        r.getInt();
        assertThatThrownBy(() -> r.skip(4)).isInstanceOf(RpcException.class);
    }

    @Test
    void lengthsAboveTheCallersLimitAreRefusedBeforeAllocating() {
        // 0xffffffff as a length must not be read as -1 nor allocated
        assertThatThrownBy(() -> new XdrReader(Hex.bytes("ffffffff")).getOpaque(64))
                .isInstanceOf(RpcException.class).hasMessageContaining("exceeds the limit of 64");
        assertThatThrownBy(() -> new XdrReader(Hex.bytes("00000041")).getString(64))
                .isInstanceOf(RpcException.class).hasMessageContaining("65 bytes");
    }

    @Test
    void readerHonoursItsWindowInALargerArray() throws Exception {
        byte[] data = Hex.bytes("ffffffff 00000005 ffffffff");
        XdrReader r = new XdrReader(data, 4, 4);
        assertThat(r.getInt()).isEqualTo(5);
        assertThatThrownBy(r::getInt).isInstanceOf(RpcException.class);
    }

    @Test
    void setIntPatchesAnEarlierUnit() {
        XdrWriter w = new XdrWriter().putInt(0).putInt(42);
        w.setInt(0, 0x80000004);
        assertThat(Hex.of(w)).isEqualTo(Hex.norm("80000004 0000002a"));
    }
}
