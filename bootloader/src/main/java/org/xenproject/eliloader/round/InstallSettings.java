package org.xenproject.eliloader.round;

import java.util.Map;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.toolstack.VmRecord;

/**
 * The install keys of a VM's other-config, with the original eliloader's defaults.
 * {@code profile} is {@value #PROFILE}, which eliloader itself writes: the profile round 1 chose,
 * so that later rounds need neither the tree nor detection (null when absent).
 */
public record InstallSettings(String repository, String distro, String arch, int round, boolean vnc,
        String vncPassword, String installArgs, String kernel, String ramdisk, String proxy, String release,
        String methods, String profile) {

    public static final String REPOSITORY = "install-repository";
    public static final String DISTRO = "install-distro";
    public static final String ARCH = "install-arch";
    public static final String ROUND = "install-round";
    public static final String VNC = "install-vnc";
    public static final String VNC_PASSWORD = "install-vncpasswd";
    public static final String ARGS = "install-args";
    public static final String KERNEL = "install-kernel";
    public static final String RAMDISK = "install-ramdisk";
    public static final String PROXY = "install-proxy";
    public static final String RELEASE = "debian-release";
    public static final String METHODS = "install-methods";
    /**
     * Written by eliloader after every round but the last: the id of the profile the install
     * follows. Later rounds take it instead of resolving install-distro again, which for an alias
     * or {@code auto} means reading the tree: the repository may be gone by then, and a CD
     * install's boot disk is no longer the CD. Removed after the last round.
     */
    public static final String PROFILE = "install-profile";

    public static InstallSettings of(VmRecord vm) {
        Map<String, String> oc = vm.otherConfig();
        String repository = blankToNull(oc.get(REPOSITORY));
        if (repository == null) {
            throw BootloaderException.unsupportedInstallMethod("other-config:" + REPOSITORY
                    + " is not set on VM " + vm.uuid() + "; it is required to install from a repository.");
        }
        String roundText = oc.getOrDefault(ROUND, "1").strip();
        int round;
        try {
            round = Integer.parseInt(roundText);
        } catch (NumberFormatException e) {
            round = -1;
        }
        if (round < 1) {
            throw BootloaderException.invalidSource("other-config:" + ROUND + " is \"" + roundText
                    + "\"; it must be a round number starting at 1.");
        }
        String vnc = oc.getOrDefault(VNC, "false").strip().toLowerCase();
        return new InstallSettings(repository, oc.getOrDefault(DISTRO, "rhlike").strip(),
                oc.getOrDefault(ARCH, "i386").strip(), round, vnc.equals("true") || vnc.equals("1"),
                blankToNull(oc.get(VNC_PASSWORD)), blankToNull(oc.get(ARGS)), blankToNull(oc.get(KERNEL)),
                blankToNull(oc.get(RAMDISK)), blankToNull(oc.get(PROXY)), blankToNull(oc.get(RELEASE)),
                blankToNull(oc.get(METHODS)), blankToNull(oc.get(PROFILE) == null ? null : oc.get(PROFILE).strip()));
    }

    /** The value of an other-config key this record knows, for profiles' {@code requires}. */
    public String valueOf(String otherConfigKey) {
        return switch (otherConfigKey) {
            case REPOSITORY -> repository;
            case DISTRO -> distro;
            case ARCH -> arch;
            case VNC_PASSWORD -> vncPassword;
            case ARGS -> installArgs;
            case KERNEL -> kernel;
            case RAMDISK -> ramdisk;
            case PROXY -> proxy;
            case RELEASE -> release;
            case METHODS -> methods;
            default -> null;
        };
    }

    /** The profile round 1 chose, for the rounds after it; null in round 1, which always chooses afresh. */
    public String chosenProfile() {
        return round > 1 ? profile : null;
    }

    public boolean isCdrom() {
        return "cdrom".equals(repository);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
