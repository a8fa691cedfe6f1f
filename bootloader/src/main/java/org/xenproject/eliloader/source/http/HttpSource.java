package org.xenproject.eliloader.source.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import okhttp3.Call;
import okhttp3.ConnectionSpec;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.source.Attempts;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.ProxySetting;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.RepositoryCredentials;
import org.xenproject.eliloader.source.ResumableStream;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.source.TreePath;
import org.xenproject.eliloader.source.Validators;

/**
 * An install tree served over http or https, read with OkHttp.
 *
 * <ul>
 * <li>https is verified: the JDK's system trust, or exactly the CA file when one is configured.</li>
 * <li>{@code http[s]://USER[:PASSWORD]@HOST/...}: Basic authentication, answered to a 401 from the
 * repository's own origin only (never to a host a redirect leads to); the password comes from the
 * URL or the repository secret.</li>
 * <li>{@code install-proxy}, else the host's {@code http-proxy}, is used for both schemes (https
 * through CONNECT); without them the connection is direct, whatever the JVM's proxy properties
 * say. Requests through a proxy carry {@code Cache-Control: max-age=0}, so a caching proxy
 * revalidates before it serves a copy.</li>
 * <li>Redirects are followed by this class, at most {@value #MAX_REDIRECTS} in a row, within the
 * http family: http to http or https, https only to https (never a downgrade).</li>
 * <li>Asks for the identity encoding so that Content-Length is the length of the file, which the
 * copy checks; a connection that breaks is resumed with {@code Range} and {@code If-Range} (the
 * strong ETag, else Last-Modified), so that a file changed on the server is never spliced.</li>
 * <li>Connect and read timeouts per connection (reads time out in the socket: {@link ReadTimeoutSockets});
 * the overall timeout bounds each file, retries
 * (with backoff, {@link org.xenproject.eliloader.source.RetryPolicy}) included.</li>
 * </ul>
 */
