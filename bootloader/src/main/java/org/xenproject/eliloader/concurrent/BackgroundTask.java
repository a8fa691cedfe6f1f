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
    private final String what;

    private BackgroundTask(FutureTask<T> task, String what) {
        this.task = task;
        this.what = what;
    }

    /** Starts {@code work} on a daemon thread named {@code thread}; {@code what} names it in internal errors. */
    public static <T> BackgroundTask<T> start(String thread, String what, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread worker = new Thread(task, thread);
        worker.setDaemon(true);
        worker.start();
        return new BackgroundTask<>(task, what);
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
