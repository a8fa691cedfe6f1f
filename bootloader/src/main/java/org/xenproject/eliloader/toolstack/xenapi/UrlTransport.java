package org.xenproject.eliloader.toolstack.xenapi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/**
 * XML-RPC over https (a pool master, certificate and host name verified against the system
 * trust or the CA file) or over plain http when the URL says so, with OkHttp.
 */
final class UrlTransport implements XapiTransport {
    private static final MediaType XML = MediaType.get("text/xml");

    private final HttpUrl url;
    private final OkHttpClient client;

    UrlTransport(HttpUrl url, Path caFile, Duration timeout) {
        this.url = url;
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(Math.min(30, timeout.toSeconds())))
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout.plusSeconds(30))
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false); // a retried call could be applied twice
        if (caFile != null && url.isHttps()) {
            X509TrustManager trust = trustOnly(caFile);
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {trust}, null);
                builder.sslSocketFactory(context.getSocketFactory(), trust);
            } catch (GeneralSecurityException e) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot set up TLS with the CA file "
                        + caFile + ": " + e.getMessage(), e);
            }
        }
        this.client = builder.build();
    }

    /** A trust manager that accepts exactly the certificates in a PEM (or DER) file. */
    static X509TrustManager trustOnly(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The CA file " + caFile
                        + " holds no certificate.");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new GeneralSecurityException("no X.509 trust manager");
        } catch (IOException | GeneralSecurityException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot read the CA file " + caFile + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public byte[] post(byte[] request) throws IOException {
        Request call = new Request.Builder().url(url).header("User-Agent", "eliloader")
                .post(RequestBody.create(request, XML, 0, request.length)).build();
        try (Response response = client.newCall(call).execute()) {
            if (response.code() != 200) {
                throw new IOException("HTTP " + response.code() + " " + response.message());
            }
            ResponseBody body = response.body();
            long length = body.contentLength();
            if (length > MAX_RESPONSE_BYTES) {
                throw new IOException("response of " + length + " bytes exceeds the limit of " + MAX_RESPONSE_BYTES);
            }
            try (InputStream in = body.byteStream()) {
                byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
                if (bytes.length > MAX_RESPONSE_BYTES) {
                    throw new IOException("response exceeds the limit of " + MAX_RESPONSE_BYTES + " bytes");
                }
                return bytes;
            }
        }
    }

    @Override
    public String describe() {
        return "xapi at " + url;
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
