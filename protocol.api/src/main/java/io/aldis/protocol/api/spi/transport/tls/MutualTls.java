package io.aldis.protocol.api.spi.transport.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS between two peers that both prove themselves with a certificate (mutual TLS), such as two
 * nodes of one cluster: each side presents the certificate of its key store and accepts only a
 * peer whose certificate its trust store holds. Names are not checked against the certificate,
 * since peers are addressed by IP address; the trust store alone decides who may connect, so it
 * should hold only the peers' certificates (or the private authority that issued them).
 *
 * <p>The stores are read once, when the contexts are built; a problem with them is reported as an
 * {@link UnusableStore} that names the setting to fix. The digest of the bytes they were built from
 * tells whether a store file changed since (a new file under the same name).
 *
 * @param accepting the context of the side that accepts the connection; it requires the peer's certificate
 * @param connecting the context of the side that opens the connection
 * @param storesDigest SHA-256 (hex) of the key store's bytes and the trust store's, as read to build
 *        the contexts (since 1.1.0)
 */
public record MutualTls(SslContext accepting, SslContext connecting, String storesDigest) {
    // The JDK's words for a store it cannot read ("DerInputStream.getLength(): lengthTag=...", or
    // none at all) would not tell an operator what to do.
    private static final String DAMAGED = "it is damaged or of another type";

    /** Shows neither the contexts' keys nor the digest. */
    @Override
    public String toString() {
        return "MutualTls[contexts of the key and trust stores]";
    }

    /**
     * Builds both sides' contexts from TLS settings with a key store and a trust store; the
     * settings' {@code clientAuth} is not read, a peer certificate is always required.
     *
     * @throws UnusableStore naming the setting when a store cannot be read or used
     * @throws IllegalArgumentException if the settings name no key store or no trust store
     */
    public static MutualTls of(TlsSettings tls) throws UnusableStore {
        if (!tls.enabled()) {
            throw new IllegalArgumentException("mutual TLS needs a key store");
        }
        if (tls.trustStore() == null || tls.trustStore().isBlank()) {
            throw new IllegalArgumentException("mutual TLS needs a trust store");
        }
        // Each file is read once: what is checked, digested and used is the same bytes.
        byte[] keyBytes = bytesOf("tls.keyStore", tls.keyStore());
        byte[] trustBytes = bytesOf("tls.trustStore", tls.trustStore());
        String digest = digest(keyBytes, trustBytes);
        KeyStore keys = load("tls.keyStore", tls.keyStore(), keyBytes, tls.keyStoreType(), tls.keyStorePassword());
        KeyStore trusted = load("tls.trustStore", tls.trustStore(), trustBytes, tls.keyStoreType(),
                tls.trustStorePassword());
        KeyManagerFactory kmf;
        TrustManagerFactory tmf;
        char[] keyPassword = tls.keyStorePassword().toCharArray();
        try {
            if (!holdsKey(keys)) {
                throw new UnusableStore("tls.keyStore", tls.keyStore() + " holds no private key with its certificate");
            }
            if (trusted.size() == 0) {
                throw new UnusableStore("tls.trustStore", tls.trustStore() + " holds no certificate to trust");
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, keyPassword);
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
        } catch (UnrecoverableKeyException e) {
            throw new UnusableStore("tls.keyStorePassword", "the password does not open the key in " + tls.keyStore()
                    + " (the key's password must be the store's)");
        } catch (GeneralSecurityException e) {
            throw new UnusableStore("tls.keyStore", tls.keyStore()
                    + " cannot be used: its key or certificate is of a kind this Java runtime cannot use");
        } finally {
            Arrays.fill(keyPassword, '\0');
        }
        String[] protocols = tls.protocols().toArray(String[]::new);
        try {
            SslContext accepting = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).protocols(protocols)
                    .trustManager(tmf).clientAuth(ClientAuth.REQUIRE).build();
            // No endpoint identification: peers are addressed by IP, and trusting only the
            // peers' certificates is what proves the other side.
            SslContext connecting = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(protocols)
                    .keyManager(kmf).trustManager(tmf).endpointIdentificationAlgorithm(null).build();
            return new MutualTls(accepting, connecting, digest);
        } catch (SSLException | IllegalArgumentException e) {
            throw new UnusableStore("tls.protocols", "cannot be used with these stores");
        }
    }

    private static boolean holdsKey(KeyStore store) throws KeyStoreException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytesOf(String setting, String file) throws UnusableStore {
        try {
            return KeyStores.read(file);
        } catch (NoSuchFileException e) {
            throw new UnusableStore(setting, "cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UnusableStore(setting, "cannot read " + file + ": permission denied");
        } catch (InvalidPathException e) {
            throw new UnusableStore(setting, "cannot read " + file + ": not a file name");
        } catch (IOException e) {
            throw new UnusableStore(setting, "cannot read " + file
                    + (Files.isDirectory(KeyStores.resolve(file)) ? ": it is a directory" : ""));
        }
    }

    private static String digest(byte[] keyStore, byte[] trustStore) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            // Each store's length first, so that bytes moved from one file to the other still change it.
            sha256.update(java.nio.ByteBuffer.allocate(16).putLong(keyStore.length).putLong(trustStore.length).array());
            sha256.update(keyStore);
            sha256.update(trustStore);
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static KeyStore load(String setting, String file, byte[] bytes, String type, String password)
            throws UnusableStore {
        try {
            return KeyStores.load(bytes, type, password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new UnusableStore(setting + "Password", "the password does not open " + file);
            }
            throw new UnusableStore(setting, "cannot read " + file + " as a " + type + " store: " + DAMAGED);
        } catch (GeneralSecurityException e) {
            throw new UnusableStore(setting, "cannot read " + file + " as a " + type + " store: " + DAMAGED);
        }
    }

    /** A key or trust store that cannot be read or used; {@link #getMessage()} says why in the operator's words. */
    public static final class UnusableStore extends Exception {
        private static final long serialVersionUID = 1L;
        private final String setting;

        UnusableStore(String setting, String message) {
            super(message);
            this.setting = setting;
        }

        /** The setting to fix, such as {@code tls.keyStore} or {@code tls.trustStorePassword}. */
        public String setting() {
            return setting;
        }
    }
}
