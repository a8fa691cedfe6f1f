package org.xenproject.eliloader.initrd.cpio;

import java.nio.charset.StandardCharsets;

/**
 * The header of one newc ("070701") or newc-with-checksum ("070702") cpio entry, the only
 * archive formats the Linux kernel unpacks into its initramfs.
 *
 * <p>Names are kept as ISO-8859-1 strings so that every byte of a name survives a
 * read/write round trip unchanged, whatever its encoding.
 */
public final class CpioEntry {
    static final String TRAILER = "TRAILER!!!";

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    long ino;
    public long mode;
    public long uid;
    public long gid;
    long nlink;
    public long mtime;
    long fileSize;
    long devMajor;
    long devMinor;
    public long rdevMajor;
    public long rdevMinor;
    String name;

    CpioEntry copy() {
        CpioEntry c = new CpioEntry();
        c.ino = ino;
        c.mode = mode;
        c.uid = uid;
        c.gid = gid;
        c.nlink = nlink;
        c.mtime = mtime;
        c.fileSize = fileSize;
        c.devMajor = devMajor;
        c.devMinor = devMinor;
        c.rdevMajor = rdevMajor;
        c.rdevMinor = rdevMinor;
        c.name = name;
        return c;
    }

    public long type() {
        return mode & S_IFMT;
    }

    boolean isTrailer() {
        return TRAILER.equals(name);
    }

    public boolean isDirectory() {
        return type() == S_IFDIR;
    }

    boolean isRegular() {
        return type() == S_IFREG;
    }

    public boolean isSymlink() {
        return type() == S_IFLNK;
    }

    /**
     * A member of a hard-link group: newc stores each name of a multiply linked regular
     * file as its own entry with the same (device, inode); the data travels with one of
     * them (by convention the last), the others have size 0.
     */
    boolean isHardLink() {
        return isRegular() && nlink > 1;
    }

    /** Identity of a hard-link group inside one archive. */
    String linkKey() {
        return devMajor + ":" + devMinor + ":" + ino;
    }

    byte[] nameBytes() {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return name + " mode " + Long.toOctalString(mode) + " size " + fileSize;
    }
}
