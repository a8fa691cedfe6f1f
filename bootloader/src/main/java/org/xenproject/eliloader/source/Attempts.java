package org.xenproject.eliloader.source;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.MalformedURLException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

import org.xenproject.eliloader.concurrent.Deadline;
import org.xenproject.eliloader.log.Log;

/**
 * The retry budget of one file: at most {@link RetryPolicy#retries()} retries with backoff, all
 * within the file's overall deadline. Opening and every resume of the same file draw on the same
 * budget. An {@link IOException} is a transient failure unless {@link #isPermanent} says
 * otherwise; sources signal permanent failures (no such file, credentials refused, file changed)
 * with {@link org.xenproject.eliloader.error.BootloaderException}, which is never retried.
 */
public final class Attempts {
    /** An operation that may fail with a transient {@link IOException}. */
    @FunctionalInterface
    public interface Operation<T> {
        T run() throws IOException;
    }

    private static final Duration ONE_MILLI = Duration.ofMillis(1);

    private final RetryPolicy policy;
    private final Deadline deadline;
    private final String what;
    private int retries;
    /** The low-speed window: when it began and the bytes that arrived since. */
    private long windowStartNanos;
    private long windowBytes;

    /**
     * @param what the file being fetched, credentials masked, for the log
     */
    public Attempts(RetryPolicy policy, Duration overall, String what) {
        this.policy = policy;
        this.deadline = Deadline.after(overall);
        this.what = what;
        this.windowStartNanos = System.nanoTime();
    }

    /** What ends a call blocked on the server, from another thread (cancel the call, close its sockets). */
    @FunctionalInterface
    public interface Abort {
        void abort();
    }

    /**
     * Counts bytes that arrived and applies the low-speed rule ({@link RetryPolicy#withLowSpeed}):
     * each window of {@code speed-time} must bring at least {@code speed-limit × speed-time} bytes.
     */
    public void progress(long bytes) throws IOException {
        synchronized (this) {
            windowBytes += bytes;
        }
        checkSpeed();
    }

    /**
     * Runs a phase that counts no bytes while it waits on the server (connecting, a TLS handshake,
     * an http response's headers, ftp's control replies) under the same low-speed window: a
     * server that drips there (never silent for a whole read timeout) is judged when the window
     * closes, and {@code abort} is run from a watchdog thread to end the blocked call. Without
     * this only the fetch timeout would end such a phase.
     */
    public <T> T awaiting(Abort abort, Operation<T> operation) throws IOException {
        if (!ruleOn()) {
            return operation.run();
        }
        AtomicBoolean aborted = new AtomicBoolean();
        Watch watch = new Watch(abort, aborted);
        watch.arm(windowEndsInNanos());
        try {
            return operation.run();
        } catch (IOException | RuntimeException e) {
            String verdict = policy.slowVerdict().get();
            if (aborted.get() && verdict != null) {
                throw new TooSlow(verdict); // what ended the call, not how the call noticed
            }
            throw e;
        } finally {
            watch.disarm();
        }
    }

    /** The watchdog of one {@link #awaiting} phase: judges the window when it closes, again at each later close. */
    private final class Watch implements Runnable {
        private final Abort abort;
        private final AtomicBoolean aborted;
        private ScheduledFuture<?> next;
        private boolean over;

        Watch(Abort abort, AtomicBoolean aborted) {
            this.abort = abort;
            this.aborted = aborted;
        }

        synchronized void arm(long delayNanos) {
            if (!over) {
                next = Watchdog.TIMER.schedule(this, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            }
        }

        synchronized void disarm() {
            over = true;
            if (next != null) {
                next.cancel(false);
            }
        }

        @Override
        public void run() {
            String verdict = judgeWindow(" while waiting for the server's answer");
            if (verdict == null) {
                arm(windowEndsInNanos());
                return;
            }
            synchronized (this) {
                if (over) {
                    return; // the phase ended meanwhile: the reader meets the verdict at its next check
                }
                aborted.set(true);
            }
            try {
                abort.abort();
            } catch (RuntimeException e) {
                Log.info("could not end the call to " + what + ": " + describe(e));
            }
        }
    }

    /** One daemon thread for every watch of the process, made on first use (most runs have no slow server). */
    private static final class Watchdog {
        static final ScheduledExecutorService TIMER = timer();

        private static ScheduledExecutorService timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "eliloader-low-speed");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    private boolean ruleOn() {
        return policy.speedLimit() > 0 && !policy.speedTime().isZero();
    }

    private synchronized long windowEndsInNanos() {
        return windowStartNanos + policy.speedTime().toNanos() - System.nanoTime();
    }

    /**
     * Leaves out of the low-speed window a time the reader itself spent before asking for bytes
     * (e.g. waiting for the checksum list read alongside the file): the rule judges the server,
     * and a server whose bytes no one reads only looks slow.
     */
    public synchronized void notReading(long nanos) {
        windowStartNanos += Math.max(0, nanos);
    }

    private void checkSpeed() throws IOException {
        if (!ruleOn()) {
            return;
        }
        String verdict = judgeWindow("");
        if (verdict != null) {
            throw new TooSlow(verdict);
        }
    }

