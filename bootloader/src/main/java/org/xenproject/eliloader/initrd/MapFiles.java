package org.xenproject.eliloader.initrd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads the {@code *.map} files of the guest-installer directory. The syntax is the
 * original eliloader's, with one optional addition (the {@code :mode} suffix):
 *
 * <pre>
 * # comment                         (also after the fields: a field starting with #)
 * MD5  TYPE  OVERLAY  [DISTRO ...]
 *
 * MD5      32 hex digits, any case: the MD5 of the vendor initrd as fetched
 * TYPE     cpio          cpio initrd, overlay applied in the default mode (append)
 *          cpio:append   overlay appended as a second archive
 *          cpio:merge    overlay merged into one rewritten archive
 *          ext2          gzip'd ext2 image; overlay written into the filesystem
 * OVERLAY  newc cpio archive (plain or compressed), relative to the guest-installer
 *          directory unless absolute
 * DISTRO   names of the distributions concerned (informational)
 * </pre>
 *
 * Fields are separated by blanks; paths cannot contain blanks. Map files are read in name
 * order; when an MD5 is mapped twice the later line wins and a warning names both. A bad
 * line is reported as {@code file:line: reason} and skipped; it stops nothing else.
 */
final class MapFiles {
    private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");
    /** Map files are a few lines; anything larger is not one. */
    private static final long MAX_MAP_SIZE = 1 << 20;

    private MapFiles() {
    }

    static Map<String, MapEntry> load(Path dir, Consumer<String> warnings) {
        Map<String, MapEntry> entries = new LinkedHashMap<>();
        List<Path> maps = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.map")) {
            stream.forEach(maps::add);
        } catch (NoSuchFileException e) {
            return entries; // no guest-installer directory: nothing is mapped
        } catch (IOException e) {
            warnings.accept("cannot list map files in " + dir + ": " + e.getMessage());
            return entries;
        }
        maps.sort(null);
        for (Path map : maps) {
            List<String> lines = read(map, warnings);
            for (int i = 0; i < lines.size(); i++) {
                String where = map + ":" + (i + 1);
                MapEntry e = parseLine(lines.get(i), dir, where, warnings);
                if (e != null) {
                    MapEntry before = entries.put(e.md5(), e);
                    if (before != null) {
                        warnings.accept(where + ": initrd " + e.md5() + " is also mapped at "
                                + before.origin() + "; this line wins");
                    }
                }
            }
        }
        return entries;
    }

    private static List<String> read(Path map, Consumer<String> warnings) {
        try {
            if (!Files.isRegularFile(map)) {
                warnings.accept(map + ": not a regular file, ignored");
                return List.of();
            }
            if (Files.size(map) > MAX_MAP_SIZE) {
                warnings.accept(map + ": larger than " + MAX_MAP_SIZE + " bytes, ignored");
                return List.of();
            }
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(map))).toString();
            return Arrays.asList(text.split("\r?\n", -1));
        } catch (CharacterCodingException e) {
            warnings.accept(map + ": not UTF-8 text, ignored");
        } catch (IOException e) {
            warnings.accept(map + ": cannot be read (" + e.getMessage() + "), ignored");
        }
        return List.of();
    }

    /** One line: an entry, or null for a blank/comment line or (with a warning) a bad one. */
    static MapEntry parseLine(String line, Path dir, String where, Consumer<String> warnings) {
        List<String> fields = new ArrayList<>();
        for (String f : line.trim().split("\\s+")) {
            if (f.startsWith("#")) {
                break;
            }
            if (!f.isEmpty()) {
                fields.add(f);
            }
        }
        if (fields.isEmpty()) {
            return null;
        }
        if (fields.size() < 3) {
            warnings.accept(where + ": expected \"MD5 cpio|ext2 OVERLAY DISTRO...\", got \"" + line.trim() + "\"");
            return null;
        }
        String md5 = fields.get(0);
        if (!MD5.matcher(md5).matches()) {
            warnings.accept(where + ": \"" + md5 + "\" is not an MD5 (32 hex digits)");
            return null;
        }
        MapEntry.Kind kind;
        OverlayMode mode = OverlayMode.APPEND;
        switch (fields.get(1).toLowerCase(Locale.ROOT)) {
            case "cpio":
            case "cpio:append":
                kind = MapEntry.Kind.CPIO;
                break;
            case "cpio:merge":
                kind = MapEntry.Kind.CPIO;
                mode = OverlayMode.MERGE;
                break;
            case "ext2":
                kind = MapEntry.Kind.EXT2;
                break;
            default:
                warnings.accept(where + ": unknown type \"" + fields.get(1)
                        + "\" (expected cpio, cpio:append, cpio:merge or ext2)");
                return null;
        }
        Path overlay = dir.resolve(fields.get(2)).normalize();
        return new MapEntry(md5.toLowerCase(Locale.ROOT), kind, mode, overlay,
                fields.subList(3, fields.size()), where);
    }
}
