package org.xenproject.eliloader.source.nfs;

import java.util.OptionalInt;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.Repository;

/**
 * Where an NFS install tree is: server, optional NFS port, and the absolute path of the
 * tree on the server (an export, or a directory below one).
 *
 * <p>Accepted spellings, as XenServer templates and administrators write them (parsed, with
 * every other repository, by {@link Repository#parse}):
 * <ul>
 *   <li>{@code nfs:server:/path} &mdash; the mount(8) spelling, path taken verbatim;</li>
 *   <li>{@code nfs://server/path} and {@code nfs://server:/path} &mdash; URL spellings
 *       (the second is the mount spelling pasted into a URL);</li>
 *   <li>{@code nfs://server:2049/path} &mdash; with the NFS port, for servers whose
 *       portmapper does not list NFS.</li>
 * </ul>
 * IPv6 literals go in brackets. In the URL spellings {@code %XX} escapes are decoded.
 * The path is normalised ("//" and "." removed); ".." is refused, since a repository
 * path that climbs is a mistake better reported than guessed at.
 */
public final class NfsLocation {
    private final String host;
    private final int port;
    private final String path;

    private NfsLocation(String host, int port, String path) {
        this.host = host;
        this.port = port;
        this.path = path;
    }

    /**
     * Parses an NFS repository location (any of the spellings above).
     *
     * @throws BootloaderException INVALID_SOURCE when {@code url} is not an NFS location
     */
    public static NfsLocation parse(String url) {
        if (url == null) {
            throw BootloaderException.invalidSource("invalid NFS repository location 'null'");
        }
        return of(Repository.parse(url));
    }

    /** The NFS location of a repository {@link Repository#parse} has parsed (with {@link #parse}). */
    public static NfsLocation of(Repository repository) {
        if (repository.scheme() != Repository.Scheme.NFS) {
            throw BootloaderException.invalidSource("invalid NFS repository location '" + repository.masked()
                    + "': not an nfs: location; expected nfs:server:/path or nfs://server[:port]/path");
        }
        return new NfsLocation(repository.host(), repository.explicitPort().orElse(-1), repository.path());
    }

    /** The server name or address, IPv6 literals without brackets. */
    public String host() {
        return host;
    }

    /** The NFS port given in the location; when absent the portmapper is asked. */
    public OptionalInt port() {
        return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** The absolute, normalised path of the tree on the server; "/" for the root. */
    public String path() {
        return path;
    }

    /** The canonical URL spelling: {@code nfs://server[:port]/path}. */
    public String toUrl() {
        StringBuilder b = new StringBuilder("nfs://");
        b.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        if (port >= 0) {
            b.append(':').append(port);
        }
        return b.append(path).toString();
    }

    /**
     * {@code relative} (a '/'-separated path inside the tree) as a location for messages,
     * e.g. {@code nfs://server/export/images/xen/vmlinuz}.
     */
    public String describe(String relative) {
        String url = toUrl();
        if (relative == null || relative.isEmpty()) {
            return url;
        }
        String clean = relative.startsWith("/") ? relative.substring(1) : relative;
        return url.endsWith("/") ? url + clean : url + "/" + clean;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NfsLocation)) {
            return false;
        }
        NfsLocation other = (NfsLocation) o;
        return host.equals(other.host) && port == other.port && path.equals(other.path);
    }

    @Override
    public int hashCode() {
        return (host.hashCode() * 31 + port) * 31 + path.hashCode();
    }

    @Override
    public String toString() {
        return toUrl();
    }
}
