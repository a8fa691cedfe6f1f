package org.xenproject.eliloader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.testsupport.RealPeers;

/** The man page as man-db and groff (scripts/setup installs groff-base and man-db) see it: no warning, every item shown. */
@RealPeers
class ManPageRenderTest {
    @TempDir
    Path dir;

    private String runTool(List<String> command, Path stderr) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
        pb.environment().put("MANWIDTH", "100");
        pb.environment().put("MAN_KEEP_FORMATTING", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(stderr)).isZero();
        return out;
    }

    @Test
    void groffFindsNothingToWarnAboutAndManShowsEveryOption() throws Exception {
        Path page = dir.resolve("eliloader.8");
        Files.writeString(page, Manual.man());
        Path groffErr = dir.resolve("groff.err");
        runTool(List.of("groff", "-man", "-Tutf8", "-ww", "-z", page.toString()), groffErr);
        assertThat(Files.readString(groffErr)).isEmpty();

        String shown = runTool(List.of("man", "-P", "cat", "-l", page.toString()), dir.resolve("man.err"))
                .replaceAll(".\b", "").replace('\u2010', '-').replace('\u2212', '-');
        assertThat(shown).contains("ELILOADER(8)", "NAME", "SYNOPSIS", "HOST SETTINGS", "EXIT STATUS");
        for (Manual.Option o : Manual.BOOT_OPTIONS) {
            o.names().forEach(name -> assertThat(shown).contains(name));
        }
        for (Setting s : Setting.values()) {
            assertThat(shown).contains("--" + s.key(), s.environmentVariable());
        }
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(shown).contains(c.name());
        }
    }
}
