package org.xenproject.eliloader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.jr.ob.JSON;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.Run;

/** {@code probe --json} and {@code profiles list --json}: one JSON object that a script can parse, same facts as the text. */
class JsonOutputTest {
    @TempDir
    Path dir;

    private Map<String, Object> json(Run run) throws Exception {
        assertThat(run.stderr()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(run.stdout()).endsWith("}\n");
        return JSON.std.mapFrom(run.stdout());
    }

    private Map<String, String> env() {
        return Map.of("ELILOADER_PROFILES_DIR", dir.resolve("site").toString(), "ELILOADER_CONFIG",
                dir.resolve("none.conf").toString(), "ELILOADER_SYSLOG", "0",
                "ELILOADER_FILE_ROOTS", ProjectPaths.trees().toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void probeJsonCarriesTheProfileTheFilesTheArgsAndThePlan() throws Exception {
        Path tree = ProjectPaths.trees().resolve("rhel7");
        String url = tree.toUri().toString();
        Map<String, Object> probe = json(Run.of(env(), List.of("probe", "--repository", url, "--arch", "x86_64",
                "--vnc", "--vnc-password", "s3cretpw", "--json")));

        assertThat((Map<String, Object>) probe.get("profile")).containsEntry("id", "rhel-7");
        assertThat(probe).containsEntry("round", 1).containsEntry("arch", "x86_64").containsEntry("cdrom", false);
        assertThat((String) probe.get("chosen")).startsWith("detected from .treeinfo");
        byte[] kernel = Files.readAllBytes(tree.resolve("images/pxeboot/vmlinuz"));
        Map<String, Object> k = (Map<String, Object>) probe.get("kernel");
        assertThat(k).containsEntry("source", "images/pxeboot/vmlinuz").containsEntry("size", kernel.length)
                .containsEntry("md5", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(kernel)))
                .containsEntry("verified", true).containsEntry("verification", "sha256 from .treeinfo [checksums]");
        assertThat(probe.get("initrd")).isInstanceOf(Map.class);
        assertThat((String) probe.get("kernel_args")).contains("inst.vnc").contains("********")
                .doesNotContain("s3cretpw");
        assertThat(run(probe, "record_edits")).containsExactly("PV-bootloader=pygrub");
        List<Map<String, Object>> rounds = (List<Map<String, Object>>) probe.get("rounds");
        assertThat(rounds).hasSize(1);
        assertThat(rounds.get(0)).containsEntry("number", 1).containsEntry("then", "PV-bootloader=pygrub");
        assertThat((Map<String, Object>) probe.get("metadata")).containsKeys("read", "absent", "unreadable");
    }

    @SuppressWarnings("unchecked")
    private static List<String> run(Map<String, Object> json, String key) {
        return (List<String>) json.get(key);
    }

    @Test
    @SuppressWarnings("unchecked")
    void profilesListJsonHasEveryProfileOfTheTable() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/site-rhel.yaml"), "extends: rhel-5\ndescription: our RHEL\naliases: [rhlike]\n");
        Map<String, Object> list = json(Run.of(env(), List.of("profiles", "list", "--json")));
        List<Map<String, Object>> profiles = (List<Map<String, Object>>) list.get("profiles");

        String table = Run.of(env(), List.of("profiles", "list")).stdout();
        long rows = table.lines().count() - 3; // heading and two footnotes
        assertThat(profiles).hasSize((int) rows);
        assertThat(profiles).extracting(p -> p.get("id")).contains("rhel-5", "debian", "site-rhel");
        Map<String, Object> rhel5 = profiles.stream().filter(p -> p.get("id").equals("rhel-5")).findFirst().orElseThrow();
        assertThat((List<String>) rhel5.get("default_for")).contains("rhlike");
        assertThat(rhel5).containsEntry("abstract", false);
        Map<String, Object> site = profiles.stream().filter(p -> p.get("id").equals("site-rhel")).findFirst().orElseThrow();
        assertThat(site).containsEntry("description", "our RHEL");
        assertThat((String) site.get("from")).contains("site-rhel.yaml");
    }
}
