package io.aldis.protocol.api.spi.transport.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;

/** Reads the key and trust stores that TLS settings name. */
final class KeyStores {
    private KeyStores() {
    }

    /** Reads a store file's bytes; a relative path is resolved against {@code karaf.base} when that property is set. */
    static byte[] read(String file) throws IOException {
        return Files.readAllBytes(resolve(file));
    }

    /** The file a store setting names: relative paths against {@code karaf.base} when that is set. */
    static Path resolve(String file) {
        Path path = Path.of(file);
        String base = System.getProperty("karaf.base");
        if (!path.isAbsolute() && base != null) {
            path = Path.of(base).resolve(path);
        }
        return path;
    }

    /** Loads a store from a file ({@link #read}). */
    static KeyStore load(String file, String type, String password) throws GeneralSecurityException, IOException {
        return load(read(file), type, password);
    }

    /** Loads a store from its bytes; the copy of the password it makes is cleared once used. */
    static KeyStore load(byte[] bytes, String type, String password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        char[] secret = password.toCharArray();
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            store.load(in, secret);
        } finally {
            Arrays.fill(secret, '\0');
        }
        return store;
    }
}
