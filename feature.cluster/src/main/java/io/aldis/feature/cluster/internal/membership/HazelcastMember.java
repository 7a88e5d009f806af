package io.aldis.feature.cluster.internal.membership;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MemberAttributeConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.merge.LatestUpdateMergePolicy;
import io.aldis.feature.cluster.internal.ClusterSettings;
import io.aldis.feature.cluster.internal.links.PeerLinks;
import io.aldis.feature.cluster.internal.sessions.SharedResumeTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts this node's embedded Hazelcast member as the settings say: TCP/IP join to the listed
 * members only (no multicast, no cloud discovery), bound to one address and port, with the node's
 * name and start time as member attributes. Membership, failure detection and split-brain merging
 * are Hazelcast's.
 */
public final class HazelcastMember {
    /** Member attribute: the node's name. */
    public static final String NODE_NAME = "aldis.node";
    /** Member attribute: when the member started, in epoch milliseconds. */
    public static final String STARTED = "aldis.started";

    private HazelcastMember() {
    }

    /**
     * Starts the member; returns once it joined a cluster or, finding none, formed its own.
     *
     * @param linkAddress host:port the other members open links to, {@code null} when it has none
     */
    public static HazelcastInstance start(ClusterSettings s, String linkAddress) {
        return Hazelcast.newHazelcastInstance(config(s, linkAddress));
    }

    /** The member's Hazelcast configuration for {@code s}. */
    static Config config(ClusterSettings s, String linkAddress) {
        Config config = new Config();
        // Only byte[] and String cross between members: Hazelcast never needs a class of this
        // bundle, and inside OSGi its own class loader is the one that sees all of Hazelcast.
        config.setClassLoader(Hazelcast.class.getClassLoader());
        config.setInstanceName("aldis-" + s.nodeName() + "-" + System.nanoTime());
        config.setClusterName(ClusterSecret.hazelcastClusterName(s.name(), s.secret()));
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        // The address to bind, as given: unlike a list of interfaces, it may be any address the
        // machine answers on, such as one of loopback's 127.0.0.0/8.
        config.setProperty("hazelcast.local.localAddress", s.host());
        // Connections to other members leave from this member's own address too, so that a
        // firewall (or a test's proxy) between members can tell the members apart by address.
        // Hazelcast binds them to the public address, which behind a NAT is not one of this
        // machine's: there the system picks. Set either way, since unset it follows bind.any.
        config.setProperty("hazelcast.socket.client.bind.any", Boolean.toString(!s.publicHost().equals(s.host())));
        // Hazelcast sends every 100 000th event to a member synchronously, waiting up to 5 s: messages
        // are forwarded from the publisher's event loop, which must never wait for a peer.
        config.setProperty("hazelcast.event.sync.frequency", Integer.toString(Integer.MAX_VALUE));
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(s.failureSeconds()));
        // Hazelcast waits 5 s by default for more join requests before forming a cluster; the
        // members are listed, so a shorter wait suffices and nodes come up sooner.
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");

        // A resume looks its token's entry (a grant, or the mark of its revocation) up on the node
        // the client reached; when a partition's owner just died, reading the backup held there
        // spares waiting for Hazelcast to replace the owner (a few hundred milliseconds after a
        // kill -9, measured). Hazelcast reads a backup only for an entry that is there: a miss asks
        // the owner. Two backups put every entry on every member of a cluster of three. Entries
        // are written with synchronous backups, so a backup lags its owner only when a backup's
        // acknowledgement timed out. The users' lists of keys keep two backups as well, so that a
        // list outlives the same deaths as the grants it names.
        for (String map : List.of(SharedResumeTokens.GRANTS, SharedResumeTokens.REVOKED,
                SharedResumeTokens.USERS_REVOKED, SharedResumeTokens.USERS)) {
            config.getMapConfig(map).setReadBackupData(true).setBackupCount(SharedResumeTokens.RESUME_BACKUPS);
        }
        // When both sides of a split revoked a user, the later revocation, which voids all the
        // earlier one did, must outlive the merge: the entry written last is kept, not the one of
        // the side merged into (Hazelcast's default).
        config.getMapConfig(SharedResumeTokens.USERS_REVOKED).setPerEntryStatsEnabled(true)
                .getMergePolicyConfig().setPolicy(LatestUpdateMergePolicy.class.getName());

        MemberAttributeConfig attributes = new MemberAttributeConfig();
        attributes.setAttribute(NODE_NAME, s.nodeName());
        attributes.setAttribute(STARTED, Long.toString(System.currentTimeMillis()));
        if (linkAddress != null) {
            attributes.setAttribute(PeerLinks.ATTRIBUTE, linkAddress);
            if (s.tls()) {
                attributes.setAttribute(PeerLinks.TLS_ATTRIBUTE, "true");
            }
        }
        config.setMemberAttributeConfig(attributes);

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(s.port()).setPortAutoIncrement(false);
        network.setPublicAddress(s.publicAddress());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        List<String> members = new ArrayList<>(s.members());
        members.add(s.publicAddress());
        join.getTcpIpConfig().setEnabled(true).setMembers(members);
        return config;
    }
}
