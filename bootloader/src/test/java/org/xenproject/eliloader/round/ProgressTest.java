package org.xenproject.eliloader.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** What {@link Progress} draws, with a clock the test moves. */
class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong();

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static final long MIB = 1024 * 1024;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void liveRedrawsOneLineWithBytesRateAndEtaAtMostFiveTimesASecond() {
        Progress progress = new Progress(err, Progress.Mode.LIVE, now::get);
        Progress.Meter initrd = progress.start("initrd", 40 * MIB);
        now.addAndGet(SECOND / 10);
        initrd.advance(MIB); // too early: nothing drawn
        assertThat(text()).isEmpty();
        now.addAndGet(SECOND);
        initrd.advance(10 * MIB - MIB); // 10 MiB in 1.1 s
        assertThat(text()).isEqualTo("\reliloader: initrd 10.0 MiB of 40.0 MiB 25%, 9.1 MiB/s, ETA 0:03");
        now.addAndGet(3 * SECOND);
        initrd.advance(30 * MIB);
        initrd.done(true);
        assertThat(text()).endsWith("\reliloader: initrd 40.0 MiB in 4.1 s (9.8 MiB/s)\n");
        assertThat(text()).doesNotContain("ETA 0:00\n");
    }

    @Test
    void twoFilesShareTheLiveLineAndEachEndsWithItsOwnLine() {
        Progress progress = new Progress(err, Progress.Mode.LIVE, now::get);
        Progress.Meter kernel = progress.start("kernel", -1);
        Progress.Meter initrd = progress.start("initrd", 2 * MIB);
        now.addAndGet(SECOND);
        kernel.advance(MIB);
        assertThat(text()).isEqualTo("\reliloader: kernel 1.0 MiB, 1.0 MiB/s | initrd 0.0 KiB of 2.0 MiB 0%, 0.0 MiB/s");
        kernel.done(true);
        assertThat(text()).contains("eliloader: kernel 1.0 MiB in 1.0 s (1.0 MiB/s)\n\reliloader: initrd");
        initrd.advance(MIB);
        initrd.done(false);
        assertThat(text()).endsWith("eliloader: initrd failed after 1.0 MiB in 1.0 s (1.0 MiB/s)\n");
    }

    @Test
    void plainWritesWholeLinesEveryFiveSecondsAndNoCarriageReturn() {
        Progress progress = new Progress(err, Progress.Mode.PLAIN, now::get);
        Progress.Meter initrd = progress.start("initrd", 100 * MIB);
        for (int i = 0; i < 100; i++) {
            now.addAndGet(SECOND / 10);
            initrd.advance(MIB);
        }
        initrd.done(true);
        assertThat(text()).doesNotContain("\r");
        assertThat(text().lines()).hasSize(2 + 1); // at 5 s and 10 s, then the last line
        assertThat(text().lines().findFirst().orElseThrow())
                .isEqualTo("eliloader: initrd 50.0 MiB of 100.0 MiB 50%, 10.0 MiB/s, ETA 0:05");
    }
}
