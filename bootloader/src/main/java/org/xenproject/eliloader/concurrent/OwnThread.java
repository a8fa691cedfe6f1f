package org.xenproject.eliloader.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Blocking work (reading a child's output until it ends) on a thread of its own: the common pool
 * may have fewer threads than there are such readers, and a reader queued behind another could
 * leave the child blocked on a full pipe.
 */
public final class OwnThread {
    private OwnThread() {
    }

    /** Runs {@code work} on a new daemon thread named {@code name}. */
    public static <T> CompletableFuture<T> supply(String name, Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return result;
    }
}
