package org.xenproject.eliloader.source.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.OptionalLong;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.SourceOptions;

/**
 * An install tree served over http or https, read with OkHttp. Asks for the identity encoding so
 * that Content-Length is the length of the file itself, which the copy then checks.
 */
public final class HttpSource implements InstallSource {
    private final HttpUrl base;
    private final OkHttpClient client;

    public HttpSource(Repository repository, SourceOptions options) {
        String location = repository.location().endsWith("/") ? repository.location() : repository.location() + "/";
        HttpUrl parsed = HttpUrl.parse(location);
        if (parsed == null) {
            throw BootloaderException.invalidSource("The repository " + repository.masked() + " is not a valid URL.");
        }
        this.base = parsed;
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(options.connectTimeout())
                .readTimeout(options.readTimeout())
                .followSslRedirects(false)
                .retryOnConnectionFailure(true);
        if (options.proxy() != null) {
            builder.proxy(proxy(options.proxy()));
        }
        this.client = builder.build();
    }

    @Override
    public String describe(String path) {
        return Repository.mask(url(path).toString());
    }

    @Override
    public boolean exists(String path) throws IOException {
        Request request = request(path).head().build();
        try (Response response = client.newCall(request).execute()) {
            if (response.isSuccessful()) {
                return true;
            }
            if (response.code() == 404 || response.code() == 410) {
                return false;
            }
            throw BootloaderException.invalidSource("The server answered HTTP " + response.code() + " for "
                    + describe(path) + ".");
        } catch (IOException e) {
            throw unreachable(path, e);
        }
    }

    @Override
    public Resource open(String path) throws IOException {
        Response response;
        try {
            response = client.newCall(request(path).get().build()).execute();
        } catch (IOException e) {
            throw unreachable(path, e);
        }
        if (!response.isSuccessful()) {
            int code = response.code();
            response.close();
            throw BootloaderException.invalidSource("The repository has no file " + describe(path) + " (HTTP "
                    + code + ").");
        }
        ResponseBody body = response.body();
        long length = body.contentLength();
        return new Resource() {
            @Override
            public OptionalLong length() {
                return length >= 0 ? OptionalLong.of(length) : OptionalLong.empty();
            }

            @Override
            public InputStream stream() {
                return body.byteStream();
            }

            @Override
            public void close() {
                response.close();
            }
        };
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private HttpUrl url(String path) {
        HttpUrl resolved = base.resolve(path);
        if (resolved == null) {
            throw BootloaderException.invalidSource("Cannot form a URL for " + path + " under " + Repository.mask(base.toString()) + ".");
        }
        return resolved;
    }

    private Request.Builder request(String path) {
        return new Request.Builder().url(url(path)).header("Accept-Encoding", "identity")
                .header("User-Agent", "eliloader");
    }

    private BootloaderException unreachable(String path, IOException e) {
        return BootloaderException.invalidSource("Cannot fetch " + describe(path) + ": " + e.getMessage(), e);
    }

    private static Proxy proxy(String proxyUrl) {
        URI uri;
        try {
            uri = new URI(proxyUrl.strip());
        } catch (Exception e) {
            throw BootloaderException.invalidSource("other-config:install-proxy \"" + Repository.mask(proxyUrl)
                    + "\" is not a valid URL.");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw BootloaderException.invalidSource("other-config:install-proxy \"" + Repository.mask(proxyUrl)
                    + "\" must be http://HOST[:PORT].");
        }
        int port = uri.getPort() < 0 ? 3128 : uri.getPort();
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(uri.getHost(), port));
    }
}
