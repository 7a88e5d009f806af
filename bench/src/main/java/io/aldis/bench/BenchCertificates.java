package io.aldis.bench;

import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The stores of the bench's cluster with TLS on its links, made with the JDK's keytool: one key and
 * certificate that every node of that cluster presents, and a trust store that holds it. What it
 * costs is the same as with a certificate per node.
 */
final class BenchCertificates {
    private static final String PASSWORD = "bench-store-password";
    private static final String KEY_STORE = "member.p12";
    private static final String TRUST_STORE = "members.p12";

    private BenchCertificates() {
    }

    /** Makes the stores in a new temporary directory and returns it. */
    static Path create() throws IOException {
        Path dir = Files.createTempDirectory("aldis-bench-tls");
        Path keys = dir.resolve(KEY_STORE);
        Path cert = dir.resolve("member.crt");
        keytool("-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=bench member", "-validity", "2", "-storetype", "PKCS12", "-keystore", keys.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "member", "-keystore", keys.toString(), "-storepass", PASSWORD, "-file",
                cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "member", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", dir.resolve(TRUST_STORE).toString(), "-storepass", PASSWORD);
        return dir;
    }

    /** The links' TLS settings with the stores {@link #create()} made in {@code dir}. */
    static TlsSettings linkTls(Path dir) {
        return new TlsSettings(dir.resolve(KEY_STORE).toString(), PASSWORD, "PKCS12", dir.resolve(TRUST_STORE).toString(),
                PASSWORD, "need", TlsSettings.NONE.protocols());
    }

    /** Removes the stores. */
    static void delete(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
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
