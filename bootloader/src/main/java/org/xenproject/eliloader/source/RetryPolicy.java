package org.xenproject.eliloader.source;

import java.time.Duration;

/**
 * How often a failed connection or transfer of one file is tried again, and how long to wait
 * before each try: {@code firstBackoff}, doubling up to {@code maxBackoff}. The count is per file
 * and covers opening as well as resuming, so a file is given up after {@code retries + 1}
 * failed attempts or when its overall timeout passes, whichever comes first.
 */
public record RetryPolicy(int retries, Duration firstBackoff, Duration maxBackoff, long speedLimit, Duration speedTime,
        java.util.concurrent.atomic.AtomicReference<String> slowVerdict) {

    /** Without a low-speed rule. */
    public RetryPolicy(int retries, Duration firstBackoff, Duration maxBackoff) {
        this(retries, firstBackoff, maxBackoff, 0, Duration.ZERO, new java.util.concurrent.atomic.AtomicReference<>());
    }

    /**
     * The same retries with curl's low-speed rule: a file whose transfer averages less than
     * {@code bytesPerSecond} over any {@code time} (connecting, waiting and retrying included) is
     * given up, without further retries. 0 bytes per second turns the rule off.
     */
    public RetryPolicy withLowSpeed(long bytesPerSecond, Duration time) {
        return new RetryPolicy(retries, firstBackoff, maxBackoff, bytesPerSecond, time,
                new java.util.concurrent.atomic.AtomicReference<>());
    }

    public RetryPolicy {
        if (speedLimit < 0 || speedTime == null || speedTime.isNegative()) {
            throw new IllegalArgumentException("speed limit and time must be >= 0");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0");
        }
        if (firstBackoff.isNegative() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be 0 <= first <= max");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(8));
    }

    /** The wait before retry number {@code retry} (1-based). */
    public Duration backoff(int retry) {
        Duration wait = firstBackoff;
        for (int i = 1; i < retry && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
