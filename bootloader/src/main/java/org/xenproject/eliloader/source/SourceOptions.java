package org.xenproject.eliloader.source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * How sources connect: connect and read timeouts, the overall time one file may take (every
 * retry and resume included), how often a failed transfer is retried, the proxy from
 * {@code install-proxy} (http and https only), the CA file for https, the VM's boot disk (the CD
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
        RetryPolicy retry, String proxy, Path caFile, Path bootDisk, Supplier<String> repositorySecret,
        List<Path> fileRoots, Supplier<org.xenproject.eliloader.guest.GuestUser> guestReader) {

    /** The other-config key naming the secret that holds the repository password. */
    public static final String SECRET_KEY = "install-repository-secret";

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
                RetryPolicy.defaults(), null, null, null, null, null, null);
    }

    public SourceOptions withTimeouts(Duration connect, Duration read, Duration overall) {
        return new SourceOptions(connect, read, overall, retry, proxy, caFile, bootDisk, repositorySecret, fileRoots, guestReader);
    }

    public SourceOptions withRetry(RetryPolicy policy) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, policy, proxy, caFile, bootDisk,
                repositorySecret, fileRoots, guestReader);
    }

    public SourceOptions withProxy(String proxyUrl) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxyUrl, caFile, bootDisk,
                repositorySecret, fileRoots, guestReader);
    }

    public SourceOptions withCaFile(Path file) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxy, file, bootDisk,
                repositorySecret, fileRoots, guestReader);
    }

    public SourceOptions withBootDisk(Path disk) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxy, caFile, disk,
                repositorySecret, fileRoots, guestReader);
    }

    /** The directories {@code file://} repositories may lie in (the host's {@code file-roots}). */
    public SourceOptions withFileRoots(List<Path> roots) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxy, caFile, bootDisk,
                repositorySecret, roots, guestReader);
    }

    /**
     * Who reads the VM's CD (a cdrom install): the run's unprivileged guest user, or null for root;
     * asked only when a CD is opened. A null supplier (the default) means root.
     */
    public SourceOptions withGuestReader(Supplier<org.xenproject.eliloader.guest.GuestUser> reader) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxy, caFile, bootDisk,
                repositorySecret, fileRoots, reader);
    }

    public SourceOptions withSecret(Supplier<String> secret) {
        return new SourceOptions(connectTimeout, readTimeout, overallTimeout, retry, proxy, caFile, bootDisk, secret, fileRoots, guestReader);
    }
}
