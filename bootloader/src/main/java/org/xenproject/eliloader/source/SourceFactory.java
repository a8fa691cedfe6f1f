package org.xenproject.eliloader.source;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.file.FileSource;
import org.xenproject.eliloader.source.http.HttpSource;
import org.xenproject.eliloader.source.iso.IsoSource;
import org.xenproject.eliloader.source.nfs.NfsSource;

/** Opens the {@link InstallSource} for a repository's scheme. */
public final class SourceFactory {
    private SourceFactory() {
    }

    public static InstallSource open(Repository repository, SourceOptions options) {
        return switch (repository.scheme()) {
            case HTTP, HTTPS -> new HttpSource(repository, options);
            case FILE -> FileSource.of(repository);
            case NFS -> NfsSource.connect(repository.location());
            case CDROM -> IsoSource.open(options.bootDisk()); // the CD is the VM's boot disk
            default -> throw BootloaderException.unsupportedInstallMethod("Installing from "
                    + repository.scheme().installMethod() + " repositories (" + repository.masked()
                    + ") is not supported by this build.");
        };
    }
}
