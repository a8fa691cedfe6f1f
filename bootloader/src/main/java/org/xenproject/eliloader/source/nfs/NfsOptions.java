package org.xenproject.eliloader.source.nfs;

import java.time.Duration;

import org.xenproject.eliloader.source.RetryPolicy;
import org.xenproject.eliloader.source.SourceOptions;

/**
 * Tunables of {@link NfsSource}. The defaults suit a dom0 reading from a LAN server;
 * tests shorten the timeouts. Immutable: each {@code with} method returns a copy.
 */
public final class NfsOptions {
    /** Linux's default rsize ceiling; larger buys nothing on a LAN. */
    public static final int MAX_READ_SIZE = 1024 * 1024;
    /** Below this, per-call overhead dominates. */
    public static final int MIN_READ_SIZE = 4096;

    /** No retries by default: callers with a policy bring it ({@link #from(SourceOptions)}). */
    private static final RetryPolicy NO_RETRIES = new RetryPolicy(0, Duration.ZERO, Duration.ZERO);

    private static final NfsOptions DEFAULTS = new NfsOptions(10_000, 60_000, true, MAX_READ_SIZE, Portmapper.PORT,
            Nfs3Client.DEFAULT_PORT, SourceOptions.DEFAULT_OVERALL_TIMEOUT, NO_RETRIES);

    private final int connectTimeoutMillis;
    private final int callTimeoutMillis;
    private final boolean reservedSourcePort;
    private final int maxReadSize;
    private final int portmapperPort;
    private final int defaultNfsPort;
    private final Duration overallTimeout;
    private final RetryPolicy retry;

    private NfsOptions(int connectTimeoutMillis, int callTimeoutMillis, boolean reservedSourcePort,
                       int maxReadSize, int portmapperPort, int defaultNfsPort, Duration overallTimeout,
                       RetryPolicy retry) {
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.callTimeoutMillis = callTimeoutMillis;
        this.reservedSourcePort = reservedSourcePort;
        this.maxReadSize = maxReadSize;
        this.portmapperPort = portmapperPort;
        this.defaultNfsPort = defaultNfsPort;
        this.overallTimeout = overallTimeout;
        this.retry = retry;
    }

    /** 10 s to connect, 60 s per call, reserved source port when permitted, 1 MiB reads, no retries. */
    public static NfsOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The host settings as NFS uses them, the one place they are mapped: the connect timeout,
     * the read timeout as the time one call may take, and the overall time and retries per file
     * (the open of the tree counts as one file).
     */
    public static NfsOptions from(SourceOptions options) {
        return defaults().withConnectTimeout(options.connectTimeout()).withCallTimeout(options.readTimeout())
                .withOverallTimeout(options.overallTimeout()).withRetry(options.retry());
    }

    /** How long opening the tree, or reading one file, may take, retries included. */
    public NfsOptions withOverallTimeout(Duration timeout) {
        millis(timeout);
        return new NfsOptions(connectTimeoutMillis, callTimeoutMillis, reservedSourcePort, maxReadSize,
                portmapperPort, defaultNfsPort, timeout, retry);
    }

    /** How often a call that timed out or lost its connection is tried again. */
    public NfsOptions withRetry(RetryPolicy policy) {
        return new NfsOptions(connectTimeoutMillis, callTimeoutMillis, reservedSourcePort, maxReadSize,
                portmapperPort, defaultNfsPort, overallTimeout, policy);
    }

    public Duration overallTimeout() {
        return overallTimeout;
    }

    public RetryPolicy retry() {
        return retry;
    }

    /** How long a TCP connect to the portmapper, MOUNT or NFS service may take. */
    public NfsOptions withConnectTimeout(Duration timeout) {
        return new NfsOptions(millis(timeout), callTimeoutMillis, reservedSourcePort, maxReadSize,
                portmapperPort, defaultNfsPort, overallTimeout, retry);
    }

    /** How long one call, from sending it to having its whole reply, may take. */
    public NfsOptions withCallTimeout(Duration timeout) {
        return new NfsOptions(connectTimeoutMillis, millis(timeout), reservedSourcePort, maxReadSize,
                portmapperPort, defaultNfsPort, overallTimeout, retry);
    }

    /**
     * Whether to connect from a port below 1024 when the process may bind one; Linux
     * servers with "secure" exports (their default) insist on it. Falls back to an
     * ordinary port when the process lacks the privilege.
     */
    public NfsOptions withReservedSourcePort(boolean reserved) {
        return new NfsOptions(connectTimeoutMillis, callTimeoutMillis, reserved, maxReadSize, portmapperPort,
                defaultNfsPort, overallTimeout, retry);
    }

    /** The largest READ to ask for; the server's FSINFO preference may lower it. */
    public NfsOptions withMaxReadSize(int bytes) {
        if (bytes < MIN_READ_SIZE || bytes > MAX_READ_SIZE) {
            throw new IllegalArgumentException("read size must be between " + MIN_READ_SIZE + " and "
                    + MAX_READ_SIZE + ": " + bytes);
        }
        return new NfsOptions(connectTimeoutMillis, callTimeoutMillis, reservedSourcePort, bytes, portmapperPort,
                defaultNfsPort, overallTimeout, retry);
    }

    /** Only tests move the portmapper off 111. */
    NfsOptions withPortmapperPort(int port) {
        return new NfsOptions(connectTimeoutMillis, callTimeoutMillis, reservedSourcePort, maxReadSize, port,
                defaultNfsPort, overallTimeout, retry);
    }

    /** Only tests move the NFS port used when the portmapper does not know NFS off 2049. */
    NfsOptions withDefaultNfsPort(int port) {
        return new NfsOptions(connectTimeoutMillis, callTimeoutMillis, reservedSourcePort, maxReadSize,
                portmapperPort, port, overallTimeout, retry);
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(connectTimeoutMillis);
    }

    public Duration callTimeout() {
        return Duration.ofMillis(callTimeoutMillis);
    }

    public boolean reservedSourcePort() {
        return reservedSourcePort;
    }

    public int maxReadSize() {
        return maxReadSize;
    }

    int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    int callTimeoutMillis() {
        return callTimeoutMillis;
    }

    int portmapperPort() {
        return portmapperPort;
    }

    int defaultNfsPort() {
        return defaultNfsPort;
    }

    private static int millis(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + d);
        }
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }
}
