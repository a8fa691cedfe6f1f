package org.xenproject.eliloader.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.profile.ProfileDocument;
import org.xenproject.eliloader.profile.ProfileException;
import org.xenproject.eliloader.profile.ProfileLoader;
import org.xenproject.eliloader.profile.ProfileRegistry;

/**
 * {@code eliloader profiles list} shows every profile this host knows (jar, shipped folder,
 * profiles directory; later ones override earlier ones by id) and {@code eliloader profiles
 * validate [FILE…]} checks profile files: unknown keys, bad values, {@code extends} that names no
 * profile or forms a cycle, templates with unknown variables — each reported as {@code FILE:LINE: …}.
 */
final class ProfilesCommand {

    /** The options of profiles besides the host settings: flags and options with a value. */
    static final Set<String> FLAGS = Set.of("json");
    static final Set<String> VALUES = Set.of();

    private final PrintStream out;
    private final SubcommandOptions options;
    private final Settings settings;

    ProfilesCommand(List<String> args, Map<String, String> environment, PrintStream out) {
        this.out = out;
        this.options = SubcommandOptions.parse("profiles", args, VALUES, FLAGS);
        this.settings = Settings.resolve(options.settings, environment, Settings.configFile(environment));
    }

    int run() {
        if (options.positional.isEmpty()) {
            throw BootloaderException.usage("profiles needs a command: list or validate.");
        }
        String command = options.positional.get(0);
        List<String> files = options.positional.subList(1, options.positional.size());
        return switch (command) {
            case "list" -> {
                if (!files.isEmpty()) {
                    throw BootloaderException.usage("profiles list takes no files.");
                }
                yield list();
            }
            case "validate" -> validate(files);
            default -> throw BootloaderException.usage("Unknown profiles command \"" + command + "\" (list or validate).");
        };
    }

    private ProfileRegistry registry() {
        return ProfileRegistry.forHost(settings.path(Setting.PROFILES_DIR));
    }

    private int list() {
        ProfileRegistry registry = registry();
        if (options.flag("json")) {
            return listJson(registry);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "ALIASES", "VERSIONS", "FROM", "DESCRIPTION"});
        for (String id : registry.ids().stream().sorted().toList()) {
            Profile p = registry.get(id);
            List<String> aliases = new ArrayList<>();
            for (String alias : p.aliases()) {
                aliases.add(p.defaultFor().contains(alias) ? alias + "*" : alias);
            }
            String from = p.origin();
            if (!registry.overriddenOrigins(id).isEmpty()) {
                from += " (overrides " + String.join(", ", registry.overriddenOrigins(id)) + ")";
            }
            // the release range (release.versions); "!" marks a release that ships no PV installer
            String versions = p.release().map(r -> r.versions()).orElse("-") + (p.unsupported().isPresent() ? "!" : "");
            rows.add(new String[] {id, p.isAbstract() ? "(abstract)" : aliases.isEmpty() ? "-" : String.join(",", aliases),
                    versions, from, p.description()});
        }
        int[] width = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            out.print(String.format("%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %-" + width[3]
                    + "s  %s", (Object[]) row).stripTrailing() + "\n");
        }
        out.print("* the profile an alias means when the tree does not tell the version\n");
        out.print("VERSIONS: the release range a tree's stated version must fall in; ! no Xen PV installer\n");
        out.flush();
        return 0;
    }

    /** {@code profiles list --json}: {"profiles": [{id, abstract, aliases, default_for, from, overrides, description}]}. */
    private int listJson(ProfileRegistry registry) {
        List<Map<String, Object>> profiles = new ArrayList<>();
        for (String id : registry.ids().stream().sorted().toList()) {
            Profile p = registry.get(id);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", id);
            entry.put("abstract", p.isAbstract());
            entry.put("aliases", List.copyOf(p.aliases()));
            entry.put("default_for", List.copyOf(p.defaultFor()));
            entry.put("from", p.origin());
            entry.put("overrides", List.copyOf(registry.overriddenOrigins(id)));
            entry.put("description", p.description());
            profiles.add(entry);
        }
        out.print(Json.object(Map.of("profiles", profiles)));
        out.flush();
        return 0;
    }

    private int validate(List<String> files) {
        ProfileRegistry registry = registry();
        List<String> problems = new ArrayList<>();
        List<ProfileDocument> documents = new ArrayList<>();
        if (files.isEmpty()) {
            problems.addAll(registry.skipped()); // files that did not even load
            registry.ids().forEach(id -> documents.add(registry.document(id).orElseThrow()));
        } else {
            for (String file : files) {
                try {
                    documents.add(ProfileLoader.fromFile(Path.of(file)));
                } catch (ProfileException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        problems.addAll(registry.with(files.isEmpty() ? List.of() : documents).validate(documents));
        for (String problem : problems) {
            out.print(problem + "\n");
        }
        int checked = files.isEmpty() ? documents.size() : files.size();
        out.print(checked + (checked == 1 ? " profile" : " profiles") + " checked, " + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + ".\n");
        out.flush();
        return problems.isEmpty() ? 0 : 1;
    }
}
