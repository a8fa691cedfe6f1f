package org.xenproject.eliloader.source.smb;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.util.Properties;

import jcifs.CIFSContext;
import jcifs.CIFSException;
import jcifs.config.PropertyConfiguration;
import jcifs.context.BaseContext;
import jcifs.smb.NtStatus;
import jcifs.smb.NtlmPasswordAuthenticator;
import jcifs.smb.SmbAuthException;
import jcifs.smb.SmbException;
import jcifs.smb.SmbFile;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.source.Attempts;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.RepositoryCredentials;
import org.xenproject.eliloader.source.ResumableStream;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.source.TreePath;
import org.xenproject.eliloader.source.Validators;

/**
 * An install tree on an SMB share, read with jcifs-ng over SMB 2.0.2 to 3.1.1 (SMB1 is never
 * negotiated).
 *
 * <p>{@code smb://[DOMAIN;]USER@SERVER[:PORT]/SHARE/PATH}, or without a user for a guest login.
 * The password is the repository secret ({@code other-config:install-repository-secret}, the
 * uuid of a XenAPI secret or of an entry in the local store's {@code secrets}); a password written
 * in the URL ({@code USER:PASSWORD@}) is accepted too but ends up in the VM record, so the secret
 * is the way to go. Neither is ever logged. There is no fallback from refused credentials to
 * guest. Server names are resolved by DNS only.
 *
 * <p>A broken read is resumed at its offset after checking the file's size and time are the same.
 */
public final class SmbSource implements InstallSource {
    private final BaseContext base;
    private final CIFSContext context;
    private final String treeUrl;
    private final String displayBase;
    private final String who;
    private final SourceOptions options;
    /** Who reads, for {@link #cacheIdentity}: domain, user and password, or empty for guest. */
    private String credentialIdentity = "";

    private SmbSource(BaseContext base, CIFSContext context, String treeUrl, String displayBase, String who,
            SourceOptions options) {
        this.base = base;
        this.context = context;
        this.treeUrl = treeUrl;
        this.displayBase = displayBase;
        this.who = who;
        this.options = options;
    }

    public static SmbSource open(Repository repository, SourceOptions options) {
        RepositoryCredentials credentials = RepositoryCredentials.resolve(repository, options.repositorySecret());
        String host = repository.host().indexOf(':') >= 0 ? "[" + repository.host() + "]" : repository.host();
        String hostPort = host + (repository.explicitPort().isPresent() ? ":" + repository.port() : "");
        // jcifs takes a URL: the share and path as written (still escaped), never the user info
        String rawPath = repository.rawPath();
        while (rawPath.startsWith("/")) {
            rawPath = rawPath.substring(1);
        }
        String treeUrl = "smb://" + hostPort + "/" + (rawPath.endsWith("/") ? rawPath : rawPath + "/");
        String masked = repository.masked();
        String display = masked.endsWith("/") ? masked : masked + "/";

        Properties properties = new Properties();
        properties.setProperty("jcifs.smb.client.minVersion", "SMB202");
        properties.setProperty("jcifs.smb.client.maxVersion", "SMB311");
        properties.setProperty("jcifs.smb.client.disableSMB1", "true");
        properties.setProperty("jcifs.smb.client.port139.enabled", "false");
        properties.setProperty("jcifs.smb.client.allowGuestFallback", "false");
        properties.setProperty("jcifs.resolveOrder", "DNS");
        properties.setProperty("jcifs.smb.client.connTimeout", Long.toString(options.connectTimeout().toMillis()));
        properties.setProperty("jcifs.smb.client.responseTimeout", Long.toString(options.readTimeout().toMillis()));
        BaseContext base;
        try {
            base = new BaseContext(new PropertyConfiguration(properties));
        } catch (CIFSException e) {
            throw BootloaderException.internal("Cannot configure the SMB client: " + e.getMessage(), e);
        }
        CIFSContext context = credentials.anonymous() ? base.withGuestCrendentials()
                : base.withCredentials(new NtlmPasswordAuthenticator(credentials.domain(), credentials.user(),
                        credentials.password()));
        String who = credentials.anonymous() ? "guest" : "user " + credentials.who();
        Log.info("reading " + display + " over SMB 2/3 as " + who);
        SmbSource source = new SmbSource(base, context, treeUrl, display, who, options);
        if (!credentials.anonymous()) {
            source.credentialIdentity = credentials.domain() + ";" + credentials.user() + "\0" + credentials.password();
        }
        return source;
    }

    @Override
    public String describe(String path) {
        return displayBase + path;
    }

    @Override
    public boolean exists(String path) throws IOException {
        TreePath.check(path, displayBase); // refused names reach no server
        Attempts attempts = attempts(path);
        try {
            return attempts.run(() -> {
                try (SmbFile file = file(path)) {
                    return file.exists() && file.isFile();
                } catch (SmbException e) {
                    throw classify(e, path);
                }
            });
        } catch (IOException e) {
            throw failure(path, e);
        }
    }

