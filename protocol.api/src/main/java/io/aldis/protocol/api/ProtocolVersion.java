package io.aldis.protocol.api;

import java.util.List;

/** Protocol versions: a version is {@code major << 8 | minor} on the wire. */
public final class ProtocolVersion {
    /** Protocol v1.0, the only version this release speaks. */
    public static final int V1 = 0x0100;
    /** Every version a node of this release accepts in CONNECT, newest first. */
    public static final List<Integer> SUPPORTED = List.of(V1);

    private ProtocolVersion() {
    }

    /** Human form of a wire version, such as {@code 1.0}. */
    public static String format(int version) {
        return (version >>> 8) + "." + (version & 0xFF);
    }
}
