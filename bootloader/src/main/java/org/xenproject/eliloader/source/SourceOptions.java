package org.xenproject.eliloader.source;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How sources connect: timeouts, the proxy from {@code install-proxy}, the CA file for https,
 * and the VM's boot disk (the CD for {@code cdrom} installs).
 */
public record SourceOptions(Duration connectTimeout, Duration readTimeout, String proxy, Path caFile,
        Path bootDisk) {

    public static SourceOptions defaults() {
        return new SourceOptions(Duration.ofSeconds(10), Duration.ofSeconds(30), null, null, null);
    }
}