public final class HttpSource implements InstallSource {
    static final int MAX_REDIRECTS = 5;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)",
            Pattern.CASE_INSENSITIVE);

    /** How OkHttp reports a CONNECT the proxy answered with anything but 200 or 407. */
    private static final Pattern CONNECT_REFUSED = Pattern.compile("response code for CONNECT: (\\d{3})");

    private final HttpUrl base;
    /** For http URLs; for https ones too when the repository is https or a CA file is configured. */
    private final OkHttpClient client;
    /** For https URLs of an http repository (a redirect), made on first use. */
    private OkHttpClient tlsClient;
    private final SourceOptions options;
    private final ProxySetting proxy;
    private final String user;
    private final String userDisplay;
    /**
     * The Basic credential, sent with every request to the repository's own origin once that
     * origin has asked for it (one 401 a run, not one a request); null until then.
     */
    private volatile String preemptiveCredential;
    /**
     * Where the tree really is when the server moved it for good (301 or 308 of a file to the same
     * name under another directory): later requests go there at once. Messages, credentials and
     * cache keys keep the repository's URL.
     */
    private volatile HttpUrl movedBase;
    /** Who the requests authenticate as, for {@link #cacheIdentity}: user and password, or empty. */
    private final String credentialIdentity;

    public HttpSource(Repository repository, SourceOptions options) {
        this.base = baseUrl(repository);
        this.options = options;
        this.user = repository.user();
        this.userDisplay = user == null ? null : user + (repository.password() == null ? "" : ":***");
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(options.connectTimeout())
                // read timeouts in the socket, not in Okio's per-read watchdog (see ReadTimeoutSockets)
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .socketFactory(new ReadTimeoutSockets(options.readTimeout()))
                // HTTP/1.1 only: SO_TIMEOUT on a shared HTTP/2 socket would also end idle connections
                .protocols(java.util.List.of(Protocol.HTTP_1_1))
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(true);
        this.proxy = ProxySetting.of(options);
        if (proxy != null) {
            builder.proxy(proxy.proxy());
            if (proxy.user() != null) {
                String credential = Credentials.basic(proxy.user(), proxy.password());
                builder.proxyAuthenticator((route, response) -> {
                    if (response.request().header("Proxy-Authorization") != null) {
                        return null; // refused once: do not loop
                    }
                    return response.request().newBuilder().header("Proxy-Authorization", credential).build();
                });
            }
            Log.info("fetching " + Repository.mask(base.toString()) + " through the proxy " + proxy);
        } else {
            builder.proxy(Proxy.NO_PROXY);
        }
        RepositoryCredentials credentials = RepositoryCredentials.resolve(repository, options.repositorySecret());
        this.credentialIdentity = credentials.anonymous() ? "" : credentials.user() + "\0" + credentials.password();
        if (!credentials.anonymous()) {
            String credential = Credentials.basic(credentials.user(), credentials.password(), StandardCharsets.UTF_8);
            builder.authenticator((route, response) -> {
                if (!sameOrigin(response.request().url()) || response.request().header("Authorization") != null) {
                    return null; // never to another origin; refused once: do not loop
                }
                preemptiveCredential = credential;
                return response.request().newBuilder().header("Authorization", credential).build();
            });
        }
        if (options.caFile() != null) {
            TrustFile trust = TrustFile.load(options.caFile());
            builder.sslSocketFactory(trust.context().getSocketFactory(), trust.trustManager());
            this.client = builder.build();
        } else if (base.isHttps()) {
            this.client = builder.build();
        } else {
            // a client that speaks only cleartext does not load the system trust store (about 0.2 s);
            // https (after a redirect) gets a full client, made when needed
            this.client = builder.connectionSpecs(java.util.List.of(ConnectionSpec.CLEARTEXT)).build();
        }
    }

    /**
     * The tree's URL, ending in '/', from the parsed repository. Requests never carry the user
     * info: OkHttp would put it in the request line sent to a proxy.
     */
    private static HttpUrl baseUrl(Repository repository) {
        String path = repository.rawPath().isEmpty() ? "/" : repository.rawPath();
        try {
            HttpUrl.Builder url = new HttpUrl.Builder()
                    .scheme(repository.scheme() == Repository.Scheme.HTTPS ? "https" : "http")
                    .host(repository.host())
                    .encodedPath(path.endsWith("/") ? path : path + "/");
            if (repository.explicitPort().isPresent()) {
                url.port(repository.port());
            }
            return url.build();
        } catch (IllegalArgumentException e) {
            throw BootloaderException.invalidSource("The repository " + repository.masked() + " is not a valid URL.");
        }
    }

    /** OkHttp's client is thread-safe: the kernel and the initrd may stream at the same time. */
    @Override
    public boolean readsConcurrently() {
        return true;
    }

    private OkHttpClient clientFor(HttpUrl url) {
        if (!url.isHttps() || base.isHttps() || options.caFile() != null) {
            return client;
        }
        if (tlsClient == null) {
            tlsClient = client.newBuilder().connectionSpecs(java.util.List.of(ConnectionSpec.MODERN_TLS,
                    ConnectionSpec.CLEARTEXT)).build();
        }
        return tlsClient;
    }

    @Override
    public String describe(String path) {
        // never throws: it names refused paths too
        HttpUrl resolved = TreePath.isValid(path) ? base.resolve(path) : null;
        return resolved == null ? mask(base) + path : mask(resolved);
    }

    @Override
    public boolean exists(String path) throws IOException {
        HttpUrl url = url(path);
        Attempts attempts = attempts(url);
        try {
            return attempts.run(() -> probe(url, attempts));
        } catch (IOException e) {
            throw failure(url, e);
        }
    }

    @Override
    public Resource open(String path) throws IOException {
        return openIfChanged(path, Validators.NONE);
    }

    /** One GET: 404 or 410 (or a redirect to the directory of that name) is an absent file. */
    @Override
    public java.util.Optional<Resource> openIfExists(String path) throws IOException {
        Resource resource = open(path, Validators.NONE, true);
        return resource == null ? java.util.Optional.empty() : java.util.Optional.of(resource);
    }

    /** A conditional GET ({@code If-None-Match}, {@code If-Modified-Since}); 304 is an unchanged file. */
    @Override
    public Resource openIfChanged(String path, Validators known) throws IOException {
        return open(path, known, false);
    }

    /** The GET behind every open; with {@code mayBeMissing} an absent file is null instead of an error. */
    private Resource open(String path, Validators known, boolean mayBeMissing) throws IOException {
        HttpUrl url = url(path);
        Attempts attempts = attempts(url);
        Exchange first;
        try {
            first = attempts.run(() -> get(url, moved(url), attempts, 0, null, known, mayBeMissing));
        } catch (IOException e) {
            throw failure(url, e);
        }
        if (first == null) {
            return null;
        }
        if (first.response.code() == 304) {
            Validators now = validators(first.response, known.get("length"));
            first.response.close();
            // a 304 that names another entity tag is not about the version we hold
            String etag = now.get("etag");
            if (etag != null && !etag.equals(known.get("etag"))) {
                return open(path); // then ask for the file itself
            }
            return Resource.unchanged(known);
        }
        if (first.response.code() != 200) {
            first.response.close();
            throw BootloaderException.invalidSource("The server answered HTTP " + first.response.code() + " to a plain GET of "
                    + mask(url) + ".");
        }
        long length = first.response.body().contentLength();
        OptionalLong announced = length >= 0 ? OptionalLong.of(length) : OptionalLong.empty();
        String validator = validator(first.response);
        HttpUrl target = first.url;
        ResumableStream stream = new ResumableStream(first.response.body().byteStream(),
                offset -> resume(url, target, offset, validator, length, attempts), attempts, announced);
        return Resource.of(announced, stream,
                validators(first.response, length >= 0 ? Long.toString(length) : null));
    }

    @Override
    public java.util.Optional<String> cacheIdentity(String path) {
        return java.util.Optional.of(url(path) + "\n" + credentialIdentity);
    }

    /** The validators of a response: ETag, Last-Modified and the length (when known). */
    private static Validators validators(Response response, String length) {
        String etag = response.header("ETag");
        String lastModified = response.header("Last-Modified");
        if (etag == null && lastModified == null) {
            return Validators.NONE; // the length alone does not tell two versions apart
        }
        return Validators.of("etag", oneLine(etag), "last-modified", oneLine(lastModified), "length", length);
    }

    private static String oneLine(String header) {
        return header == null || header.length() > 512 || header.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? null
                : header;
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** HEAD (GET of one byte when HEAD is not allowed), following redirects. */
    private boolean probe(HttpUrl requested, Attempts attempts) throws IOException {
        HttpUrl url = moved(requested);
        boolean useGet = false;
        for (int hop = 0; hop <= MAX_REDIRECTS; ) {
            Request.Builder request = request(url);
            if (useGet) {
                request.get().header("Range", "bytes=0-0");
            } else {
                request.head();
            }
            try (Response response = execute(request.build(), attempts)) {
                int code = response.code();
                if (isRedirect(code)) {
                    HttpUrl next = redirect(requested, url, response);
                    if (isDirectory(url, next)) {
                        return false;
                    }
                    url = next;
                    hop++;
                    continue;
                }
                if (code >= 200 && code < 300) {
                    return true;
                }
                if (code == 404 || code == 410) {
                    return false;
                }
                if ((code == 405 || code == 501) && !useGet) {
                    useGet = true;
                    continue;
                }
                checkTransient(code, url);
                throw BootloaderException.invalidSource("The server answered HTTP " + code + " " + response.message()
                        + " for " + mask(url) + throughProxy() + ".");
            }
        }
        throw tooManyRedirects(requested);
    }

    /** A GET following redirects; a range request when {@code offset > 0}. */
    private Exchange get(HttpUrl requested, HttpUrl start, Attempts attempts, long offset, String validator,
            Validators known) throws IOException {
        return get(requested, start, attempts, offset, validator, known, false);
    }

    /** As above; with {@code mayBeMissing}, 404, 410 and a redirect to a directory give null. */
    private Exchange get(HttpUrl requested, HttpUrl start, Attempts attempts, long offset, String validator,
            Validators known, boolean mayBeMissing) throws IOException {
        HttpUrl url = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Request.Builder request = request(url).get();
            if (offset > 0) {
                request.header("Range", "bytes=" + offset + "-");
                request.header("If-Range", validator);
            } else if (!known.isEmpty()) {
                if (known.get("etag") != null) {
                    request.header("If-None-Match", known.get("etag"));
                }
                if (known.get("last-modified") != null) {
                    request.header("If-Modified-Since", known.get("last-modified"));
                }
            }
            Response response = execute(request.build(), attempts);
            int code = response.code();
            if (isRedirect(code)) {
                HttpUrl next;
                try {
                    next = redirect(requested, url, response);
                } finally {
                    response.close();
                }
                if (hop == 0 && (code == 301 || code == 308)) {
                    remember(url, next);
                }
                if (isDirectory(url, next)) {
                    if (mayBeMissing) {
                        return null;
                    }
                    throw BootloaderException.invalidSource(mask(requested) + " is a directory, not a file (the server"
                            + " redirects it to " + mask(next) + ").");
                }
                url = next;
                continue;
            }
            if (code == 200 || (code == 206 && offset > 0) || (code == 304 && offset == 0 && !known.isEmpty())) {
                return new Exchange(url, response);
            }
            String message = response.message();
            response.close();
            if (mayBeMissing && (code == 404 || code == 410)) {
                return null;
            }
            if (code == 401 && user != null && sameOrigin(url)) {
                throw BootloaderException.invalidSource("The server refused the credentials of " + user + " for "
                        + mask(url) + " (HTTP 401).");
            }
            if (code == 404 || code == 410) {
                throw BootloaderException.invalidSource("The repository has no file " + mask(requested) + " (HTTP "
                        + code + (url.equals(requested) ? "" : " from " + mask(url)) + ").");
            }
            if (code == 416 && offset > 0) {
                throw changed(requested, "the server no longer has byte " + offset);
            }
            checkTransient(code, url);
            throw BootloaderException.invalidSource("The server answered HTTP " + code + " " + message + " for "
                    + mask(url) + throughProxy() + ".");
        }
        throw tooManyRedirects(requested);
    }

    /** The rest of the file from {@code offset}, after a broken connection. */
    private InputStream resume(HttpUrl requested, HttpUrl url, long offset, String validator, long length,
            Attempts attempts) throws IOException {
        if (validator == null) {
            throw BootloaderException.invalidSource("The transfer of " + mask(requested) + " broke at byte " + offset
                    + " and cannot be resumed safely: the server sends neither a strong ETag nor Last-Modified.");
        }
        Exchange exchange = get(requested, url, attempts, offset, validator, Validators.NONE);
        Response response = exchange.response;
        try {
            if (response.code() == 206) {
                Matcher m = CONTENT_RANGE.matcher(String.valueOf(response.header("Content-Range")));
                if (!m.matches() || Long.parseLong(m.group(1)) != offset
                        || (length >= 0 && !m.group(3).equals("*") && Long.parseLong(m.group(3)) != length)) {
                    throw changed(requested, "the server answered the resume at byte " + offset + " with Content-Range "
                            + response.header("Content-Range"));
                }
                String now = validator(response);
                if (now != null && validator.startsWith("\"") && now.startsWith("\"") && !now.equals(validator)) {
                    throw changed(requested, "its ETag changed");
                }
                Log.info("resumed " + mask(requested) + " at byte " + offset);
                return response.body().byteStream();
            }
            // 200: the server ignored the range, or the file changed (If-Range did not match)
            if (!validator.equals(validator(response))
                    || (length >= 0 && response.body().contentLength() >= 0 && response.body().contentLength() != length)) {
                throw changed(requested, "it is no longer the version whose first " + offset + " bytes arrived");
            }
            InputStream in = response.body().byteStream();
            in.skipNBytes(offset);
            Log.info("resumed " + mask(requested) + " at byte " + offset + " by reading past the first " + offset
                    + " bytes again (the server ignores ranges)");
            return in;
        } catch (IOException | RuntimeException e) {
            response.close();
            throw e;
        }
    }

    private Response execute(Request request, Attempts attempts) throws IOException {
        Call call = clientFor(request.url()).newCall(request);
        call.timeout().timeout(attempts.remaining().toNanos(), TimeUnit.NANOSECONDS);
        Response response;
        try {
            // the headers count no bytes: a server that drips them is judged by the low-speed window
            response = attempts.awaiting(call::cancel, call::execute);
        } catch (Attempts.TooSlow e) {
            throw e;
        } catch (IOException e) {
            // OkHttp's way of saying the proxy refused the CONNECT credentials (407 twice)
            String message = String.valueOf(e.getMessage());
            if (proxy != null && message.contains("authenticate with proxy")) {
                throw proxyRefused(request.url());
            }
            Matcher connect = CONNECT_REFUSED.matcher(message);
            if (proxy != null && connect.find() && !connect.group(1).startsWith("5")) {
                throw BootloaderException.invalidSource("The proxy " + proxy + " (" + proxy.origin() + ") refused"
                        + " the tunnel to " + mask(request.url()) + ": it answered CONNECT with HTTP " + connect.group(1)
                        + ".");
            }
            throw e;
        }
        if (response.code() == 407) {
            response.close();
            throw proxyRefused(request.url());
        }
        String declared = response.header("Content-Length");
        if (declared != null && !declared.strip().matches("\\d{1,18}")) {
            // OkHttp would take "-5" as a length and fail deep inside the read (and the close)
            try {
                response.close();
            } catch (RuntimeException ignored) {
                // the connection is dropped either way
            }
            throw BootloaderException.invalidSource("The server sent an invalid Content-Length ("
                    + MessageText.quoted(declared, 40) + ") for " + mask(request.url()) + ".");
        }
        return response;
    }

    private String throughProxy() {
        return proxy == null ? "" : " (through the proxy " + proxy + ", " + proxy.origin() + ")";
    }

    private BootloaderException proxyRefused(HttpUrl url) {
        return BootloaderException.invalidSource("The proxy " + proxy + " (" + proxy.origin() + ") refused "
                + (proxy.user() == null ? "to forward requests without credentials" : "the credentials of " + proxy.user())
                + " (HTTP 407) for " + mask(url) + ".");
    }

    private Request.Builder request(HttpUrl url) {
        Request.Builder request = new Request.Builder().url(url).header("Accept-Encoding", "identity")
                .header("User-Agent", "eliloader");
        if (proxy != null) {
            // max-age=0: a caching proxy (a pool's squid) revalidates its copy with the server before
            // serving it (a conditional GET, no body when unchanged): it shares bytes, never stale ones
            request.header("Cache-Control", "max-age=0");
        }
        String credential = preemptiveCredential;
        if (credential != null && sameOrigin(url)) {
            request.header("Authorization", credential);
        }
        return request;
    }

    private HttpUrl redirect(HttpUrl requested, HttpUrl from, Response response) {
        String location = response.header("Location");
        HttpUrl to = location == null ? null : from.resolve(location);
        if (to == null) {
            throw BootloaderException.invalidSource("The server redirected " + mask(from) + " (HTTP " + response.code()
                    + ") to " + (location == null ? "nowhere" : "an unusable location") + ".");
        }
        if (from.isHttps() && !to.isHttps()) {
            throw BootloaderException.invalidSource("The server redirected " + mask(from) + " to " + mask(to)
                    + "; redirects from https to http are refused.");
        }
        Log.info("redirect " + response.code() + " from " + mask(from) + " to " + mask(to)
                + (from.equals(requested) ? "" : " (for " + mask(requested) + ")"));
        return to;
    }

    /** The URL a request for {@code url} goes to: under the moved tree when the root was moved for good. */
    private HttpUrl moved(HttpUrl url) {
        HttpUrl to = movedBase;
        String prefix = base.encodedPath();
        if (to == null || !url.encodedPath().startsWith(prefix) || !sameOrigin(url)) {
            return url;
        }
        HttpUrl resolved = to.resolve(url.encodedPath().substring(prefix.length())
                + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery()));
        return resolved == null ? url : resolved;
    }

    /** A permanent redirect of a file of the tree to the same name elsewhere moves the whole tree. */
    private void remember(HttpUrl from, HttpUrl to) {
        String prefix = base.encodedPath();
        String path = from.encodedPath();
        if (movedBase != null || !sameOrigin(from) || !path.startsWith(prefix)) {
            return;
        }
        String relative = path.substring(prefix.length());
        String target = to.encodedPath();
        if (relative.isEmpty() || !target.endsWith("/" + relative) || to.encodedQuery() != null) {
            return;
        }
        movedBase = to.newBuilder().encodedPath(target.substring(0, target.length() - relative.length())).build();
        Log.info("the repository " + mask(base) + " moved for good to " + mask(movedBase));
    }

    /** Servers answer a directory named without its trailing slash with a redirect to the name with one. */
    private static boolean isDirectory(HttpUrl from, HttpUrl to) {
        return to.host().equals(from.host()) && to.encodedPath().equals(from.encodedPath() + "/");
    }

    private static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    /** 5xx, 408 and 429 are worth another try. */
    private void checkTransient(int code, HttpUrl url) throws IOException {
        if (code >= 500 || code == 408 || code == 429) {
            throw new IOException("HTTP " + code + " from " + mask(url));
        }
    }

    /** The validator for If-Range: a strong ETag, else Last-Modified, else none. */
    private static String validator(Response response) {
        String etag = response.header("ETag");
        if (etag != null && etag.startsWith("\"")) {
            return etag;
        }
        return response.header("Last-Modified");
    }

    private Attempts attempts(HttpUrl url) {
        return new Attempts(options.retry(), options.overallTimeout(), mask(url));
    }

    private BootloaderException failure(HttpUrl url, IOException e) {
        if (e instanceof SSLException) {
            return BootloaderException.invalidSource("Cannot fetch " + mask(url) + ": the TLS connection failed ("
                    + Attempts.describe(e) + "); if the server's certificate is issued by a private CA, name that CA"
                    + " with --ca-file or ELILOADER_CA_FILE.", e);
        }
        return BootloaderException.invalidSource("Cannot fetch " + mask(url) + ": " + Attempts.describe(e), e);
    }

    private BootloaderException tooManyRedirects(HttpUrl url) {
        return BootloaderException.invalidSource("Too many redirects (more than " + MAX_REDIRECTS + ") fetching "
                + mask(url) + ".");
    }

    private BootloaderException changed(HttpUrl url, String why) {
        return Attempts.changedWhileFetching(mask(url), why);
    }

    /**
     * The URL of a tree path: each component added as a literal name (percent-encoded), so a
     * '%', '?' or '#' in a name from the record or the tree (e.g. {@code debian-release=..%2F..})
     * can neither become a '/' or ".." the server decodes nor start a query.
     */
    private HttpUrl url(String path) {
        HttpUrl.Builder url = base.newBuilder().query(null).fragment(null);
        for (String component : TreePath.check(path, mask(base)).split("/")) {
            url.addPathSegment(component);
        }
        return url.build();
    }

    /** A URL for messages: with the repository's user (password masked) when it is on the repository's origin. */
    private String mask(HttpUrl url) {
        String text = Repository.mask(url.toString());
        if (userDisplay != null && sameOrigin(url) && url.username().isEmpty()) {
            int authority = text.indexOf("://") + 3;
            text = text.substring(0, authority) + userDisplay + "@" + text.substring(authority);
        }
        return text;
    }

    private boolean sameOrigin(HttpUrl url) {
        return url.scheme().equals(base.scheme()) && url.host().equals(base.host()) && url.port() == base.port();
    }

    private record Exchange(HttpUrl url, Response response) {
    }
}
