package io.aldis.feature.cluster.internal;

import java.util.List;

/** What operators see of the cluster; the shell commands read only this. */
public interface ClusterView {
    /** Why this node is not in a cluster, or the empty string while it is. */
    String problem();

    /** The cluster's name as configured (without the secret's digest). */
    String clusterName();

    /** Every member Hazelcast counts in the cluster now, this node included, oldest first. */
    List<MemberView> members();

    /**
     * One member as this node sees it.
     *
     * @param nodeName  the node's name
     * @param address   its member address, host:port
     * @param id        its Hazelcast member id
     * @param local     whether it is this node
     * @param startedAt when it started, epoch milliseconds (0 if unknown)
     * @param patterns  how many patterns and queue groups it announced (for this node: its own)
     * @param sent      messages this node sent to it
     * @param received  messages this node received from it
     */
    record MemberView(String nodeName, String address, String id, boolean local, long startedAt, int patterns,
            long sent, long received) {
    }
}
