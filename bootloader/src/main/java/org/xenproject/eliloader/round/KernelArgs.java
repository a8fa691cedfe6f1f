package org.xenproject.eliloader.round;

import java.util.ArrayList;
import java.util.List;

import org.xenproject.eliloader.config.InstallSettings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.profile.Profile;

/**
 * The installer's command line: the VM's part (its PV args or the caller's, as
 * {@link CallerRequest.Caller#vmArgs} decides for each caller), then the profile's repository
 * argument, VNC arguments when asked for, and the template's {@code install-args}, in that order
 * (later arguments win in both anaconda and linuxrc).
 */
public final class KernelArgs {
    private KernelArgs() {
    }

    public static String build(InstallContext context, String vmArgs) {
        InstallSettings settings = context.settings();
        Profile profile = context.profile();
        List<String> parts = new ArrayList<>();
        add(parts, vmArgs);
        if (settings.isCdrom()) {
            profile.arg("cdrom").map(context::expand).ifPresent(a -> add(parts, a));
        } else {
            profile.arg("repository").map(context::expand).ifPresent(a -> add(parts, a));
        }
        profile.arg("always").map(context::expand).ifPresent(a -> add(parts, a));
        if (settings.vnc()) {
            profile.arg("vnc").map(context::expand).ifPresent(a -> add(parts, a));
        }
        checkVncPassword(context);
        if (settings.vncPassword() != null && profile.arg("vnc-password").isPresent()) {
            add(parts, context.expand(profile.arg("vnc-password").get()));
        }
        add(parts, settings.installArgs());
        return String.join(" ", parts);
    }

    /**
     * Refuses a VNC password the installer would not take (it would stop and ask on the console);
     * called before anything is fetched, and again when the arguments are built.
     */
    static void checkVncPassword(InstallContext context) {
        String password = context.settings().vncPassword();
        Profile profile = context.profile();
        if (password == null && context.settings().vnc() && profile.vncPasswordRequired()
                && profile.arg("vnc").isPresent()) {
            throw BootloaderException.invalidSource("other-config:install-vnc is on but install-vncpasswd is not set,"
                    + " and the " + profile.id() + " installer (" + profile.arg("vnc").get().split(" ")[0]
                    + ") would stop to ask for credentials on the console; set install-vncpasswd.");
        }
        if (password != null && profile.arg("vnc-password").isPresent()) {
            checkPassword(profile, password);
        }
    }

    private static void checkPassword(Profile profile, String password) {
        Profile.PasswordRule rule = profile.vncPassword();
        int length = password.length();
        boolean tooShort = rule.minLength() > 0 && length < rule.minLength();
        boolean tooLong = rule.maxLength() > 0 && length > rule.maxLength();
        if (tooShort || tooLong || password.chars().anyMatch(Character::isWhitespace)) {
            String range = rule.maxLength() > 0 ? rule.minLength() + " to " + rule.maxLength()
                    : "at least " + rule.minLength();
            throw BootloaderException.invalidSource("other-config:install-vncpasswd does not suit the "
                    + profile.id() + " installer, which wants " + range
                    + " characters without spaces and would otherwise stop to ask for one.");
        }
    }

    private static void add(List<String> parts, String text) {
        if (text != null && !text.isBlank()) {
            parts.add(text.strip());
        }
    }
}
