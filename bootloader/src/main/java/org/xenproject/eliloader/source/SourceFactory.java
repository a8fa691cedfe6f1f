package org.xenproject.eliloader.source;

import java.util.function.Supplier;

import org.xenproject.eliloader.concurrent.BackgroundTask;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.file.FileSource;
import org.xenproject.eliloader.source.ftp.FtpSource;
import org.xenproject.eliloader.source.http.HttpSource;
import org.xenproject.eliloader.source.iso.GuestIsoSource;
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

    /**
     * The repository's source, to be opened on first use. An http(s) source is built at once on
     * a second thread: building it only configures OkHttp (no connection), but that loads OkHttp,
     * java.util.logging and the JDK's security providers, about 0.1 s of a VM start that then
     * overlaps with reading the profiles. A failure is reported when the source is asked for,
     * exactly as if it were built then. Other schemes connect when opened, so they stay lazy.
     */
    public static Supplier<InstallSource> opener(Repository repository, SourceOptions options) {
        if (repository.scheme() != Repository.Scheme.HTTP && repository.scheme() != Repository.Scheme.HTTPS) {
            return () -> open(repository, options);
        }
        BackgroundTask<InstallSource> building = BackgroundTask.start("eliloader-http-setup",
                "setting up the http client", () -> open(repository, options));
        return building::join;
    }

    public static InstallSource open(Repository repository, SourceOptions options) {
        if (options.proxy() != null && (repository.scheme() == Repository.Scheme.SMB
                || repository.scheme() == Repository.Scheme.NFS)) {
            org.xenproject.eliloader.log.Log.info(repository.masked() + ": " + ProxySetting.route(repository.scheme(),
                    options));
        }
        return switch (repository.scheme()) {
            case HTTP, HTTPS -> new HttpSource(repository, options);
            case FTP -> FtpSource.open(repository, options);
            case SMB -> SmbSource.open(repository, options);
            case FILE -> FileSource.of(repository, options.fileRoots());
            case NFS -> NfsSource.open(repository, options);
            // the CD is the VM's boot disk, read as the run's guest user
            case CDROM -> GuestIsoSource.open(options.bootDisk(),
                    options.guestReader() == null ? null : options.guestReader().get());
            default -> throw BootloaderException.unsupportedInstallMethod("Installing from "
                    + repository.scheme().installMethod() + " repositories (" + repository.masked()
                    + ") is not supported by this build.");
        };
    }
}
