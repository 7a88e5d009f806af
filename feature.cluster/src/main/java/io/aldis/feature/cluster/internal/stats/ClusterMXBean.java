package io.aldis.feature.cluster.internal.stats;

/**
 * The cluster as this node sees it, over JMX, registered as {@value ClusterStats#OBJECT_NAME}. The
 * traffic figures add up the routes to the members in the cluster now, as
 * {@code aldis:cluster-routes} shows them.
 */
public interface ClusterMXBean {
    /** The cluster's name as configured. */
    String getClusterName();

    /** Why this node is in no cluster, or the empty string while it is in one. */
    String getProblem();

    /** Members in the cluster now, this node included; 0 while it is in none. */
    int getMembers();

    /** Patterns and queue groups the other members announced. */
    int getPeerPatterns();

    /** Messages this node sent to the other members since it joined, to members that left since too. */
    long getMessagesSent();

    /** Bytes of those messages as they crossed. */
    long getBytesSent();

    /** Messages this node received from the other members since it joined, from members that left since too. */
    long getMessagesReceived();

    /** Bytes of those messages as they crossed. */
    long getBytesReceived();
}
