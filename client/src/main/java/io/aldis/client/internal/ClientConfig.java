package io.aldis.client.internal;

import io.aldis.client.ConnectionListener;
import io.aldis.client.ReconnectPolicy;
import io.aldis.protocol.api.stream.SizeFunction;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import javax.net.ssl.TrustManagerFactory;

/**
 * Everything the builder collected; {@code user} and {@code password} are null without
 * credentials, {@code handlerExecutor} and {@code callbackExecutor} null for the defaults
 * ({@code callbackOnIoThreadLimit} applies to the default callback executor only);
 * {@code sizeFunctions} by name; {@code addresses} holds at least one address.
 */
public record ClientConfig(List<Address> addresses, String user, char[] password, String mechanism,
        TrustManagerFactory trustManagers, boolean hostnameVerification, ReconnectPolicy reconnect,
        boolean retryInitialConnect, List<ConnectionListener> listeners, String clientName, UUID clientId,
        long capabilities, Duration connectTimeout, Duration closeTimeout, int maxQueuedWhilePaused,
        int maxFrameSize, EventLoopGroup eventLoopGroup, Duration callTimeout, Executor handlerExecutor,
        Executor callbackExecutor, Duration callbackOnIoThreadLimit, String inboxPrefix, Duration idleSpin,
        Map<String, SizeFunction> sizeFunctions) {

    /** A node's address: the client tries them in turn, starting with the first. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    public ClientConfig {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a client needs at least one node address");
        }
        addresses = List.copyOf(addresses);
    }

    /** Whether connections are wrapped in TLS. */
    public boolean tls() {
        return trustManagers != null;
    }
}
