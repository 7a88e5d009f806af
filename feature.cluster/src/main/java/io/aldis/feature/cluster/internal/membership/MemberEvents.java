package io.aldis.feature.cluster.internal.membership;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.aldis.protocol.api.spi.node.SystemEvents;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Tells of members joining and leaving: in the log, on {@code $sys.cluster.member.joined} and
 * {@code .left} while pub/sub runs, and to the parts that keep something per member.
 */
public final class MemberEvents implements MembershipListener {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");

    private final String clusterName;
    private final Supplier<SystemEvents> events;
    private final Consumer<Member> joined;
    private final Consumer<Member> left;

    public MemberEvents(String clusterName, Supplier<SystemEvents> events, Consumer<Member> joined, Consumer<Member> left) {
        this.clusterName = clusterName;
        this.events = events;
        this.joined = joined;
        this.left = left;
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        LOG.log(System.Logger.Level.INFO, "Cluster {0}: {1} joined ({2} members)", clusterName,
                describe(event.getMember()), event.getMembers().size());
        joined.accept(event.getMember());
        announce("cluster.member.joined", event);
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        LOG.log(System.Logger.Level.INFO, "Cluster {0}: {1} left ({2} members)", clusterName,
                describe(event.getMember()), event.getMembers().size());
        left.accept(event.getMember());
        announce("cluster.member.left", event);
    }

    private void announce(String name, MembershipEvent event) {
        SystemEvents sink = events.get();
        if (sink == null) {
            return;
        }
        Member m = event.getMember();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("cluster", clusterName);
        fields.put("node", nodeName(m));
        fields.put("address", address(m));
        fields.put("memberId", m.getUuid().toString());
        fields.put("members", event.getMembers().size());
        sink.publish(name, fields);
    }

    /** The node name a member announced, or its address. */
    public static String nodeName(Member m) {
        String name = m.getAttribute(HazelcastMember.NODE_NAME);
        return name == null ? address(m) : name;
    }

    public static String address(Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    private static String describe(Member m) {
        return nodeName(m) + " at " + address(m);
    }
}
