package io.aldis.itest.support;

import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A fresh self-signed server certificate for {@code localhost} and {@code 127.0.0.1}, made with
 * the JDK's keytool so tests need nothing else: the server's key store for a listener's
 * {@link TlsSettings}, and a trust store for clients. Named certificates
 * ({@link #createIn(Path, String)}) serve peers that prove themselves to each other, such as
 * cluster members, with trust stores of several ({@link #trustStoreOf}).
 */
public final class TestCertificates {
    /** The password of both stores. */
    public static final String STORE_PASSWORD = "changeit-test";

    private final Path keyStore;
    private final Path trustStore;
    private final Path certificate;

    private TestCertificates(Path keyStore, Path trustStore, Path certificate) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.certificate = certificate;
    }

    /** Makes the stores in {@code dir}. */
    public static TestCertificates createIn(Path dir) throws IOException {
        return create(dir.resolve("server.p12"), dir.resolve("trust.p12"), dir.resolve("server.crt"), "localhost");
    }

    /**
     * Makes another certificate in {@code dir}, for a peer named {@code name} (a cluster member):
     * {@code <name>.p12}, {@code <name>.crt} and {@code <name>-trust.p12}, which trusts it alone.
     */
    public static TestCertificates createIn(Path dir, String name) throws IOException {
        return create(dir.resolve(name + ".p12"), dir.resolve(name + "-trust.p12"), dir.resolve(name + ".crt"), name);
    }

    private static TestCertificates create(Path keyStore, Path trustStore, Path cert, String commonName)
            throws IOException {
        keytool("-genkeypair", "-alias", "aldis", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + commonName, "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-alias", "aldis", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "aldis", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", STORE_PASSWORD);
        return new TestCertificates(keyStore, trustStore, cert);
    }

    /** Makes a trust store (PKCS12, {@link #STORE_PASSWORD}) at {@code file} that trusts each of {@code trusted}. */
    public static Path trustStoreOf(Path file, TestCertificates... trusted) throws IOException {
        for (int i = 0; i < trusted.length; i++) {
            keytool("-importcert", "-noprompt", "-alias", "peer" + i, "-file", trusted[i].certificate.toString(),
                    "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", STORE_PASSWORD);
        }
        return file;
    }

    /**
     * Settings of mutual TLS with this certificate: the key store of this certificate and the given
     * trust store, TLS 1.3 or 1.2, a peer certificate required.
     */
    public TlsSettings mutualSettings(Path trusted) {
        return new TlsSettings(keyStore.toString(), STORE_PASSWORD, "PKCS12", trusted.toString(), STORE_PASSWORD,
                "need", List.of("TLSv1.3", "TLSv1.2"));
    }

    /** A listener's TLS settings with this certificate: TLS 1.3 or 1.2, no client certificates. */
    public TlsSettings serverSettings() {
        return new TlsSettings(keyStore.toString(), STORE_PASSWORD, "PKCS12", "", "", "none",
                List.of("TLSv1.3", "TLSv1.2"));
    }

    /** The trust store (PKCS12, {@link #STORE_PASSWORD}) that trusts the certificate. */
    public Path trustStore() {
        return trustStore;
    }

    /** A client context that trusts the certificate. */
    public SSLContext clientContext() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            trusted.load(in, STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (process.waitFor() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
    }
}
