package org.xenproject.eliloader.source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * How sources connect: connect and read timeouts, the overall time one file may take (every
 * retry and resume included), how often a failed transfer is retried, the proxy ({@code install-proxy},
 * else the host's {@code http-proxy}; http and https, and ftp through CONNECT) and where it was
 * set, the CA file for https, the VM's boot disk (the CD
 * for {@code cdrom} installs), and the repository's secret.
 *
 * <p>The secret is the value of the XenAPI secret (or local store {@code secrets} entry) whose
 * uuid the VM names in {@code other-config:install-repository-secret}; it is the password of the
 * user named in an http(s), ftp or smb URL ({@link RepositoryCredentials}). It is looked up only
 * when a source needs it, and never logged.
 *
 * <p>Every network scheme takes the timeouts and retries from here (nfs through
 * {@code NfsOptions.from}).
 */
public record SourceOptions(Duration connectTimeout, Duration readTimeout, Duration overallTimeout,
        RetryPolicy retry, String proxy, String proxyOrigin, Path caFile, Path bootDisk, Supplier<String> repositorySecret,
        List<Path> fileRoots, Supplier<org.xenproject.eliloader.guest.GuestUser> guestReader) {

    /** The other-config key naming the secret that holds the repository password. */
    public static final String SECRET_KEY = "install-repository-secret";
    /** The other-config key of a VM's own proxy, which replaces the host's {@code http-proxy}. */
    public static final String PROXY_KEY = "other-config:install-proxy";

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_OVERALL_TIMEOUT = Duration.ofMinutes(10);

    public SourceOptions {
        if (retry == null) {
            retry = RetryPolicy.defaults();
        }
        if (repositorySecret == null) {
            repositorySecret = () -> null;
        }
        fileRoots = fileRoots == null ? List.of() : List.copyOf(fileRoots);
    }

    public static SourceOptions defaults() {
        return new SourceOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_OVERALL_TIMEOUT,
                RetryPolicy.defaults(), null, null, null, null, null, null, null);
    }

    public SourceOptions withTimeouts(Duration connect, Duration read, Duration overall) {
        return new SourceOptions(connect, read, overall, retry, proxy, proxyOrigin, caFile, bootDisk, repositorySecret, fileRoots, guestReader);
    }

    public SourceOptions withRetry(RetryPolicy policy) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, policy, proxy, proxyOrigin, caFile, bootDisk,
                repositorySecret, fileRoots, guestReader);
    }

    /** A VM's {@code other-config:install-proxy}. */
    public SourceOptions withProxy(String proxyUrl) {
        return withProxy(proxyUrl, PROXY_KEY);
    }

    /** The proxy and where it was set, for messages ({@link #PROXY_KEY} or the host's {@code http-proxy}). */
    public SourceOptions withProxy(String proxyUrl, String origin) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxyUrl,
                proxyUrl == null ? null : origin, caFile, bootDisk, repositorySecret, fileRoots, guestReader);
    }

    public SourceOptions withCaFile(Path file) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxy, proxyOrigin, file, bootDisk,
                repositorySecret, fileRoots, guestReader);
    }

    public SourceOptions withBootDisk(Path disk) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxy, proxyOrigin, caFile, disk,
                repositorySecret, fileRoots, guestReader);
    }

    /** The directories {@code file://} repositories may lie in (the host's {@code file-roots}). */
    public SourceOptions withFileRoots(List<Path> roots) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxy, proxyOrigin, caFile, bootDisk,
                repositorySecret, roots, guestReader);
    }

    /**
     * Who reads the VM's CD (a cdrom install): the run's unprivileged guest user, or null for root;
     * asked only when a CD is opened. A null supplier (the default) means root.
     */
    public SourceOptions withGuestReader(Supplier<org.xenproject.eliloader.guest.GuestUser> reader) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxy, proxyOrigin, caFile, bootDisk,
                repositorySecret, fileRoots, reader);
    }

    public SourceOptions withSecret(Supplier<String> secret) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxy, proxyOrigin, caFile, bootDisk, secret, fileRoots, guestReader);
    }
}
