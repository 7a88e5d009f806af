package io.aldis.feature.cluster.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The cluster, PID {@code io.aldis.cluster} ({@code etc/io.aldis.cluster.cfg}). Every member names
 * the same cluster and secret and lists the others' addresses; a change of the file makes the
 * node leave the cluster and join again with the new settings. The {@code tls.} keys are the TCP
 * transport's, for the links between members ({@code clientAuth} aside: a member's certificate is
 * always required).
 */
@ObjectClassDefinition(name = "Aldis cluster",
        description = "Several nodes acting as one, on embedded Hazelcast joined over TCP/IP")
public @interface ClusterConfig {
    @AttributeDefinition(description = "The cluster's name; nodes join only a cluster of the same name and secret")
    String name() default ClusterSettings.DEFAULT_NAME;

    @AttributeDefinition(description = "Shared secret, at least 16 characters, the same on every member; required",
            type = AttributeType.PASSWORD)
    String secret();

    @AttributeDefinition(description = "Addresses of the other members as host:port, comma-separated; empty for a cluster of one")
    String[] members() default {};

    @AttributeDefinition(description = "IP address this member binds and announces to the others")
    String host() default ClusterSettings.DEFAULT_HOST;

    @AttributeDefinition(description = "TCP port for the traffic between members")
    int port() default ClusterSettings.DEFAULT_PORT;

    @AttributeDefinition(description = "Name of this node in listings and events; empty for host:port")
    String nodeName() default "";

    @AttributeDefinition(description = "Seconds without a heartbeat after which a member is taken out of the cluster")
    int failureSeconds() default ClusterSettings.DEFAULT_FAILURE_SECONDS;

    @AttributeDefinition(description = "Address host:port the other members connect to, when a NAT or proxy makes it differ from host:port; empty for host:port")
    String publicAddress() default "";

    @AttributeDefinition(description = "TCP port this member accepts the other members' links for messages and calls on; 0 for any free port, which the members learn through the cluster")
    int linkPort() default ClusterSettings.DEFAULT_LINK_PORT;

    @AttributeDefinition(description = "How messages and calls go between members: links (connections of the members' own, in batches) or hazelcast (one Hazelcast topic message each)",
            options = {@Option(label = "links", value = ClusterSettings.LINKS),
                    @Option(label = "hazelcast", value = ClusterSettings.HAZELCAST)})
    String dataPath() default ClusterSettings.LINKS;

    @AttributeDefinition(description = "Addresses clients use to reach this node, as tcp://, tcps://, ws:// or wss:// URIs, comma-separated; empty to announce this node's TCP listeners")
    String[] clientAddresses() default {};

    @AttributeDefinition(name = "tls.keyStore", description = "Key store (PKCS12 or JKS) with this member's key and certificate; set, the links between members run inside mutual TLS")
    String tls_keyStore() default "";

    @AttributeDefinition(name = "tls.keyStorePassword", type = AttributeType.PASSWORD)
    String tls_keyStorePassword() default "";

    @AttributeDefinition(name = "tls.keyStoreType", description = "PKCS12 or JKS, for both stores")
    String tls_keyStoreType() default "PKCS12";

    @AttributeDefinition(name = "tls.trustStore", description = "Trust store with the other members' certificates; a member whose certificate it does not hold cannot link")
    String tls_trustStore() default "";

    @AttributeDefinition(name = "tls.trustStorePassword", type = AttributeType.PASSWORD)
    String tls_trustStorePassword() default "";

    @AttributeDefinition(name = "tls.protocols", description = "TLS versions the links may use")
    String[] tls_protocols() default {"TLSv1.3", "TLSv1.2"};
}
