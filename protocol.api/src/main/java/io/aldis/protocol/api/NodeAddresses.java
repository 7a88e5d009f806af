package io.aldis.protocol.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * NODE_ADDRESSES: where a client reaches the nodes of the cluster its node belongs to, sent to a
 * client that announced {@link Capability#NODE_ADDRESSES} right after it authenticated and again
 * whenever the list changes. Each address is a URI whose scheme names the transport:
 * {@code tcp://host:port}, {@code tcps://host:port} (TCP with TLS), {@code ws://host:port/path} or
 * {@code wss://host:port/path}. Every frame carries the whole list and replaces the one before.
 *
 * @param addresses at most {@link #MAX_ADDRESSES}, each at most {@link #MAX_ADDRESS_BYTES} bytes of UTF-8
 */
public record NodeAddresses(List<String> addresses) implements Frame {
    /** The most addresses one frame carries. */
    public static final int MAX_ADDRESSES = 64;
    /** The longest address, in bytes of UTF-8. */
    public static final int MAX_ADDRESS_BYTES = 255;

    public NodeAddresses {
        addresses = List.copyOf(addresses);
        if (addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " addresses, got " + addresses.size());
        }
        for (String address : addresses) {
            if (!fits(address)) {
                throw new IllegalArgumentException("an address longer than " + MAX_ADDRESS_BYTES + " bytes: '"
                        + QuotedText.of(address, 64) + "'");
            }
        }
    }

    /**
     * Whether {@code address} may go in the list: at most {@link #MAX_ADDRESS_BYTES} bytes of UTF-8.
     * A longer address is left out of the list, never cut.
     */
    public static boolean fits(String address) {
        return address.getBytes(StandardCharsets.UTF_8).length <= MAX_ADDRESS_BYTES;
    }

    @Override
    public FrameType type() {
        return FrameType.NODE_ADDRESSES;
    }
}
