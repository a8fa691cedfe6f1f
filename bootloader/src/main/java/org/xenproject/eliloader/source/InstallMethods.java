package org.xenproject.eliloader.source;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * A template's {@code other-config:install-methods} (e.g. {@code cdrom,nfs,http,ftp}), copied to
 * the VM with the template: when present, the repository's scheme must be listed. {@code https}
 * counts as {@code http} (the list predates https) unless {@code https} is listed on its own;
 * {@code smb} and {@code file} must be listed by name. Absent or blank: every scheme is allowed.
 */
public final class InstallMethods {
    public static final String KEY = "install-methods";

    private InstallMethods() {
    }

    /** Throws {@code UNSUPPORTED_INSTALL_METHOD} naming both the list and the repository. */
    public static void check(Repository repository, String methods) {
        if (methods == null || methods.isBlank()) {
            return;
        }
        Set<String> listed = parse(methods);
        String method = repository.scheme().installMethod();
        boolean allowed = listed.contains(method)
                || (repository.scheme() == Repository.Scheme.HTTPS && listed.contains("http"));
        if (!allowed) {
            throw BootloaderException.unsupportedInstallMethod("The repository " + repository.masked() + " is an "
                    + method + " repository, but the template's other-config:" + KEY + " is \""
                    + String.join(",", listed) + "\", which does not list " + method + ".");
        }
    }

    static Set<String> parse(String methods) {
        Set<String> listed = new LinkedHashSet<>();
        for (String item : methods.split("[,\\s]+")) {
            if (!item.isBlank()) {
                listed.add(item.strip().toLowerCase(Locale.ROOT));
            }
        }
        return listed;
    }
}
