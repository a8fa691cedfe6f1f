package org.xenproject.eliloader.concurrent;

import java.time.Duration;

/**
 * A point in time by which a piece of work must be over, shared by the several steps (processes)
 * it is made of: each step gets what is left, so many short steps cannot add up past it.
 */
public final class Deadline {
    private final long endNanos;
    private final Duration total;

    private Deadline(long endNanos, Duration total) {
        this.endNanos = endNanos;
        this.total = total;
    }

    /** A deadline {@code total} from now. */
    public static Deadline after(Duration total) {
        return new Deadline(System.nanoTime() + total.toNanos(), total);
    }

    /** The whole time allowed, for messages. */
    public Duration total() {
        return total;
    }

    /** What is left; zero once passed. */
    public Duration remaining() {
        long left = endNanos - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    public boolean expired() {
        return endNanos - System.nanoTime() <= 0;
    }

    /** The shorter of what is left and {@code limit}. */
    public Duration remainingWithin(Duration limit) {
        Duration left = remaining();
        return left.compareTo(limit) < 0 ? left : limit;
    }
}
