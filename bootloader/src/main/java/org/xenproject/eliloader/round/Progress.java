package org.xenproject.eliloader.round;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Progress of the files a round copies, on stderr, for a person watching: only when stderr is a
 * terminal and the run is not {@code --quiet}. The toolstacks' case (stderr a pipe: it is the
 * error channel xenopsd parses) gets nothing at all, and never loads this class when it passes
 * {@code -q} as xenopsd and xapi do.
 *
 * <ul>
 * <li>{@link Mode#LIVE} (an interactive terminal): one line, redrawn with {@code \r} at most five
 * times a second, with each file's bytes, rate and ETA; a line per file when it is done.
 * <li>{@link Mode#PLAIN} (libxl's pty, {@code TERM=dumb}): a plain line per file every few
 * seconds, and one when it is done: no carriage returns for a console log.
 * </ul>
 */
public final class Progress {
    /** How progress is drawn. */
    public enum Mode { LIVE, PLAIN }

    static final long LIVE_INTERVAL_NANOS = 200_000_000L;
    static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintStream err;
    private final Mode mode;
    private final LongSupplier clock;
    private final List<Meter> active = new ArrayList<>();
    private long lastDrawn;
    private int liveWidth;

    Progress(PrintStream err, Mode mode, LongSupplier clock) {
        this.err = err;
        this.mode = mode;
        this.clock = clock;
        this.lastDrawn = clock.getAsLong();
    }

    /**
     * Turns progress on for this run when stderr is a terminal (and leaves it off otherwise).
     * {@code libxl} says the caller is libxl (its pty: plain lines).
     */
    public static void enableOnTerminal(PrintStream err, Map<String, String> environment, boolean libxl) {
        if (!stderrIsTerminal()) {
            return;
        }
        String term = environment.get("TERM");
        boolean plain = libxl || term == null || term.isEmpty() || term.equals("dumb");
        BoundedCopy.progress = new Progress(err, plain ? Mode.PLAIN : Mode.LIVE, System::nanoTime);
    }

    /** For tests: progress drawn on {@code err} whatever stderr is; null turns it off. */
    static void use(Progress progress) {
        BoundedCopy.progress = progress;
    }

    /** Whether file descriptor 2 is a terminal (Linux: a tty or pty device behind /proc/self/fd/2). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** A file being copied: {@code total} is its announced size, or -1. */
    synchronized Meter start(String what, long total) {
        Meter meter = new Meter(what, total, clock.getAsLong());
        active.add(meter);
        return meter;
    }

    /** One file's counter; the copy loop calls {@link #advance} after every block. */
    public final class Meter {
        private final String what;
        private final long total;
        private final long started;
        private long bytes;

        private Meter(String what, long total, long started) {
            this.what = what;
            this.total = total;
            this.started = started;
        }

        public void advance(long n) {
            synchronized (Progress.this) {
                bytes += n;
                long now = clock.getAsLong();
                long interval = mode == Mode.LIVE ? LIVE_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS;
                if (now - lastDrawn >= interval) {
                    lastDrawn = now;
                    draw(now);
                }
            }
        }

        /** The file is complete (or failed: {@code ok} false): its last line. */
        public void done(boolean ok) {
            synchronized (Progress.this) {
                active.remove(this);
                long now = clock.getAsLong();
                clearLive();
                double seconds = Math.max(now - started, 1) / 1e9;
                err.print("eliloader: " + what + " " + (ok ? "" : "failed after ") + size(bytes) + " in "
                        + String.format(Locale.ROOT, "%.1f s", seconds) + " (" + rate(bytes, seconds) + ")\n");
                if (mode == Mode.LIVE && !active.isEmpty()) {
                    draw(now);
                }
                err.flush();
            }
        }

        private String describe(long now) {
            double seconds = Math.max(now - started, 1) / 1e9;
            StringBuilder b = new StringBuilder(what).append(' ').append(size(bytes));
            if (total >= 0) {
                b.append(" of ").append(size(total));
                b.append(String.format(Locale.ROOT, " %d%%", total == 0 ? 100 : bytes * 100 / total));
            }
            b.append(", ").append(rate(bytes, seconds));
            if (total >= 0 && bytes > 0) {
                long eta = Math.round((total - bytes) * seconds / bytes);
                b.append(String.format(Locale.ROOT, ", ETA %d:%02d", eta / 60, eta % 60));
            }
            return b.toString();
        }
    }

    private void draw(long now) {
        if (mode == Mode.PLAIN) {
            for (Meter m : active) {
                err.print("eliloader: " + m.describe(now) + "\n");
            }
        } else {
            List<String> parts = new ArrayList<>();
            active.forEach(m -> parts.add(m.describe(now)));
            String line = "eliloader: " + String.join(" | ", parts);
            err.print("\r" + line + " ".repeat(Math.max(0, liveWidth - line.length())));
            liveWidth = line.length();
        }
        err.flush();
    }

    private void clearLive() {
        if (mode == Mode.LIVE && liveWidth > 0) {
            err.print("\r" + " ".repeat(liveWidth) + "\r");
            liveWidth = 0;
        }
    }

    static String size(long bytes) {
        return bytes < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String rate(long bytes, double seconds) {
        return String.format(Locale.ROOT, "%.1f MiB/s", bytes / 1048576.0 / seconds);
    }
}