    /**
     * The low-speed rule itself, the one place it is written: null while the run may go on;
     * otherwise the run's verdict. One file given up gives up the others of the run (they share
     * the policy's verdict): the start ends within one window, not one window a file. A closed
     * window that brought enough bytes starts the next.
     */
    private synchronized String judgeWindow(String meanwhile) {
        String verdict = policy.slowVerdict().get();
        if (verdict != null) {
            return verdict;
        }
        long now = System.nanoTime();
        long window = now - windowStartNanos;
        if (window < policy.speedTime().toNanos()) {
            return null;
        }
        double seconds = window / 1e9;
        if (windowBytes < policy.speedLimit() * seconds) {
            String message = "slower than " + policy.speedLimit() + " bytes/s: " + windowBytes + " bytes in "
                    + Math.round(seconds) + " s for " + what + meanwhile + " (speed-limit, speed-time)";
            policy.slowVerdict().compareAndSet(null, message);
            return policy.slowVerdict().get();
        }
        windowStartNanos = now;
        windowBytes = 0;
        return null;
    }

    /** A transfer given up by the low-speed rule: never retried. */
    public static final class TooSlow extends IOException {
        private static final long serialVersionUID = 1L;

        TooSlow(String message) {
            super(message);
        }
    }

    /** Runs {@code operation}, retrying transient failures within the budget. */
    public <T> T run(Operation<T> operation) throws IOException {
        while (true) {
            checkDeadline(); // and the low-speed rule, which a file before this one may have tripped
            try {
                return operation.run();
            } catch (IOException e) {
                failed(e, "");
            }
        }
    }

    /**
     * Records a transient failure and waits before the next try, or throws when the budget is
     * spent or the failure is permanent.
     *
     * @param where extra context for the log, e.g. {@code " at byte 1234"}
     */
    public void failed(IOException e, String where) throws IOException {
        if (isPermanent(e)) {
            throw e;
        }
        checkSpeed(); // a stall that ended in a timeout counts against the window too
        if (expired()) {
            throw timedOut(e);
        }
        if (retries >= policy.retries()) {
            int attempts = retries + 1;
            throw new IOException(describe(e) + " (gave up after " + attempts + (attempts == 1 ? " attempt)" : " attempts)"), e);
        }
        retries++;
        Duration wait = policy.backoff(retries);
        if (wait.compareTo(deadline.remaining()) >= 0) {
            throw timedOut(e);
        }
        Log.info("retry " + retries + " of " + policy.retries() + " for " + what + where + " in "
                + wait.toMillis() + " ms: " + describe(e));
        sleep(wait);
    }

    /** Throws when the overall deadline has passed. */
    public void checkDeadline() throws IOException {
        if (expired()) {
            throw timedOut(null);
        }
        checkSpeed();
    }

    public boolean expired() {
        return deadline.expired();
    }

    /** Time left before the overall deadline (at least 1 ms, for timeouts that reject 0). */
    public Duration remaining() {
        Duration left = deadline.remaining();
        return left.compareTo(ONE_MILLI) < 0 ? ONE_MILLI : left;
    }

    public int retriesUsed() {
        return retries;
    }

    private IOException timedOut(IOException cause) {
        String message = "gave up after the overall timeout of " + deadline.total().toSeconds() + " s"
                + (cause == null ? "" : " (last failure: " + describe(cause) + ")");
        return cause == null ? new IOException(message) : new IOException(message, cause);
    }

    /**
     * Failures retrying cannot cure: certificate problems, unknown hosts, malformed URLs, and a
     * refused connection (nothing listens there: waiting a minute of backoff at every VM start
     * would only delay the error the administrator has to see). The one rule for refused
     * connections on every network scheme: a {@link java.net.ConnectException} anywhere in the
     * cause chain (libraries such as jcifs wrap it), unless a timeout caused it (a connect that
     * timed out may succeed next time), is permanent.
     */
    public static boolean isPermanent(IOException e) {
        return e instanceof TooSlow || e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException
                || e instanceof UnknownHostException || e instanceof MalformedURLException || isRefused(e);
    }

    /** Whether {@code e} says the connection was refused (see {@link #isPermanent}). */
    public static boolean isRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return !(t.getCause() instanceof java.net.SocketTimeoutException);
            }
        }
        return false;
    }

    /** The error a source reports when {@code where} cannot be fetched, retries spent or not. */
    public static org.xenproject.eliloader.error.BootloaderException cannotFetch(String where, IOException e) {
        return org.xenproject.eliloader.error.BootloaderException.invalidSource("Cannot fetch " + where + ": "
                + describe(e), e);
    }

    /** The error a source reports when a resumed file is no longer the one it started reading. */
    public static org.xenproject.eliloader.error.BootloaderException changedWhileFetching(String where, String why) {
        return org.xenproject.eliloader.error.BootloaderException.invalidSource("The file " + where
                + " changed on the server while it was being fetched (" + why + "); start the VM again.");
    }

    /** An exception as one line, with its root cause when that says more, without credentials. */
    public static String describe(Throwable e) {
        String message = oneLine(e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            String cause = oneLine(root);
            if (!message.contains(cause)) {
                message += ": " + cause;
            }
        }
        return message;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        } else if (e instanceof UnknownHostException) {
            message = "unknown host " + message;
        }
        return Repository.maskAll(message.replace('\n', ' ').replace('\r', ' ').strip());
    }

    private static void sleep(Duration wait) throws InterruptedIOException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }
}
