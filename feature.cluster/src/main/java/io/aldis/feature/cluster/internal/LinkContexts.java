package io.aldis.feature.cluster.internal;

import io.aldis.protocol.api.spi.transport.tls.MutualTls;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import java.util.Objects;

/**
 * The links' TLS contexts, built once from the stores when the settings are read and checked, and
 * handed to the engine as they are, so that a store changing in between cannot leave the member
 * out of the cluster. Two are equal when they were built from the same bytes of the store files:
 * settings that name a store replaced under the same name differ, and the member joins again.
 */
public final class LinkContexts {
    /** No TLS on the links. */
    public static final LinkContexts NONE = new LinkContexts(null);

    private final MutualTls tls;

    private LinkContexts(MutualTls tls) {
        this.tls = tls;
    }

    /**
     * Reads the stores the settings name and builds the contexts; {@link #NONE} without a key store.
     *
     * @throws MutualTls.UnusableStore naming the setting when a store cannot be read or used
     */
    public static LinkContexts of(TlsSettings settings) throws MutualTls.UnusableStore {
        return settings.enabled() ? new LinkContexts(MutualTls.of(settings)) : NONE;
    }

    /** The contexts, or null without TLS. */
    public MutualTls tls() {
        return tls;
    }

    private String digest() {
        return tls == null ? "" : tls.storesDigest();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkContexts other && digest().equals(other.digest());
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(digest());
    }

    /** Never shows the digest or the keys. */
    @Override
    public String toString() {
        return tls == null ? "LinkContexts[none]" : "LinkContexts[from the stores]";
    }
}
