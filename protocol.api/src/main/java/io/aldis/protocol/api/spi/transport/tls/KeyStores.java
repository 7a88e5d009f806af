package io.aldis.protocol.api.spi.transport.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/** Reads the key and trust stores that TLS settings name. */
final class KeyStores {
    private KeyStores() {
    }

    /** Loads a store; a relative path is resolved against {@code karaf.base} when that property is set. */
    static KeyStore load(String file, String type, String password) throws GeneralSecurityException, IOException {
        Path path = Path.of(file);
        String base = System.getProperty("karaf.base");
        if (!path.isAbsolute() && base != null) {
            path = Path.of(base).resolve(path);
        }
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }
}
