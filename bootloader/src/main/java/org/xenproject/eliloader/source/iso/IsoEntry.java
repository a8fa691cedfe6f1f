package org.xenproject.eliloader.source.iso;

/**
 * A file, directory or symbolic link of an {@link IsoImage}, as its directory record (and
 * Rock Ridge entries) describe it. Instances are immutable and only meaningful for the
 * image that produced them.
 */
public final class IsoEntry {
    static final int FILE = 0;
    static final int DIRECTORY = 1;
    static final int SYMLINK = 2;

    private final String name;
    private final int type;
    private final long length;
    /** Byte offsets in the image of the file's sections, in order; one for directories. */
    final long[] extentOffsets;
    /** Lengths of those sections in bytes. */
    final long[] extentLengths;
    private final String symlinkTarget;

    IsoEntry(String name, int type, long[] extentOffsets, long[] extentLengths, String symlinkTarget) {
        this.name = name;
        this.type = type;
        this.extentOffsets = extentOffsets;
        this.extentLengths = extentLengths;
        this.symlinkTarget = symlinkTarget;
        long total = 0;
        for (long sectionLength : extentLengths) {
            total += sectionLength;
        }
        this.length = total;
    }

    static IsoEntry directory(String name, long offset, long length) {
        return new IsoEntry(name, DIRECTORY, new long[] {offset}, new long[] {length}, null);
    }

    static IsoEntry symlink(String name, String target) {
        return new IsoEntry(name, SYMLINK, new long[0], new long[0], target);
    }

    /** The name under the image's preferred naming (Rock Ridge, Joliet or primary). */
    public String name() {
        return name;
    }

    public boolean isDirectory() {
        return type == DIRECTORY;
    }

    public boolean isRegularFile() {
        return type == FILE;
    }

    public boolean isSymbolicLink() {
        return type == SYMLINK;
    }

    /** The symbolic link's target as recorded (Rock Ridge SL), or null for other entries. */
    public String symbolicLinkTarget() {
        return symlinkTarget;
    }

    /** Size in bytes: the file's content, or the directory's extent; 0 for symbolic links. */
    public long length() {
        return length;
    }

    /** Byte offset of the first extent; identifies a directory within its image. */
    long firstExtentOffset() {
        return extentOffsets.length == 0 ? -1 : extentOffsets[0];
    }

    @Override
    public String toString() {
        String kind = type == DIRECTORY ? "directory" : type == SYMLINK ? "symlink" : "file";
        return kind + " " + name + (type == SYMLINK ? " -> " + symlinkTarget : " (" + length + " bytes)");
    }
}
