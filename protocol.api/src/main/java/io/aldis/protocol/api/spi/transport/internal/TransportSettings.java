package io.aldis.protocol.api.spi.transport.internal;

import io.aldis.protocol.api.spi.transport.ListenerRunner;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;

/**
 * A transport's settings for one listener: the {@link ListenerSettings} every listener has, and
 * the transport's own keys. The common values can be read straight from here, as if they were the
 * transport's own.
 */
public interface TransportSettings extends ListenerRunner.Settings {
    /** The part every listener has. */
    ListenerSettings listener();

    @Override
    default String name() {
        return listener().name();
    }

    @Override
    default String host() {
        return listener().host();
    }

    @Override
    default int port() {
        return listener().port();
    }

    default int maxConnections() {
        return listener().maxConnections();
    }

    default int maxFrameSize() {
        return listener().maxFrameSize();
    }

    default int ioThreads() {
        return listener().ioThreads();
    }

    default int spinMicros() {
        return listener().spinMicros();
    }

    default TlsSettings tls() {
        return listener().tls();
    }
}
