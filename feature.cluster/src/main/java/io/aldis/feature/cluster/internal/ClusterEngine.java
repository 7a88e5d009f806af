package io.aldis.feature.cluster.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.aldis.feature.cluster.internal.addresses.ClientAddressTable;
import io.aldis.feature.cluster.internal.locks.HazelcastLocks;
import io.aldis.feature.cluster.internal.links.DataPath;
import io.aldis.feature.cluster.internal.links.PeerLinks;
import io.aldis.feature.cluster.internal.membership.ClusterSecret;
import io.aldis.feature.cluster.internal.membership.HazelcastMember;
import io.aldis.feature.cluster.internal.membership.MemberEvents;
import io.aldis.feature.cluster.internal.membership.SessionCounts;
import io.aldis.feature.cluster.internal.routing.ClusterRoutes;
import io.aldis.feature.cluster.internal.routing.Inbox;
import io.aldis.feature.cluster.internal.routing.InterestPublisher;
import io.aldis.feature.cluster.internal.routing.InterestTable;
import io.aldis.feature.cluster.internal.routing.PeerCounts;
import io.aldis.feature.cluster.internal.rpc.ClusterCalls;
import io.aldis.feature.cluster.internal.rpc.RpcInbox;
import io.aldis.feature.cluster.internal.rpc.ServicePublisher;
import io.aldis.feature.cluster.internal.rpc.ServiceTable;
import io.aldis.feature.cluster.internal.sessions.SharedResumeTokens;
import io.aldis.feature.pubsub.spi.Interest;
import io.aldis.feature.pubsub.spi.LocalRouting;
import io.aldis.feature.pubsub.spi.RemoteRoutes;
import io.aldis.feature.rpc.spi.LocalCalls;
import io.aldis.feature.rpc.spi.RemoteCalls;
import io.aldis.protocol.api.spi.cluster.ClusterLocks;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.node.SystemEvents;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The cluster feature without OSGi: this node's Hazelcast member, and, while pub/sub is
 * {@linkplain #link linked}, the routes of its messages to the other nodes and back.
 * {@link ClusterComponent} runs it in Karaf; tests run it by hand.
 */
public final class ClusterEngine implements ClusterView, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");
    /**
     * How often the interest table is read again without an event: a member that merged after a
     * split receives the other members' entries in bulk, and Hazelcast tells of no single entry.
     */
    private static final long REFRESH_SECONDS = 1;
    /** How far apart the check of resume tokens after a merge is tried, until it succeeds or the engine stops. */
    private static final long MARK_AGAIN_DELAY_SECONDS = 5;

    private final ClusterSettings settings;
    /** This member's links to the others, or null when it sends through Hazelcast ({@code dataPath}). */
    private final PeerLinks links;
    private final HazelcastInstance hazelcast;
    private final DataPath path;
    private final PeerCounts counts = new PeerCounts();
    private final InterestTable interest;
    private final Inbox inbox;
    private final ScheduledExecutorService scheduler;
    private ClusterRoutes routes;
    private InterestPublisher publisher;
    private LocalRouting routing;
    private final ServiceTable services;
    private final RpcInbox rpcInbox;
    /** Read by the links' thread when a link breaks. */
    private volatile ClusterCalls calls;
    private ServicePublisher servicePublisher;
    private SharedResumeTokens tokens;
    private ClientAddressTable clientAddresses;
    private final SessionCounts sessionCounts;
    private volatile Supplier<SessionRegistry> sessions = () -> null;

    private ClusterEngine(ClusterSettings settings, Supplier<SystemEvents> events) {
        this.settings = settings;
        this.links = settings.links() ? new PeerLinks(ClusterSecret.linkKey(settings.name(), settings.secret()),
                // Links leave from the member's own address, as Hazelcast's connections do (see
                // HazelcastMember), unless a NAT stands between the members.
                settings.host(), settings.publicHost().equals(settings.host()), settings.linkPort(), settings.linkContexts().tls())
                : null;
        try {
            this.hazelcast = HazelcastMember.start(settings,
                    links == null ? null : settings.publicHost() + ":" + links.port());
        } catch (RuntimeException e) {
            if (links != null) {
                links.close();
            }
            throw e;
        }
        this.path = new DataPath(hazelcast, links, this::linkTlsOf);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aldis-cluster");
            t.setDaemon(true);
            return t;
        });
        this.interest = new InterestTable(hazelcast);
        this.inbox = new Inbox(hazelcast, counts, settings.tls());
        this.services = new ServiceTable(hazelcast);
        this.rpcInbox = new RpcInbox(hazelcast, path, settings.tls());
        this.sessionCounts = new SessionCounts(hazelcast);
        if (links != null) {
            links.members(this::linkAddressOf, this::linkTlsOf, this::isOtherMember,
                    () -> hazelcast.getCluster().getLocalMember().getUuid().toString());
            links.receivers(inbox, rpcInbox);
            links.onLinkLost(peer -> {
                ClusterCalls linked = calls;
                if (linked != null) {
                    linked.linkLost(peer);
                }
            });
        }
        hazelcast.getCluster().addMembershipListener(
                new MemberEvents(settings.name(), events, this::joined, this::left));
        hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                scheduler.execute(this::merged);
                markRevokedAgainAside(1);
            }
        });
        scheduler.scheduleWithFixedDelay(this::refresh, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Starts this node's member; returns once it has joined the listed members or, finding none
     * of them, formed a cluster of its own.
     *
     * @param events where {@code $sys.cluster.*} events go, asked each time ({@code null} answers: nowhere)
     */
    public static ClusterEngine start(ClusterSettings settings, Supplier<SystemEvents> events) {
        return new ClusterEngine(settings, events);
    }

    /** Links pub/sub: its interest is published, and messages flow both ways. */
    public synchronized RemoteRoutes link(LocalRouting localRouting) {
        unlink();
        routing = localRouting;
        routes = new ClusterRoutes(path, interest, localRouting, counts);
        publisher = new InterestPublisher(interest, localRouting, scheduler);
        inbox.routing(localRouting);
        return routes;
    }

    /** Unlinks pub/sub: its interest is withdrawn and nothing more is delivered to it. */
    public synchronized void unlink() {
        if (routing == null) {
            return;
        }
        inbox.routing(null);
        publisher.close();
        try {
            interest.withdraw();
        } catch (RuntimeException shuttingDown) {
            // the others drop our entry when we leave anyway
        }
        routing = null;
        routes = null;
        publisher = null;
    }

    /** Links RPC: its services are announced, and calls flow both ways. */
    public synchronized RemoteCalls linkRpc(LocalCalls localCalls) {
        unlinkRpc();
        calls = new ClusterCalls(hazelcast, path, services, localCalls);
        rpcInbox.receiver(calls.receiver());
        servicePublisher = new ServicePublisher(services, localCalls, scheduler);
        return calls;
    }

    /**
     * Unlinks RPC: its services are withdrawn, calls it sent to other nodes fail with
     * PROVIDER_GONE, and calls other nodes sent it stop.
     */
    public synchronized void unlinkRpc() {
        if (calls == null) {
            return;
        }
        servicePublisher.close();
        try {
            services.withdraw();
        } catch (RuntimeException shuttingDown) {
            // the others drop our entry when we leave anyway
        }
        rpcInbox.receiver(null);
        calls.close();
        calls = null;
        servicePublisher = null;
    }

    private synchronized void joined(Member m) {
        path.joined(m.getUuid().toString());
        if (calls != null) {
            // A member this node saw leave during a split keeps its id when the split heals.
            calls.memberJoined(m.getUuid().toString());
        }
        interest.rebuild();
        services.rebuild();
        if (clientAddresses != null) {
            clientAddresses.membersChanged();
        }
        if (servicePublisher != null) {
            servicePublisher.republish();
        }
        if (publisher != null) {
            // After a split heals, the merged map may hold an older entry of ours.
            publisher.republish();
        }
    }

    /**
     * This member merged into another cluster after a split healed, and Hazelcast gave it a new
     * member id: the other nodes now send to that id and look up its interest under it.
     */
    private synchronized void merged() {
        try {
            inbox.follow();
            interest.rekey();
            path.forgetAll();
            sessionCounts.rekey();
            if (publisher != null) {
                publisher.republish();
            }
            rpcInbox.follow();
            if (calls != null) {
                for (Member m : hazelcast.getCluster().getMembers()) {
                    calls.memberJoined(m.getUuid().toString());
                }
            }
            services.rekey();
            if (servicePublisher != null) {
                servicePublisher.republish();
            }
            if (clientAddresses != null) {
                clientAddresses.refresh();
            }
            LOG.log(System.Logger.Level.INFO, "Node {0} merged back into cluster {1} as member {2}", settings.nodeName(),
                    settings.name(), hazelcast.getCluster().getLocalMember().getUuid());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Node {0} merged back into cluster {1} but could not follow its new member id: {2}",
                    settings.nodeName(), settings.name(), e.toString());
        }
    }

    /**
     * Checks the cluster's resume tokens against its revocations after a merge, on a thread of its
     * own and outside this engine's lock, since it reads every token; tried again until it succeeds
     * or the engine stops, since until it has run a token revoked on this side of the split may
     * resume a session.
     */
    private void markRevokedAgainAside(int attempt) {
        Thread checking = new Thread(() -> markRevokedAgain(attempt), "aldis-cluster-tokens-after-merge");
        checking.setDaemon(true);
        checking.start();
    }

    private void markRevokedAgain(int attempt) {
        SharedResumeTokens shared;
        synchronized (this) {
            shared = tokens;
        }
        if (shared == null) {
            return;
        }
        try {
            int marked = shared.markRevokedAgain();
            LOG.log(System.Logger.Level.INFO, "Node {0} checked the resume tokens against the revocations after the"
                    + " merge; {1} marked revoked again", settings.nodeName(), marked);
        } catch (RuntimeException e) {
            if (scheduler.isShutdown()) {
                return; // the engine stopped, and the member with it
            }
            LOG.log(System.Logger.Level.WARNING, "Node {0} could not check the resume tokens against the revocations"
                    + " after the merge (attempt {1}), trying again in {2} s: {3}", settings.nodeName(), attempt,
                    MARK_AGAIN_DELAY_SECONDS, e.toString());
            try {
                scheduler.schedule(() -> markRevokedAgainAside(attempt + 1), MARK_AGAIN_DELAY_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // The engine stopped meanwhile: the cluster goes on without this member.
            }
        }
    }

    /** Where this node's sessions are counted for the other members' {@code aldis:cluster-list}. */
    public void countSessions(Supplier<SessionRegistry> registry) {
        this.sessions = registry;
    }

    /** This node's open sessions, -1 while the node's registry is not there. */
    private int localSessions() {
        SessionRegistry registry = sessions.get();
        return registry == null ? -1 : registry.sessions().size();
    }

    private void refresh() {
        counts.sample();
        try {
            int open = localSessions();
            if (open >= 0) {
                sessionCounts.publish(open);
            }
        } catch (RuntimeException e) {
            // Hazelcast is stopping or the cluster is changing: the next look tries again.
        }
        try {
            interest.rebuild();
            republishIfLost();
        } catch (RuntimeException e) {
            // Hazelcast is stopping or the cluster is changing: the next look tries again.
        }
        refreshClientAddresses();
    }

    /** Writes this node's client addresses again if its entry was lost, and reads the others' again. */
    private void refreshClientAddresses() {
        ClientAddressTable table;
        synchronized (this) {
            table = clientAddresses;
        }
        if (table != null) {
            table.refresh();
        }
    }

    /**
     * Announces this node's interest again if its entry is gone from the map: a member that left
     * during a split removes the entries of the members it lost, and its removal may reach the
     * merged cluster after this node announced itself there.
     */
    private synchronized void republishIfLost() {
        if (publisher != null && !interest.hasOwnEntry()) {
            publisher.republish();
        }
    }

    private synchronized void left(Member m) {
        interest.forget(m.getUuid());
        // No call chooses the member from now on (the table is read again without it), its calls
        // fail, and only then is its entry removed from Hazelcast, which may fail as members change.
        services.rebuild();
        if (calls != null) {
            calls.memberLeft(m.getUuid().toString());
        }
        services.forget(m.getUuid());
        if (clientAddresses != null) {
            clientAddresses.forget(m.getUuid());
        }
        path.forget(m.getUuid().toString());
        try {
            sessionCounts.forget(m.getUuid());
        } catch (RuntimeException e) {
            // the members are changing: the entry goes with the next member that sees it leave
        }
    }

    /** Whether an id is another member's now. */
    private boolean isOtherMember(String memberId) {
        for (Member m : hazelcast.getCluster().getMembers()) {
            if (!m.localMember() && m.getUuid().toString().equals(memberId)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a member announced that its links use TLS. */
    private boolean linkTlsOf(String memberId) {
        for (Member m : hazelcast.getCluster().getMembers()) {
            if (!m.localMember() && m.getUuid().toString().equals(memberId)) {
                return "true".equals(m.getAttribute(PeerLinks.TLS_ATTRIBUTE));
            }
        }
        return false;
    }

    /** The host:port a member announced for its links, or null when it is not a member or has none. */
    private InetSocketAddress linkAddressOf(String memberId) {
        for (Member m : hazelcast.getCluster().getMembers()) {
            if (!m.localMember() && m.getUuid().toString().equals(memberId)) {
                String address = m.getAttribute(PeerLinks.ATTRIBUTE);
                int colon = address == null ? -1 : address.lastIndexOf(':');
                if (colon <= 0) {
                    return null;
                }
                try {
                    return new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
                } catch (IllegalArgumentException e) {
                    LOG.log(System.Logger.Level.WARNING, "Member {0} announced a bad link address: {1}", memberId, address);
                    return null;
                }
            }
        }
        return null;
    }

    /** The RPC services each other node announced, with their calls in flight there, by member id. */
    public Map<String, Map<String, Integer>> rpcServices() {
        return services.peers();
    }

    /** Locks by name that hold across the cluster's nodes, for the features that share something. */
    public ClusterLocks locks() {
        return new HazelcastLocks(hazelcast);
    }

    @Override
    public Totals totals() {
        return new Totals(counts.sentTotal(), counts.bytesSentTotal(), counts.receivedTotal(),
                counts.bytesReceivedTotal());
    }

    /**
     * The resume tokens shared by the cluster, for the node to use instead of its own, made once.
     *
     * @param sessions this node's sessions, to end those a client resumed on another node
     */
    public synchronized SharedResumeTokens resumeTokens(Supplier<SessionRegistry> sessions) {
        if (tokens == null) {
            tokens = new SharedResumeTokens(hazelcast, sessions);
        }
        return tokens;
    }

    /** Where clients reach each node of the cluster, made once; this node announces its own through it. */
    public synchronized ClientAddressTable clientAddresses() {
        if (clientAddresses == null) {
            clientAddresses = new ClientAddressTable(hazelcast, scheduler);
        }
        return clientAddresses;
    }

    /** Messages sent to and received from the other nodes. */
    public PeerCounts counts() {
        return counts;
    }

    /**
     * Whether every copy the cluster keeps of its shared entries (resume tokens among them) is in
     * place. False while Hazelcast still moves partitions after a member joined or left: an entry
     * put meanwhile may have fewer copies than configured until the move ends. It asks every member
     * and waits for their answers, so it blocks while a member that died is not yet taken out.
     */
    public boolean copiesInPlace() {
        return hazelcast.getPartitionService().isClusterSafe();
    }

    public ClusterSettings settings() {
        return settings;
    }

    @Override
    public String problem() {
        return hazelcast.getLifecycleService().isRunning() ? "" : "the cluster member stopped";
    }

    @Override
    public String clusterName() {
        return settings.name();
    }

    @Override
    public List<MemberView> members() {
        List<MemberView> out = new ArrayList<>();
        Map<String, Set<Interest>> peers = interest.peers();
        for (Member m : hazelcast.getCluster().getMembers()) {
            String id = m.getUuid().toString();
            boolean local = m.localMember();
            LocalRouting r = routing;
            int patterns = local ? (r == null ? 0 : r.interest().size())
                    : peers.getOrDefault(id, Set.of()).size();
            int open = local ? localSessions() : sessionCounts.of(id);
            out.add(new MemberView(MemberEvents.nodeName(m), MemberEvents.address(m), id, local, startedAt(m), open, patterns,
                    counts.sentTo(id), counts.receivedFrom(id)));
        }
        return out;
    }

    @Override
    public List<RouteView> routes() {
        List<RouteView> out = new ArrayList<>();
        Map<String, Set<Interest>> peers = interest.peers();
        for (Member m : hazelcast.getCluster().getMembers()) {
            if (m.localMember()) {
                continue;
            }
            String id = m.getUuid().toString();
            List<String> patterns = new ArrayList<>();
            for (Interest i : peers.getOrDefault(id, Set.of())) {
                patterns.add(i.queueGroup().isEmpty() ? i.pattern() : i.pattern() + " [" + i.queueGroup() + "]");
            }
            patterns.sort(null);
            out.add(new RouteView(MemberEvents.nodeName(m), MemberEvents.address(m), id, patterns, counts.sentTo(id),
                    counts.bytesSentTo(id), path.dropped(id), counts.receivedFrom(id), counts.bytesReceivedFrom(id),
                    counts.lastActivity(id), linkOf(id)));
        }
        return out;
    }

    /** The Link column of {@code aldis:cluster-routes} for a member. */
    private String linkOf(String id) {
        if (links != null) {
            return links.describe(id);
        }
        return path.refusedWithoutTls(id) ? "refused: the member requires TLS" : "Hazelcast";
    }

    private static long startedAt(Member m) {
        try {
            String started = m.getAttribute(HazelcastMember.STARTED);
            return started == null ? 0 : Long.parseLong(started);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Leaves the cluster; this node's sessions are not touched. */
    @Override
    public void close() {
        unlink();
        unlinkRpc();
        rpcInbox.close();
        services.close();
        synchronized (this) {
            if (tokens != null) {
                tokens.close();
            }
            if (clientAddresses != null) {
                clientAddresses.close();
            }
        }
        inbox.close();
        interest.close();
        try {
            sessionCounts.withdraw();
        } catch (RuntimeException shuttingDown) {
            // the others drop our entry when we leave anyway
        }
        scheduler.shutdownNow();
        // Before Hazelcast, whose shutdown takes a while: nothing arrives for closed inboxes meanwhile.
        if (links != null) {
            links.close();
        }
        hazelcast.shutdown();
    }
}
