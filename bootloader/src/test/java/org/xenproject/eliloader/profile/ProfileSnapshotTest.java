package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.testsupport.ProjectPaths;

/** The build's snapshot of the shipped profiles stands for exactly what parsing their YAML gives. */
class ProfileSnapshotTest {

    @Test
    void theBuildHoldsEveryShippedProfileAsItsYamlParses() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(ProjectPaths.root().resolve("distro-profiles"))) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<ProfileSnapshot.Entry> shipped = ProfileSnapshot.shipped();
        assertThat(shipped).as("run mvn process-classes: the snapshot is made then").hasSize(files.size());
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            ProfileSnapshot.Entry entry = shipped.get(i);
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(entry.name() + ".yaml").isEqualTo(file.getFileName().toString());
            assertThat(entry.text()).isEqualTo(text);
            ProfileDocument fresh = ProfileLoader.parseText(entry.name(), entry.document().origin(), text);
            assertThat(entry.document()).as(file.toString()).isEqualTo(fresh);
        }
    }

    @Test
    void aDirectoryFileWithTheShippedTextTakesTheStoredDocumentAndAnEditedOneIsParsed() throws IOException {
        ProfileSnapshot.Entry debian = ProfileSnapshot.shipped().stream().filter(e -> e.name().equals("debian"))
                .findFirst().orElseThrow();
        ProfileDocument same = ProfileLoader.parse("debian", "/etc/eliloader/profiles.d/debian.yaml", debian.text());
        assertThat(same.origin()).isEqualTo("/etc/eliloader/profiles.d/debian.yaml");
        assertThat(same.data()).isEqualTo(debian.document().data());
        assertThat(same.lines()).isEqualTo(debian.document().lines());

        ProfileDocument edited = ProfileLoader.parse("debian", "/etc/eliloader/profiles.d/debian.yaml",
                debian.text() + "x-unused-key: edited on this host\n");
        assertThat(edited.data()).isNotEqualTo(debian.document().data());
        assertThat(edited.data()).containsEntry("x-unused-key", "edited on this host");
    }

    @Test
    void valuesOfEveryKindSurviveTheRoundTrip() throws IOException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("text", "caf\u00e9 \"quoted\"\nline");
        data.put("yes", true);
        data.put("no", false);
        data.put("none", null);
        data.put("int", 42);
        data.put("long", 1L << 40);
        data.put("big", new BigInteger("123456789012345678901234567890"));
        data.put("double", 1.5);
        Map<Object, Object> nested = new LinkedHashMap<>();
        nested.put(5, "numeric key");
        nested.put("list", new ArrayList<>(List.of("a", 1, List.of())));
        data.put("nested", nested);
        ProfileDocument doc = new ProfileDocument("x", "jar:distro-profiles/x.yaml", data,
                Map.of("text", 1, "nested.list[0]", 12));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProfileSnapshot.write(List.of(new ProfileSnapshot.Entry("x", "text: ...\n", doc)), bytes);

        List<ProfileSnapshot.Entry> back = ProfileSnapshot.read(new ByteArrayInputStream(bytes.toByteArray()));

        assertThat(back).hasSize(1);
        assertThat(back.get(0).document()).isEqualTo(doc);
        assertThat(new ArrayList<>(back.get(0).document().data().keySet())).containsExactlyElementsOf(data.keySet());
        assertThat(back.get(0).text()).isEqualTo("text: ...\n");
    }
}
