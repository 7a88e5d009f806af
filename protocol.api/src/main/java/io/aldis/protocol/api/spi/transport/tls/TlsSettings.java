package io.aldis.protocol.api.spi.transport.tls;

import java.util.List;

/**
 * A listener's TLS settings as plain values; an empty {@code keyStore} means no TLS.
 *
 * @param keyStore key store file (PKCS12 or JKS) holding the server key; relative paths are
 *        resolved against {@code karaf.base} when that property is set
 * @param keyStorePassword password of the key store and of the key in it
 * @param keyStoreType {@code PKCS12} or {@code JKS}; also used for the trust store
 * @param trustStore trust store for client certificates, or empty
 * @param trustStorePassword password of the trust store
 * @param clientAuth {@code none}, {@code want} or {@code need}
 * @param protocols TLS protocol versions allowed, such as {@code TLSv1.3}
 */
public record TlsSettings(String keyStore, String keyStorePassword, String keyStoreType, String trustStore,
        String trustStorePassword, String clientAuth, List<String> protocols) {

    /** No TLS. */
    public static final TlsSettings NONE = new TlsSettings("", "", "PKCS12", "", "", "none",
            List.of("TLSv1.3", "TLSv1.2"));

    public TlsSettings {
        protocols = List.copyOf(protocols);
    }

    /** Shows the settings without the passwords, so that they can be logged. */
    @Override
    public String toString() {
        return "TlsSettings[keyStore=" + keyStore + ", keyStorePassword=(not shown), keyStoreType=" + keyStoreType
                + ", trustStore=" + trustStore + ", trustStorePassword=(not shown), clientAuth=" + clientAuth
                + ", protocols=" + protocols + "]";
    }

    /** Whether TLS is on, that is, whether a key store is set. */
    public boolean enabled() {
        return keyStore != null && !keyStore.isBlank();
    }
}
