package io.aldis.protocol.api.spi.transport.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
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
 * {@link UnusableStore} that names the setting to fix.
 *
 * @param accepting the context of the side that accepts the connection; it requires the peer's certificate
 * @param connecting the context of the side that opens the connection
 */
public record MutualTls(SslContext accepting, SslContext connecting) {

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
        KeyStore keys = read("tls.keyStore", tls.keyStore(), tls.keyStoreType(), tls.keyStorePassword());
        KeyStore trusted = read("tls.trustStore", tls.trustStore(), tls.keyStoreType(), tls.trustStorePassword());
        KeyManagerFactory kmf;
        TrustManagerFactory tmf;
        try {
            if (!holdsKey(keys)) {
                throw new UnusableStore("tls.keyStore", tls.keyStore() + " holds no private key with its certificate");
            }
            if (trusted.size() == 0) {
                throw new UnusableStore("tls.trustStore", tls.trustStore() + " holds no certificate to trust");
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, tls.keyStorePassword().toCharArray());
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
        } catch (UnrecoverableKeyException e) {
            throw new UnusableStore("tls.keyStorePassword", "the password does not open the key in " + tls.keyStore()
                    + " (the key's password must be the store's)");
        } catch (GeneralSecurityException e) {
            throw new UnusableStore("tls.keyStore", tls.keyStore() + " cannot be used: " + e.getMessage());
        }
        String[] protocols = tls.protocols().toArray(String[]::new);
        try {
            SslContext accepting = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).protocols(protocols)
                    .trustManager(tmf).clientAuth(ClientAuth.REQUIRE).build();
            // No endpoint identification: peers are addressed by IP, and trusting only the
            // peers' certificates is what proves the other side.
            SslContext connecting = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(protocols)
                    .keyManager(kmf).trustManager(tmf).endpointIdentificationAlgorithm(null).build();
            return new MutualTls(accepting, connecting);
        } catch (SSLException | IllegalArgumentException e) {
            throw new UnusableStore("tls.protocols", "cannot be used with these stores: " + e.getMessage());
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

    private static KeyStore read(String setting, String file, String type, String password) throws UnusableStore {
        try {
            return KeyStores.load(file, type, password);
        } catch (NoSuchFileException e) {
            throw new UnusableStore(setting, "cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UnusableStore(setting, "cannot read " + file + ": permission denied");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new UnusableStore(setting + "Password", "the password does not open " + file);
            }
            throw new UnusableStore(setting, "cannot read " + file + " as a " + type + " store: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new UnusableStore(setting, "cannot read " + file + " as a " + type + " store: " + e.getMessage());
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
