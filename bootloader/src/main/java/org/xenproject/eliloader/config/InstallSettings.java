package org.xenproject.eliloader.config;

import java.util.Map;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.Secrets;

/**
 * The VM settings: the install keys of a VM's other-config ({@link InstallKey}), parsed and
 * checked once, with the original eliloader's defaults. A bad value is an
 * {@code INVALID_SOURCE} error naming the key.
 *
 * @param profile the value of {@code install-profile}, which eliloader itself writes (null when absent)
 * @param repositorySecret the uuid of the secret holding the repository password, null when none
 */
public record InstallSettings(String repository, String distro, String arch, int round, boolean vnc,
        String vncPassword, String installArgs, String kernel, String ramdisk, String proxy, String release,
        String methods, String profile, String repositorySecret, boolean cache) {

    /** A Debian/Ubuntu suite or codename: one name, as the archive's dists/ folders are named. */
    private static final java.util.regex.Pattern RELEASE_NAME = java.util.regex.Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9.+_~-]{0,63}");

    /**
     * Reads the install keys of {@code otherConfig}, the other-config of VM {@code vmUuid}.
     */
    public static InstallSettings of(String vmUuid, Map<String, String> otherConfig) {
        Map<String, String> oc = otherConfig;
        String repository = blankToNull(oc.get(InstallKey.REPOSITORY.key()));
        if (repository == null) {
            throw BootloaderException.unsupportedInstallMethod(InstallKey.REPOSITORY.described()
                    + " is not set on VM " + vmUuid + "; it is required to install from a repository.");
        }
        String roundText = oc.getOrDefault(InstallKey.ROUND.key(), "1");
        Long round = Values.wholeNumber(roundText.strip(), 1, 1000);
        if (round == null) {
            throw BootloaderException.invalidSource(InstallKey.ROUND.described() + " is "
                    + Values.quote(roundText) + "; it must be a round number starting at 1.");
        }
        String vncText = oc.getOrDefault(InstallKey.VNC.key(), "false");
        Boolean vnc = Values.flag(vncText);
        if (vnc == null) {
            throw BootloaderException.invalidSource(InstallKey.VNC.described() + " is " + Values.quote(vncText)
                    + "; it must be true or false.");
        }
        // what is secret in the record is known from here on to every message and log line
        Secrets.register(value(oc, InstallKey.VNC_PASSWORD));
        Secrets.registerUserInfo(repository);
        Secrets.registerUserInfo(value(oc, InstallKey.PROXY));
        return new InstallSettings(repository, oc.getOrDefault(InstallKey.DISTRO.key(), "rhlike").strip(),
                oc.getOrDefault(InstallKey.ARCH.key(), "i386").strip(), round.intValue(), vnc,
                value(oc, InstallKey.VNC_PASSWORD), value(oc, InstallKey.ARGS), value(oc, InstallKey.KERNEL),
                value(oc, InstallKey.RAMDISK), value(oc, InstallKey.PROXY), release(oc),
                value(oc, InstallKey.METHODS), stripped(oc, InstallKey.PROFILE),
                stripped(oc, InstallKey.REPOSITORY_SECRET), usesCache(oc));
    }

    /** The value of an install key as profiles see it ({@code requires}, {@code setting} rules); null when unset. */
    public String valueOf(InstallKey key) {
        return switch (key) {
            case REPOSITORY -> repository;
            case DISTRO -> distro;
            case ARCH -> arch;
            case ROUND -> Integer.toString(round);
            case VNC -> vnc ? "true" : null;
            case VNC_PASSWORD -> vncPassword;
            case ARGS -> installArgs;
            case KERNEL -> kernel;
            case RAMDISK -> ramdisk;
            case PROXY -> proxy;
            case RELEASE -> release;
            case METHODS -> methods;
            case PROFILE -> profile;
            case REPOSITORY_SECRET -> repositorySecret;
            case CACHE -> Boolean.toString(cache);
        };
    }

    /** {@link #valueOf(InstallKey)} by other-config name; null for a key that is not an install key. */
    public String valueOf(String otherConfigKey) {
        InstallKey key = InstallKey.forKey(otherConfigKey);
        return key == null ? null : valueOf(key);
    }

    /** Whether the VM lets its boot files go through the host-wide cache ({@code install-cache}, default true). */
    static boolean usesCache(Map<String, String> otherConfig) {
        String text = otherConfig.get(InstallKey.CACHE.key());
        if (text == null || text.isBlank()) {
            return true;
        }
        Boolean flag = Values.flag(text.strip());
        if (flag == null) {
            throw BootloaderException.invalidSource(InstallKey.CACHE.described() + " is " + Values.quote(text)
                    + "; it must be true or false.");
        }
        return flag;
    }

    /** The profile round 1 chose, for the rounds after it; null in round 1, which always chooses afresh. */
    public String chosenProfile() {
        return round > 1 ? profile : null;
    }

    public boolean isCdrom() {
        return "cdrom".equals(repository);
    }

    /** The same settings for a CD install (probe's {@code --cdrom}). */
    public InstallSettings asCdrom() {
        return new InstallSettings("cdrom", distro, arch, round, vnc, vncPassword, installArgs, kernel, ramdisk, proxy,
                release, methods, profile, repositorySecret, cache);
    }

    /** {@code debian-release}: one suite or codename, never a path (it is put into tree paths and d-i's mirror/suite). */
    private static String release(Map<String, String> oc) {
        String release = stripped(oc, InstallKey.RELEASE);
        if (release != null && !RELEASE_NAME.matcher(release).matches()) {
            throw BootloaderException.invalidSource(InstallKey.RELEASE.described() + " is " + Values.quote(release)
                    + "; it must name a suite or codename of the archive (such as bookworm or focal-updates),"
                    + " never a path.");
        }
        return release;
    }

    private static String value(Map<String, String> oc, InstallKey key) {
        return blankToNull(oc.get(key.key()));
    }

    private static String stripped(Map<String, String> oc, InstallKey key) {
        String value = blankToNull(oc.get(key.key()));
        return value == null ? null : value.strip();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
