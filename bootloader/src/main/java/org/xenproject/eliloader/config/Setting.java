package org.xenproject.eliloader.config;

/**
 * Every host setting, with the names it has on the command line, in the environment and in
 * {@code /etc/eliloader/eliloader.conf}. Precedence: option, then variable, then file, then default.
 */
public enum Setting {
    VM_STORE("vm-store", "ELILOADER_VM_STORE", null),
    XAPI("xapi", "ELILOADER_XAPI", null),
    /** A file of two lines, XenAPI user then password, for a remote xapi; never the password itself. */
    XAPI_CREDENTIALS("xapi-credentials", "ELILOADER_XAPI_CREDENTIALS", null),
    GUEST_INSTALLER_DIR("guest-installer-dir", "ELILOADER_GUEST_INSTALLER_DIR",
            "/opt/xensource/packages/files/guest-installer"),
    PROFILES_DIR("profiles-dir", "ELILOADER_PROFILES_DIR", "/etc/eliloader/profiles.d"),
    PYGRUB("pygrub", "ELILOADER_PYGRUB", "/usr/bin/pygrub"),
    /** Debug switch (the original's never-latch): record nothing, so the VM stays in its install round. */
    KEEP_INSTALLING("keep-installing", "ELILOADER_KEEP_INSTALLING", "false"),
    CA_FILE("ca-file", "ELILOADER_CA_FILE", null),
    CACHE_DIR("cache-dir", "ELILOADER_CACHE_DIR", "/var/cache/eliloader"),
    OUTPUT_DIRECTORY("output-directory", "ELILOADER_OUTPUT_DIRECTORY", "/var/run/xend/boot"),
    /** Read timeout of network sources (every scheme, despite the name), in seconds. */
    HTTP_TIMEOUT_SECONDS("http-timeout", "ELILOADER_HTTP_TIMEOUT", "30"),
    /** Connect timeout of network sources, in seconds. */
    CONNECT_TIMEOUT_SECONDS("connect-timeout", "ELILOADER_CONNECT_TIMEOUT", "10"),
    /** Overall time one file may take, retries and resumes included, in seconds. */
    FETCH_TIMEOUT_SECONDS("fetch-timeout", "ELILOADER_FETCH_TIMEOUT", "600"),
    /** How many times a failed connection or transfer of one file is retried (with backoff). */
    FETCH_RETRIES("fetch-retries", "ELILOADER_FETCH_RETRIES", "4");

    private final String key;
    private final String environmentVariable;
    private final String defaultValue;

    Setting(String key, String environmentVariable, String defaultValue) {
        this.key = key;
        this.environmentVariable = environmentVariable;
        this.defaultValue = defaultValue;
    }

    /** The key in the config file; the command-line option is {@code --KEY=VALUE}. */
    public String key() {
        return key;
    }

    public String environmentVariable() {
        return environmentVariable;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public static Setting forKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
