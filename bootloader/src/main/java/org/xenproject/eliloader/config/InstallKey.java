package org.xenproject.eliloader.config;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The install keys of a VM's other-config: the one list that the VM settings
 * ({@link InstallSettings}), the profiles' {@code requires} and {@code setting} rules, and the
 * record edits all use.
 */
public enum InstallKey {
    REPOSITORY("install-repository", true),
    DISTRO("install-distro", true),
    ARCH("install-arch", true),
    /** The current round; eliloader maintains it. */
    ROUND("install-round", false),
    VNC("install-vnc", true),
    VNC_PASSWORD("install-vncpasswd", true),
    ARGS("install-args", true),
    KERNEL("install-kernel", true),
    RAMDISK("install-ramdisk", true),
    PROXY("install-proxy", true),
    RELEASE("debian-release", true),
    METHODS("install-methods", true),
    /**
     * Written by eliloader after every round but the last: the id of the profile the install
     * follows. Later rounds take it instead of resolving install-distro again, which for an alias
     * or {@code auto} means reading the tree: the repository may be gone by then, and a CD
     * install's boot disk is no longer the CD. Removed after the last round.
     */
    PROFILE("install-profile", false),
    /** The uuid of the secret holding the repository password (never the password itself). */
    REPOSITORY_SECRET("install-repository-secret", false),
    /** {@code false} keeps this VM's boot files out of the host-wide cache (default true). */
    CACHE("install-cache", false);

    private final String key;
    private final boolean profileMayTest;

    InstallKey(String key, boolean profileMayTest) {
        this.key = key;
        this.profileMayTest = profileMayTest;
    }

    /** The other-config key. */
    public String key() {
        return key;
    }

    /** Whether profiles may name the key in {@code requires} and {@code setting} detection rules. */
    public boolean profileMayTest() {
        return profileMayTest;
    }

    /** The key as messages name it: {@code other-config:KEY}. */
    public String described() {
        return "other-config:" + key;
    }

    public static InstallKey forKey(String key) {
        for (InstallKey k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }

    /** The other-config keys profiles may test. */
    public static Set<String> profileKeys() {
        return Stream.of(values()).filter(InstallKey::profileMayTest).map(InstallKey::key)
                .collect(Collectors.toUnmodifiableSet());
    }
}
