package org.xenproject.eliloader.toolstack.xl;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.log.Log;

/**
 * Which VM an xl start is for. libxl names no VM: it passes the domain's output paths, which
 * carry its domain id ({@code --output-directory=/var/lib/xen/bootloader.DOMID.d},
 * {@code --output=/var/lib/xen/bootloader.DOMID.out}, {@code libxl_bootloader.c}), and the domain
 * already exists with its name in xenstore ({@code /local/domain/DOMID/name}, the config's
 * {@code name}), which is stable across {@code xl create}s where the domain id is not. So: an
 * explicit {@code --vm=NAME} (in {@code bootloader_args}) wins; else {@code --domid=N}, else the
 * domain id in the output directory's (or output file's) name, read with {@code xenstore-read}.
 *
 * <p>The name becomes a file name in the state directory, so it must pass {@link #NAME}: letters,
 * digits, {@code . _ + -}, not starting with a dot or dash, at most 64 characters.
 */
public final class XlIdentity {
    /** A VM name that is safe as a file name (xl itself allows more; those need --vm=NAME). */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+][A-Za-z0-9._+-]{0,63}");
    private static final Pattern OUTPUT_DIRECTORY = Pattern.compile("bootloader\\.([0-9]{1,10})\\.d");
    private static final Pattern OUTPUT_FILE = Pattern.compile("bootloader\\.([0-9]{1,10})\\.out");
    private static final long XENSTORE_TIMEOUT_SECONDS = 10;

    private XlIdentity() {
    }

    /**
     * The VM's name.
     *
     * @param explicit {@code --vm=NAME}, or null
     * @param domid {@code --domid=N}, or null
     * @param outputDirectory {@code --output-directory}, or null
     * @param output {@code --output}, or null / {@code -}
     * @param xenstoreRead the host's {@code xenstore-read}
     */
    public static String resolve(String explicit, String domid, String outputDirectory, String output,
            Path xenstoreRead) {
        if (explicit != null && !explicit.isBlank()) {
            return checkedOption(explicit.strip());
        }
        String id = domid != null ? checkedDomid(domid) : domidFromPaths(outputDirectory, output);
        if (id == null) {
            throw BootloaderException.usage("No VM name for this xl start: add \"--vm=NAME\" to bootloader_args"
                    + " (without it the name is read from xenstore for the domain id in libxl's"
                    + " --output-directory=/var/lib/xen/bootloader.DOMID.d).");
        }
        String name = readName(xenstoreRead, id);
        if (!NAME.matcher(name).matches()) {
            throw BootloaderException.invalidSource("The name of domain " + id + " in xenstore, "
                    + MessageText.quoted(name, 60) + ", cannot name a state file (letters, digits, . _ + - only, at most 64,"
                    + " not starting with . or -); add \"--vm=NAME\" to bootloader_args.");
        }
        return name;
    }

    /** {@code --vm=NAME}: the same name policy, a usage error. */
    public static String checkedOption(String name) {
        if (!NAME.matcher(name).matches()) {
            throw BootloaderException.usage("--vm=" + MessageText.quoted(name, 60) + " cannot name a state file: use letters,"
                    + " digits, . _ + - only, at most 64 characters, not starting with . or -.");
        }
        return name;
    }

    /** The domain id in libxl's output paths, or null when they are not libxl's. */
    static String domidFromPaths(String outputDirectory, String output) {
        if (outputDirectory != null) {
            Matcher m = OUTPUT_DIRECTORY.matcher(fileName(outputDirectory));
            if (m.matches()) {
                return m.group(1);
            }
        }
        if (output != null && !"-".equals(output)) {
            Matcher m = OUTPUT_FILE.matcher(fileName(output));
            if (m.matches()) {
                return m.group(1);
            }
        }
        return null;
    }

    private static String checkedDomid(String domid) {
        if (!domid.strip().matches("[0-9]{1,10}")) {
            throw BootloaderException.usage("--domid=" + MessageText.quoted(domid, 60) + " is not a domain id.");
        }
        return domid.strip();
    }

    private static String fileName(String path) {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        int slash = trimmed.lastIndexOf('/');
        return slash < 0 ? trimmed : trimmed.substring(slash + 1);
    }

    /** {@code xenstore-read /local/domain/DOMID/name}, as an argument list. */
    private static String readName(Path xenstoreRead, String domid) {
        List<String> command = List.of(xenstoreRead.toString(), "/local/domain/" + domid + "/name");
        Log.info("running " + String.join(" ", command));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw BootloaderException.supportPackageMissing("Cannot run " + xenstoreRead + " to read the name of domain "
                    + domid + " (" + e.getMessage() + "); install xenstore-utils, name the program with --xenstore-read=PATH,"
                    + " or add \"--vm=NAME\" to bootloader_args.");
        }
        try {
            byte[] output = bounded(process.getInputStream());
            if (!process.waitFor(XENSTORE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, xenstoreRead + " did not answer within "
                        + XENSTORE_TIMEOUT_SECONDS + " seconds for domain " + domid + ".");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot read the name of domain " + domid
                        + " from xenstore (" + xenstoreRead + " exit status " + process.exitValue() + ": "
                        + MessageText.quoted(text.strip(), 200) + "); add \"--vm=NAME\" to bootloader_args.");
            }
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw BootloaderException.internal("Interrupted while reading the domain's name from xenstore.", e);
        } catch (IOException e) {
            process.destroyForcibly();
            throw BootloaderException.internal("Cannot read what " + xenstoreRead + " printed: " + e.getMessage(), e);
        }
    }

    /** At most 4 KiB of output: a name is short, and a longer answer fails the name policy anyway. */
    private static byte[] bounded(InputStream in) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (kept.size() < 4096) {
                kept.write(buffer, 0, Math.min(n, 4096 - kept.size()));
            }
        }
        return kept.toByteArray();
    }
}
