package org.xenproject.eliloader.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.Run;

/**
 * Whether the run's log goes to syslog is decided by the environment given to {@code Main.run},
 * not by the process's: a test that passes {@code ELILOADER_SYSLOG=0} must not write to the
 * host's journal. A fake {@code logger} records what would have been sent.
 */
class LogSyslogTest {
    @TempDir
    Path dir;
    Path sent;

    @BeforeEach
    void fakeLogger() throws IOException {
        sent = dir.resolve("sent");
        Path logger = dir.resolve("logger");
        Files.writeString(logger, "#!/bin/sh\ncat > '" + sent + "'\n");
        Files.setPosixFilePermissions(logger, PosixFilePermissions.fromString("rwx------"));
        Log.sendThrough(logger, Files.createFile(dir.resolve("socket")));
    }

    @AfterEach
    void realLogger() {
        Log.sendThrough(Log.LOGGER, Log.SYSLOG_SOCKET);
    }

    @Test
    void injectedSyslogZeroSendsNothingWhateverTheProcessEnvironmentSays() {
        assumeTrue(System.getenv("ELILOADER_SYSLOG") == null, "the process environment must not decide for the run");
        Run run = Run.of(Map.of("ELILOADER_SYSLOG", "0"), List.of("--no-such-option"));
        assertThat(run.errorCode()).isEqualTo("USAGE");
        assertThat(sent).as("lines sent to the logger").doesNotExist();
    }

    @Test
    void withoutItTheLinesGoToTheLogger() {
        Run run = Run.of(Map.of("ELILOADER_SYSLOG", "1"), List.of("--no-such-option"));
        assertThat(run.errorCode()).isEqualTo("USAGE");
        assertThat(sent).content().contains("failed: USAGE: Unknown option --no-such-option.");
    }
}
