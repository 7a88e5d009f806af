package io.aldis.protocol.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shared checks of the frame records' compact constructors. */
final class Fields {
    /** Length of a SHA-256 digest in bytes. */
    static final int SHA256_LENGTH = 32;

    private Fields() {
    }

    static byte[] sha256(byte[] hash, String name) {
        if (hash == null || hash.length != SHA256_LENGTH) {
            throw new IllegalArgumentException(name + " must be a 32-byte SHA-256 digest");
        }
        return hash;
    }

    static Map<String, String> headers(Map<String, String> headers) {
        // Most messages carry no headers; sharing the empty map keeps the hot path allocation-free.
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>(headers);
        for (Map.Entry<String, String> e : copy.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new NullPointerException("header names and values must not be null");
            }
        }
        return Collections.unmodifiableMap(copy);
    }
}
