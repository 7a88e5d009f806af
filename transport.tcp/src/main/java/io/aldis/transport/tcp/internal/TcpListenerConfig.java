package io.aldis.transport.tcp.internal;

import io.aldis.protocol.api.spi.transport.internal.ListenerSettings;
import io.aldis.protocol.api.spin.SpinWindow;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One TCP listener, factory PID {@code io.aldis.transport.tcp}: each file
 * {@code etc/io.aldis.transport.tcp-<name>.cfg} runs a listener. Editing the file rebinds it.
 */
@ObjectClassDefinition(name = "Aldis TCP listener", description = "A TCP (optionally TLS) listener of the node")
public @interface TcpListenerConfig {
    @AttributeDefinition(description = "Listener name shown by aldis:listener-list")
    String name() default "default";

    @AttributeDefinition(description = "Address to bind; 127.0.0.1 keeps the node local, 0.0.0.0 opens it to the network")
    String host() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port; 0 picks a free one")
    int port() default TcpSettings.DEFAULT_PORT;

    @AttributeDefinition(description = "Connections accepted at once; more are refused with TOO_MANY_CONNECTIONS")
    int maxConnections() default ListenerSettings.DEFAULT_MAX_CONNECTIONS;

    @AttributeDefinition(description = "Largest frame accepted, in bytes; larger length prefixes close the connection")
    int maxFrameSize() default ListenerSettings.DEFAULT_MAX_FRAME_SIZE;

    @AttributeDefinition(description = "Network threads (0 = two per core)")
    int ioThreads() default 0;

    @AttributeDefinition(description = "Longest a network thread that runs out of work polls for more before it"
            + " sleeps, in microseconds; it polls only while work has been coming back within that time"
            + " (0 = never poll)")
    int spinMicros() default SpinWindow.DEFAULT_CAP_MICROS;

    @AttributeDefinition(name = "tls.keyStore", description = "Key store (PKCS12 or JKS) with the server key; TLS is on when set")
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
}
