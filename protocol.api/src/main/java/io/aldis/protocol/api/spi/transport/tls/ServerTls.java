package io.aldis.protocol.api.spi.transport.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds the server-side TLS context of a listener with the JDK's TLS implementation. */
public final class ServerTls {
    private ServerTls() {
    }

    /**
     * A server {@link SslContext} for the given settings.
     *
     * @throws GeneralSecurityException if the key material cannot be used
     * @throws IOException if a store cannot be read
     * @throws IllegalArgumentException if TLS is not enabled or {@code clientAuth} is not none, want or need
     */
    public static SslContext sslContext(TlsSettings tls) throws GeneralSecurityException, IOException {
        if (!tls.enabled()) {
            throw new IllegalArgumentException("TLS needs a key store");
        }
        KeyStore keyStore = KeyStores.load(tls.keyStore(), tls.keyStoreType(), tls.keyStorePassword());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, tls.keyStorePassword().toCharArray());
        SslContextBuilder builder = SslContextBuilder.forServer(kmf)
                .sslProvider(SslProvider.JDK)
                .protocols(tls.protocols().toArray(String[]::new));
        if (tls.trustStore() != null && !tls.trustStore().isBlank()) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(KeyStores.load(tls.trustStore(), tls.keyStoreType(), tls.trustStorePassword()));
            builder.trustManager(tmf);
        }
        builder.clientAuth(clientAuth(tls.clientAuth()));
        return builder.build();
    }

    private static ClientAuth clientAuth(String value) {
        return switch (value == null ? "" : value.trim().toLowerCase(Locale.ROOT)) {
            case "want" -> ClientAuth.OPTIONAL;
            case "need" -> ClientAuth.REQUIRE;
            case "none", "" -> ClientAuth.NONE;
            default -> throw new IllegalArgumentException("tls.clientAuth must be none, want or need, was " + value);
        };
    }
}
