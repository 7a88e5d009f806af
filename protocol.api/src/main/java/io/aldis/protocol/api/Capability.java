package io.aldis.protocol.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * Capability bits exchanged in CONNECT (what the client can use) and CONNECT_ACK (what the node
 * offers right now, computed from the features installed at that moment).
 */
public enum Capability {
    MESSAGES(0),
    PUBSUB(1),
    RPC(2),
    STREAMS(3),
    FILE_TRANSFER(4),
    LZ4(5),
    RESUME_TOKEN(6),
    FLOW_CONTROL(7),
    /** The node tells the client where it reaches the cluster's nodes (NODE_ADDRESSES). */
    NODE_ADDRESSES(8);

    private final int bit;

    Capability(int bit) {
        this.bit = bit;
    }

    /** The bit's position in the 64-bit capability mask. */
    public int bit() {
        return bit;
    }

    /** This capability as a mask with one bit set. */
    public long mask() {
        return 1L << bit;
    }

    /** The mask with every given capability set. */
    public static long maskOf(Set<Capability> capabilities) {
        long mask = 0;
        for (Capability c : capabilities) {
            mask |= c.mask();
        }
        return mask;
    }

    /** The known capabilities set in a mask; unknown bits are ignored. */
    public static Set<Capability> fromMask(long mask) {
        EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
        for (Capability c : values()) {
            if ((mask & c.mask()) != 0) {
                set.add(c);
            }
        }
        return set;
    }

    /** The capability with the given lower-case or upper-case name, such as {@code pubsub}. */
    public static Capability named(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
