package io.aldis.feature.cluster.internal;

import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A member's key store and a trust store that trusts its certificate, made with the JDK's keytool
 * for a test, and the links' TLS settings with them.
 *
 * @param keyStore   the key store (PKCS12, {@link #PASSWORD}) with the member's key and certificate
 * @param trustStore the trust store (PKCS12, {@link #PASSWORD}) that holds the certificate
 */
public record TestStores(Path keyStore, Path trustStore) {
    /** The password of both stores and of the key. */
    public static final String PASSWORD = "store-password-1";

    /** Makes {@code <name>.p12} and {@code <name>-trust.p12} in {@code dir}. */
    public static TestStores create(Path dir, String name) throws IOException {
        Path keyStore = dir.resolve(name + ".p12");
        Path trustStore = dir.resolve(name + "-trust.p12");
        Path cert = dir.resolve(name + ".crt");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", name, "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-file",
                cert.toString());
        keytool("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", PASSWORD);
        return new TestStores(keyStore, trustStore);
    }

    /** The links' TLS settings with these stores. */
    public TlsSettings settings() {
        return settingsOf(keyStore, trustStore);
    }

    /** The links' TLS settings with a key store and a trust store made here. */
    public static TlsSettings settingsOf(Path keyStore, Path trustStore) {
        return new TlsSettings(keyStore.toString(), PASSWORD, "PKCS12", trustStore.toString(), PASSWORD, "need",
                TlsSettings.NONE.protocols());
    }

    /** The certificate of this member's key, beside its key store. */
    public Path certificate() {
        String file = keyStore.getFileName().toString();
        return keyStore.resolveSibling(file.substring(0, file.length() - ".p12".length()) + ".crt");
    }

    /** Makes a trust store (PKCS12, {@link #PASSWORD}) that holds the certificates of these members. */
    public static Path trustStoreOf(Path file, TestStores... trusted) throws IOException {
        for (TestStores t : trusted) {
            keytool("-importcert", "-noprompt", "-alias", t.certificate().getFileName().toString(), "-file",
                    t.certificate().toString(), "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass",
                    PASSWORD);
        }
        return file;
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
