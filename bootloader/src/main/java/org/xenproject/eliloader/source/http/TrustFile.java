package org.xenproject.eliloader.source.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * The trust of https sources when a CA file is configured ({@code --ca-file},
 * {@code ELILOADER_CA_FILE}, {@code ca-file}): exactly the certificates in that file (PEM, one or
 * more, or a single DER certificate), like curl's {@code --cacert}. Without it the JDK's system
 * trust applies. There is deliberately no way to turn verification off.
 */
public final class TrustFile {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");

    private final X509TrustManager trustManager;
    private final SSLContext context;

    private TrustFile(X509TrustManager trustManager, SSLContext context) {
        this.trustManager = trustManager;
        this.context = context;
    }

    public static TrustFile load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw invalid(file, "it cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        List<Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Matcher m = PEM.matcher(new String(bytes, StandardCharsets.US_ASCII));
            while (m.find()) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(1));
                certificates.add(factory.generateCertificate(new ByteArrayInputStream(der)));
            }
            if (certificates.isEmpty() && bytes.length > 0 && bytes[0] == 0x30) {
                certificates.add(factory.generateCertificate(new ByteArrayInputStream(bytes)));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw invalid(file, "it holds a certificate that cannot be parsed (" + e.getMessage() + ")");
        }
        if (certificates.isEmpty()) {
            throw invalid(file, "it holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            X509TrustManager manager = null;
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    manager = x;
                }
            }
            if (manager == null) {
                throw new GeneralSecurityException("no X509TrustManager");
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {manager}, null);
            return new TrustFile(manager, context);
        } catch (GeneralSecurityException | IOException e) {
            throw BootloaderException.internal("Cannot set up TLS trust from " + file + ": " + e.getMessage(), e);
        }
    }

    public X509TrustManager trustManager() {
        return trustManager;
    }

    public SSLContext context() {
        return context;
    }

    private static BootloaderException invalid(Path file, String why) {
        return BootloaderException.invalidSource("The CA file " + file + " (ca-file setting) is not usable: " + why + ".");
    }
}
