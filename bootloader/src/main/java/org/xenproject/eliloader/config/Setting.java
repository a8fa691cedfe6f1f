package org.xenproject.eliloader.config;

/**
 * Every host setting, with the names it has on the command line, in the environment and in
 * {@code /etc/eliloader/eliloader.conf}, and the kind of value it takes. Precedence: option, then
 * variable, then file, then default. {@link Settings} checks every value against its kind.
 */
public enum Setting {
    VM_STORE("vm-store", "ELILOADER_VM_STORE", Kind.PATH, null),
    XAPI("xapi", "ELILOADER_XAPI", Kind.TEXT, null),
    /** A file of two lines, XenAPI user then password, for a remote xapi; never the password itself. */
    XAPI_CREDENTIALS("xapi-credentials", "ELILOADER_XAPI_CREDENTIALS", Kind.PATH, null),
    GUEST_INSTALLER_DIR("guest-installer-dir", "ELILOADER_GUEST_INSTALLER_DIR", Kind.PATH,
            "/opt/xensource/packages/files/guest-installer"),
    PROFILES_DIR("profiles-dir", "ELILOADER_PROFILES_DIR", Kind.PATH, "/etc/eliloader/profiles.d"),
    PYGRUB("pygrub", "ELILOADER_PYGRUB", Kind.PATH, "/usr/bin/pygrub"),
    /** Debug switch (the original's never-latch): record nothing, so the VM stays in its install round. */
    KEEP_INSTALLING("keep-installing", "ELILOADER_KEEP_INSTALLING", Kind.FLAG, "false"),
    CA_FILE("ca-file", "ELILOADER_CA_FILE", Kind.PATH, null),
    /**
     * The directories {@code file://} repositories may lie in, ':'-separated; none by default, so
     * {@code file://} is refused until the host names some ({@code /} is never one).
     */
    FILE_ROOTS("file-roots", "ELILOADER_FILE_ROOTS", Kind.TEXT, null),
    /** The host-wide cache of fetched boot files (see {@code org.xenproject.eliloader.cache}). */
    CACHE_DIR("cache-dir", "ELILOADER_CACHE_DIR", Kind.PATH, "/var/cache/eliloader"),
    /** Fetch without the host-wide cache (a VM opts out with other-config:install-cache=false). */
    NO_CACHE("no-cache", "ELILOADER_NO_CACHE", Kind.FLAG, "false"),
    /** The most the cache keeps, in MiB; the least recently used entries go first. */
    CACHE_MAX_SIZE("cache-max-size", "ELILOADER_CACHE_MAX_SIZE", Kind.MEBIBYTES, "2048"),
    OUTPUT_DIRECTORY("output-directory", "ELILOADER_OUTPUT_DIRECTORY", Kind.PATH, "/var/run/xend/boot"),
    /** Read timeout of network sources (every scheme, despite the name), in seconds. */
    HTTP_TIMEOUT_SECONDS("http-timeout", "ELILOADER_HTTP_TIMEOUT", Kind.SECONDS, "30"),
    /** Connect timeout of network sources, in seconds. */
    CONNECT_TIMEOUT_SECONDS("connect-timeout", "ELILOADER_CONNECT_TIMEOUT", Kind.SECONDS, "10"),
    /** Overall time one file may take, retries and resumes included, in seconds. */
    FETCH_TIMEOUT_SECONDS("fetch-timeout", "ELILOADER_FETCH_TIMEOUT", Kind.SECONDS, "600"),
    /** curl's --speed-limit: a file slower than this many bytes/s over speed-time is given up (0: off). */
    SPEED_LIMIT("speed-limit", "ELILOADER_SPEED_LIMIT", Kind.RATE, "1000"),
    /** curl's --speed-time, in seconds (the window of speed-limit). */
    SPEED_TIME_SECONDS("speed-time", "ELILOADER_SPEED_TIME", Kind.SECONDS, "20"),
    /** How many times a failed connection or transfer of one file is retried (with backoff). */
    FETCH_RETRIES("fetch-retries", "ELILOADER_FETCH_RETRIES", Kind.COUNT, "4"),
    /**
     * The user (name or numeric uid) guest disks and CD images are read as, and pygrub is given
     * with {@code --runas}, when the caller names none (libxl's {@code --runas=UID} wins); unset:
     * the system user {@code eliloader} when it exists, else root; {@code root}: always root.
     */
    GUEST_READER_USER("guest-reader-user", "ELILOADER_GUEST_READER_USER", Kind.TEXT, null),
    /** The most one round-2 action may spend reading the guest's disk with pygrub, in seconds. */
    GUEST_PROBE_TIMEOUT_SECONDS("guest-probe-timeout", "ELILOADER_GUEST_PROBE_TIMEOUT", Kind.SECONDS, "60"),
    /** Under xl: where the install state of each VM is kept, one file a VM (see {@code toolstack.xl}). */
    XL_STATE_DIR("xl-state-dir", "ELILOADER_XL_STATE_DIR", Kind.PATH, "/var/lib/eliloader/xl"),
    /** Under xl: the program that reads a domain's name from xenstore (package xenstore-utils on Debian). */
    XENSTORE_READ("xenstore-read", "ELILOADER_XENSTORE_READ", Kind.PATH, "/usr/bin/xenstore-read");

    /** What a setting's value is; {@link Settings} parses each kind in one way. */
    public enum Kind {
        /** Free text (e.g. a socket path or a URL). */
        TEXT("text"),
        /** A file or directory name: not blank, no NUL. */
        PATH("a file or directory name"),
        /** Whole seconds, 1 to a day. */
        SECONDS("a whole number of seconds from 1 to 86400"),
        /** A whole number from 0 to 100. */
        COUNT("a whole number from 0 to 100"),
        /** Bytes per second, 0 to 10^9. */
        RATE("a whole number of bytes per second from 0 to 1000000000"),
        /** A size in MiB, 0 to 1 TiB. */
        MEBIBYTES("a whole number of MiB from 0 to 1048576"),
        /** true/false, 1/0, yes/no, on/off. */
        FLAG("true or false");

        private final String expected;

        Kind(String expected) {
            this.expected = expected;
        }

        /** What a value of this kind must be, for error sentences. */
        public String expected() {
            return expected;
        }
    }

    private final String key;
    private final String environmentVariable;
    private final Kind kind;
    private final String defaultValue;

    Setting(String key, String environmentVariable, Kind kind, String defaultValue) {
        this.key = key;
        this.environmentVariable = environmentVariable;
        this.kind = kind;
        this.defaultValue = defaultValue;
    }

    /** The key in the config file; the command-line option is {@code --KEY=VALUE}. */
    public String key() {
        return key;
    }

    public String environmentVariable() {
        return environmentVariable;
    }

    public Kind kind() {
        return kind;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** The three places the setting can be given, for messages: the same words wherever the value came from. */
    public String spellings() {
        return "--" + key + ", " + environmentVariable + " or \"" + key + " =\" in the config file";
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
