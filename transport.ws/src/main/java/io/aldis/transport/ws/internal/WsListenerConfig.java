package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.spi.transport.internal.ListenerSettings;
import io.aldis.protocol.api.spin.SpinWindow;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One WebSocket listener, factory PID {@code io.aldis.transport.ws}: each file
 * {@code etc/io.aldis.transport.ws-<name>.cfg} runs a listener. Editing the file rebinds it.
 */
@ObjectClassDefinition(name = "Aldis WebSocket listener",
        description = "A WebSocket (ws or wss) listener of the node: HTTP upgrade on a path, several frames per "
                + "binary message (aldis.v1.batch) or one (aldis.v1)")
public @interface WsListenerConfig {
    @AttributeDefinition(description = "Listener name shown by aldis:listener-list")
    String name() default "default";

    @AttributeDefinition(description = "Address to bind; 127.0.0.1 keeps the node local, 0.0.0.0 opens it to the network")
    String host() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port; 0 picks a free one")
    int port() default WsSettings.DEFAULT_PORT;

    @AttributeDefinition(description = "HTTP path of the WebSocket endpoint")
    String path() default WsSettings.DEFAULT_PATH;

    @AttributeDefinition(description = "WebSocket subprotocol of one frame per message; the listener also offers it with .batch appended (several frames per message); handshakes offering neither get HTTP 400")
    String subprotocol() default WsSettings.SUBPROTOCOL;

    @AttributeDefinition(description = "Origins allowed to open a WebSocket: empty = requests without an Origin header "
            + "and origins of the same host and port only; a list = exactly those origins (comma separated); * = any")
    String[] allowedOrigins() default {};

    @AttributeDefinition(description = "Connections accepted at once; more get HTTP 503")
    int maxConnections() default ListenerSettings.DEFAULT_MAX_CONNECTIONS;

    @AttributeDefinition(description = "Largest frame in bytes, and so largest WebSocket message (under aldis.v1.batch this plus the "
            + "4-byte length prefix); larger ones close with 1009")
    int maxFrameSize() default ListenerSettings.DEFAULT_MAX_FRAME_SIZE;

    @AttributeDefinition(description = "Interval of WebSocket ping frames in milliseconds (0 = no pings)")
    long pingIntervalMillis() default 20_000;

    @AttributeDefinition(description = "A client that sends nothing, not even a pong, for this many milliseconds is closed (0 = never)")
    long clientTimeoutMillis() default 60_000;

    @AttributeDefinition(description = "Network threads (0 = two per core)")
    int ioThreads() default 0;

    @AttributeDefinition(description = "Longest a network thread that runs out of work polls for more before it"
            + " sleeps, in microseconds; it polls only while work has been coming back within that time"
            + " (0 = never poll)")
    int spinMicros() default SpinWindow.DEFAULT_CAP_MICROS;

    @AttributeDefinition(name = "tls.keyStore", description = "Key store (PKCS12 or JKS) with the server key; wss is on when set")
    String tls_keyStore() default "";

    @AttributeDefinition(name = "tls.keyStorePassword", type = AttributeType.PASSWORD)
    String tls_keyStorePassword() default "";

    @AttributeDefinition(name = "tls.keyStoreType")
    String tls_keyStoreType() default "PKCS12";

    @AttributeDefinition(name = "tls.trustStore", description = "Trust store for client certificates")
    String tls_trustStore() default "";

    @AttributeDefinition(name = "tls.trustStorePassword", type = AttributeType.PASSWORD)
    String tls_trustStorePassword() default "";

    @AttributeDefinition(name = "tls.clientAuth", description = "Client certificates: none, want or need")
    String tls_clientAuth() default "none";

    @AttributeDefinition(name = "tls.protocols", description = "TLS protocol versions allowed")
    String[] tls_protocols() default {"TLSv1.3", "TLSv1.2"};

    @AttributeDefinition(description = "Serve the demo chat page (a browser room on subject demo.room) at GET / of this listener")
    boolean demo() default true;
}
