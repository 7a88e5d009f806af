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

    /** The other members and what goes between this node and each: its interest and the traffic. */
    List<RouteView> routes();

    /** The traffic with every other member since this node joined, members that left included; zeros outside a cluster. */
    Totals totals();

    /**
     * Messages and bytes this node sent to and received from the other members, added up.
     *
     * @param messagesSent     messages sent
     * @param bytesSent        bytes of those messages as they crossed
     * @param messagesReceived messages received
     * @param bytesReceived    bytes of those messages as they crossed
     */
    record Totals(long messagesSent, long bytesSent, long messagesReceived, long bytesReceived) {
        static final Totals NONE = new Totals(0, 0, 0, 0);
    }

    /**
     * One member as this node sees it.
     *
     * @param nodeName  the node's name
     * @param address   its member address, host:port
     * @param id        its Hazelcast member id
     * @param local     whether it is this node
     * @param startedAt when it started, epoch milliseconds (0 if unknown)
     * @param sessions  how many sessions it has open, as it last announced (-1: it announced none)
     * @param patterns  how many patterns and queue groups it announced (for this node: its own)
     * @param sent      messages this node sent to it
     * @param received  messages this node received from it
     */
    record MemberView(String nodeName, String address, String id, boolean local, long startedAt, int sessions, int patterns,
            long sent, long received) {
    }

    /**
     * The route from this node to another member.
     *
     * @param nodeName      the member's node name
     * @param address       its member address, host:port
     * @param id            its Hazelcast member id
     * @param interest      the patterns it announced, sorted, each with its queue group in brackets if any
     * @param sent          messages this node sent to it
     * @param bytesSent     bytes of those messages as they crossed
     * @param dropped       messages to it dropped because its link's queue was full, since the link was opened
     * @param received      messages this node received from it
     * @param bytesReceived bytes of those messages as they crossed
     * @param lastActivity  when a message last went either way, epoch milliseconds (0: never)
     * @param link          the link to it: {@code TLS} or {@code plain} (with {@code , down} while it is
     *                      down), {@code refused: ...} when one of the two has TLS on its links and the
     *                      other not, {@code -} when it announced none, {@code Hazelcast} with
     *                      {@code dataPath = hazelcast}
     */
    record RouteView(String nodeName, String address, String id, List<String> interest, long sent, long bytesSent,
            long dropped, long received, long bytesReceived, long lastActivity, String link) {
    }
}
