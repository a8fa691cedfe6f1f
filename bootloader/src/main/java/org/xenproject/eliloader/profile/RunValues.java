package org.xenproject.eliloader.profile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The install settings of one run as profiles see them: the built-in variables (repository,
 * arch, release, …) and the other-config values that {@code requires} and {@code setting}
 * detection rules test.
 *
 * @param repository the {@code install-repository} text
 * @param installArch the {@code install-arch} value
 * @param otherConfig the VM's install keys by other-config name ({@code debian-release}, …), null when unset
 */
public record RunValues(String repository, String installArch, Function<String, String> otherConfig) {

    public String setting(String key) {
        return otherConfig.apply(key);
    }

    /** The other-config keys the profile requires that are not set. */
    public List<String> missing(Profile profile) {
        return profile.requires().stream().filter(k -> blank(setting(k))).toList();
    }

    /** The built-in variables, with the profile's name for the arch. */
    public Map<String, String> builtins(Profile profile) {
        Map<String, String> vars = new LinkedHashMap<>();
        String location = repository == null ? "" : repository.strip();
        String trimmed = location;
        while (trimmed.endsWith("/") && trimmed.length() > 1) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        vars.put("repository", trimmed);
        String[] parts = split(trimmed);
        vars.put("repository-scheme", parts[0]);
        vars.put("repository-host", parts[1]);
        vars.put("repository-path", parts[2]);
        // anaconda (method= and inst.repo=) knows NFS trees only as nfs:SERVER:/PATH
        vars.put("repository-anaconda", "nfs".equals(parts[0])
                ? "nfs:" + stripTrailingColon(parts[1]) + ":" + (parts[2].startsWith("/") ? parts[2] : "/" + parts[2])
                : trimmed);
        vars.put("arch", profile.archName(installArch));
        vars.put("install-arch", installArch);
        vars.put("release", orEmpty(setting("debian-release")));
        vars.put("vnc-password", orEmpty(setting("install-vncpasswd")));
        vars.put("install-kernel", strip(orEmpty(setting("install-kernel"))));
        vars.put("install-ramdisk", strip(orEmpty(setting("install-ramdisk"))));
        return vars;
    }

    /** Every variable of the run for this profile. */
    public Map<String, String> variables(Profile profile) {
        return profile.variables(builtins(profile), repository);
    }

    /** scheme, host[:port], path of a repository location ({@code nfs:server:/path} as well). */
    static String[] split(String location) {
        int sep = location.indexOf("://");
        if (sep > 0) {
            String rest = location.substring(sep + 3);
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            int at = authority.lastIndexOf('@');
            return new String[] {location.substring(0, sep).toLowerCase(java.util.Locale.ROOT),
                    at < 0 ? authority : authority.substring(at + 1), slash < 0 ? "" : rest.substring(slash)};
        }
        if (location.startsWith("nfs:")) {
            String rest = location.substring(4);
            int colon = rest.indexOf(':');
            return new String[] {"nfs", colon < 0 ? rest : rest.substring(0, colon), colon < 0 ? "" : rest.substring(colon + 1)};
        }
        return new String[] {location, "", ""};
    }

    private static String stripTrailingColon(String host) {
        return host.endsWith(":") ? host.substring(0, host.length() - 1) : host;
    }

    private static String strip(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