    @Override
    public Resource open(String path) throws IOException {
        TreePath.check(path, displayBase); // refused names reach no server
        try {
            return ResumableStream.<Segment>open(attempts(path), (offset, first) -> segment(path, offset, first));
        } catch (IOException e) {
            throw failure(path, e);
        }
    }

    @Override
    public void close() {
        try {
            base.close();
        } catch (CIFSException ignored) {
            // the connections are dropped either way
        }
    }

    private Segment segment(String path, long offset, Segment first) throws IOException {
        SmbFile file = file(path);
        try {
            if (!file.exists()) {
                throw first == null
                        ? BootloaderException.invalidSource("The repository has no file " + describe(path) + ".")
                        : changed(path, "it is gone");
            }
            if (!file.isFile()) {
                throw BootloaderException.invalidSource(describe(path)
                        + (file.isDirectory() ? " is a directory, not a file." : " is not a regular file."));
            }
            long size = file.length();
            long modified = file.lastModified();
            if (first != null && (size != first.size || modified != first.modified)) {
                throw changed(path, "its size or time changed");
            }
            InputStream in = file.openInputStream();
            if (offset > 0) {
                long skipped = in.skip(offset); // SmbFileInputStream seeks: nothing is read
                if (skipped != offset) {
                    in.close();
                    throw new IOException("cannot seek to byte " + offset);
                }
                Log.info("resumed " + describe(path) + " at byte " + offset);
            }
            return new Segment(size, modified, new FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        file.close();
                    }
                }
            });
        } catch (SmbException e) {
            file.close();
            throw classify(e, path);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private SmbFile file(String path) throws MalformedURLException {
        return new SmbFile(treeUrl + TreePath.check(path, displayBase), context);
    }

    /** Permanent failures become {@link BootloaderException}s; the rest stay transient. */
    private IOException classify(SmbException e, String path) {
        int status = e.getNtStatus();
        if (e instanceof SmbAuthException || status == NtStatus.NT_STATUS_LOGON_FAILURE
                || status == NtStatus.NT_STATUS_ACCOUNT_DISABLED || status == NtStatus.NT_STATUS_WRONG_PASSWORD) {
            throw BootloaderException.invalidSource("The SMB server refused the login of " + who + " for "
                    + describe(path) + " (" + Attempts.describe(e) + ").", e);
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("does not support SMB2")) {
                throw BootloaderException.invalidSource("The SMB server for " + describe(path) + " speaks only SMB1,"
                        + " which is not used: SMB 2.0.2 or later is required.", e);
            }
        }
        if (status == NtStatus.NT_STATUS_BAD_NETWORK_NAME) {
            throw BootloaderException.invalidSource("The SMB server has no such share for " + describe(path) + ".", e);
        }
        if (status == NtStatus.NT_STATUS_OBJECT_NAME_NOT_FOUND || status == NtStatus.NT_STATUS_OBJECT_PATH_NOT_FOUND
                || status == NtStatus.NT_STATUS_NO_SUCH_FILE) {
            throw BootloaderException.invalidSource("The repository has no file " + describe(path) + ".", e);
        }
        if (status == NtStatus.NT_STATUS_ACCESS_DENIED) {
            throw BootloaderException.invalidSource("The SMB server denies " + who + " access to " + describe(path)
                    + ".", e);
        }
        return e;
    }

    private Attempts attempts(String path) {
        return new Attempts(options.retry(), options.overallTimeout(), describe(path));
    }

    private BootloaderException failure(String path, IOException e) {
        return Attempts.cannotFetch(describe(path), e);
    }

    private BootloaderException changed(String path, String why) {
        return Attempts.changedWhileFetching(describe(path), why);
    }

    private record Segment(long size, long modified, InputStream stream) implements ResumableStream.Segment {
        @Override
        public Validators validators() {
            return modified > 0 ? Validators.of("size", Long.toString(size), "mtime", Long.toString(modified * 1_000_000))
                    : Validators.NONE;
        }
    }

    /** Unchanged when the file's size and last-write time are those of the cached copy. */
    @Override
    public Resource openIfChanged(String path, Validators known) throws IOException {
        if (known.isEmpty()) {
            return open(path);
        }
        Validators now;
        try {
            now = attempts(path).run(() -> {
                try (SmbFile file = file(path)) {
                    if (!file.exists() || !file.isFile()) {
                        return Validators.NONE;
                    }
                    long modified = file.lastModified();
                    return modified > 0 ? Validators.of("size", Long.toString(file.length()), "mtime",
                            Long.toString(modified * 1_000_000)) : Validators.NONE;
                } catch (SmbException e) {
                    throw classify(e, path);
                }
            });
        } catch (IOException e) {
            throw failure(path, e);
        }
        return now.equals(known) ? Resource.unchanged(known) : open(path);
    }

    @Override
    public java.util.Optional<String> cacheIdentity(String path) {
        return java.util.Optional.of(treeUrl + TreePath.check(path, displayBase) + "\n" + credentialIdentity);
    }
}
