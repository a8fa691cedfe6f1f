package org.xenproject.eliloader.source;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.file.FileSource;
import org.xenproject.eliloader.source.ftp.FtpSource;
import org.xenproject.eliloader.source.http.HttpSource;
import org.xenproject.eliloader.source.iso.IsoSource;
import org.xenproject.eliloader.source.nfs.NfsSource;
import org.xenproject.eliloader.source.smb.SmbSource;

/**
 * Opens the {@link InstallSource} for a repository's scheme. Each scheme's class, and the library
 * behind it (OkHttp, Commons Net, jcifs-ng), is loaded only when a repository of that scheme is
 * opened.
 */
public final class SourceFactory {
    private SourceFactory() {
    }

    public static InstallSource open(Repository repository, SourceOptions options) {
        return switch (repository.scheme()) {
            case HTTP, HTTPS -> new HttpSource(repository, options);
            case FTP -> FtpSource.open(repository, options);
            case SMB -> SmbSource.open(repository, options);
            case FILE -> FileSource.of(repository);
            case NFS -> NfsSource.connect(repository.location());
            case CDROM -> IsoSource.open(options.bootDisk()); // the CD is the VM's boot disk
            default -> throw BootloaderException.unsupportedInstallMethod("Installing from "
                    + repository.scheme().installMethod() + " repositories (" + repository.masked()
                    + ") is not supported by this build.");
        };
    }
}
