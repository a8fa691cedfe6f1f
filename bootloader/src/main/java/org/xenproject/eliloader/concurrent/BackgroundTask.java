package org.xenproject.eliloader.concurrent;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.xenproject.eliloader.error.BootloaderException;

/**
 * Work started on a daemon thread whose result, or failure, is taken later on the caller's
 * thread: a {@link BootloaderException} (or any unchecked failure) is rethrown as it was thrown,
 * so overlapping work never changes which error the toolstack sees.
 */
public final class BackgroundTask<T> {
    private final FutureTask<T> task;
    private final String thread;
    private final String what;

    private BackgroundTask(FutureTask<T> task, String thread, String what) {
        this.task = task;
        this.thread = thread;
        this.what = what;
    }

    /** Starts {@code work} on a daemon thread named {@code thread}; {@code what} names it in internal errors. */
    public static <T> BackgroundTask<T> start(String thread, String what, Callable<T> work) {
        BackgroundTask<T> task = prepare(thread, what, work);
        task.start();
        return task;
    }

    /**
     * Work that others may already wait for ({@link #join} blocks until it has run) but that is
     * started later, with {@link #start} or {@link #runHere}.
     */
    public static <T> BackgroundTask<T> prepare(String thread, String what, Callable<T> work) {
        return new BackgroundTask<>(new FutureTask<>(work), thread, what);
    }

    /** Runs the work on its daemon thread. */
    public void start() {
        Thread worker = new Thread(task, thread);
        worker.setDaemon(true);
        worker.start();
    }

    /** Runs the work on the calling thread instead. */
    public void runHere() {
        task.run();
    }

    /** Waits for the work: its result, or its failure rethrown. */
    public T join() {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BootloaderException.internal("interrupted while " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw BootloaderException.internal("unexpected failure " + what + ": " + e.getCause(), e.getCause());
        }
    }
}
