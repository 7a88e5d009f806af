package io.aldis.feature.cluster.internal.links;

import io.aldis.protocol.api.spi.transport.tls.MutualTls;
import io.aldis.protocol.api.spin.NettyIo;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The links between this member and the others that carry pub/sub messages and RPC messages
 * without going through Hazelcast: this member accepts a link from each other member on its link
 * port and opens one to each ({@link OutboundLink}), every link proven with the cluster's secret
 * ({@link LinkHandshake}). A member announces where its link port is reached as a Hazelcast member
 * attribute ({@link #ATTRIBUTE}); Hazelcast stays the one that says who the members are.
 *
 * <p>With TLS ({@link MutualTls}) every link runs inside mutual TLS, the handshake with the secret
 * included: each end presents its certificate and accepts only one its trust store holds. A member
 * announces that its links use TLS ({@link #TLS_ATTRIBUTE}), so that two members of which one has
 * TLS and the other not never try a link, and each says why.
 */
public final class PeerLinks implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");
    /** Member attribute: host:port of the member's link listener. */
    public static final String ATTRIBUTE = "aldis.link";
    /** Member attribute, {@code true} when the member's links use TLS; absent otherwise. */
    public static final String TLS_ATTRIBUTE = "aldis.linkTls";
    /**
     * What may wait for one link before messages to that member are dropped; a message is queued
     * whatever its size while less than this waits.
     */
    static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;
    /**
     * The longest frame a link carries once its sender proved itself: a larger message or call is
     * not sent, and a larger frame closes the link.
     */
    public static final int MAX_FRAME = 256 * 1024 * 1024;
    /** The longest handshake frame. */
    static final int HANDSHAKE_FRAME = 1024;
    /** Connections in their handshake at once, at most; more are refused at once. */
    static final int MAX_HANDSHAKING = 64;

    static final NettyIo IO = NettyIo.fromSystemProperty();

    private final LinkHandshake handshake;
    /** The links' TLS, or null for links without it. */
    private final MutualTls tls;
    private final EventLoopGroup group;
    private final Channel server;
    private final InetSocketAddress source;
    private final Map<String, OutboundLink> outbound = new ConcurrentHashMap<>();
    private final Map<String, Channel> inbound = new ConcurrentHashMap<>();
    /**
     * Members seen to have announced no link: their attributes do not change while their id lives.
     * A member not seen yet is not put here, so that it links once it is seen.
     */
    private final Set<String> unlinked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger handshaking = new AtomicInteger();
    private final AtomicLong refusals = new AtomicLong();
    private final EveryTenSeconds refusalWarnings = new EveryTenSeconds();
    private volatile Consumer<String> lost = peer -> { };
    private volatile Function<String, InetSocketAddress> addresses = peer -> null;
    private volatile Predicate<String> peerTls = peer -> false;
    private volatile Predicate<String> isMember = peer -> false;
    private volatile Supplier<String> self = () -> "";
    private volatile PeerMessages messages = (peer, bytes) -> { };
    private volatile PeerMessages rpc = (peer, bytes) -> { };

    /**
     * Opens the link listener.
     *
     * @param key    the cluster's link key ({@code ClusterSecret.linkKey})
     * @param host   the address to listen on, and that links to the others leave from ({@code null}: the system picks)
     * @param bindSource whether links to the others leave from {@code host}
     * @param port   the port to listen on, 0 for any free one
     * @throws IllegalStateException naming the address when it cannot listen there
     */
    public PeerLinks(byte[] key, String host, boolean bindSource, int port) {
        this(key, host, bindSource, port, null);
    }

    /**
     * Opens the link listener, with TLS on every link when {@code tls} is given.
     *
     * @param tls the links' mutual TLS, or {@code null} for links without TLS
     */
    public PeerLinks(byte[] key, String host, boolean bindSource, int port, MutualTls tls) {
        this.handshake = new LinkHandshake(key);
        this.tls = tls;
        // The node's listeners' transport: epoll where it loads, NIO elsewhere.
        this.group = new MultiThreadIoEventLoopGroup(1, daemonThreads(), IO.handlerFactory());
        this.source = bindSource ? new InetSocketAddress(host, 0) : null;
        try {
            this.server = new ServerBootstrap().group(group).channel(IO.serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            MutualTls linkTls = PeerLinks.this.tls;
                            if (linkTls != null) {
                                ch.pipeline().addLast(linkTls.accepting().newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new IdleStateHandler(LinkFrames.SILENCE_SECONDS, 0, 0),
                                    new LinkFrames.Decoder(HANDSHAKE_FRAME), new InboundLink(PeerLinks.this, handshake));
                        }
                    })
                    .bind(host, port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen for links from other members on " + host + ":" + port
                    + ": " + e.getMessage(), e);
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "aldis-cluster-link-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The port links are accepted on. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Where to find the others and who this member is, once its Hazelcast member runs.
     *
     * @param addressOf a member's link address by its id, {@code null} when it is not a member or announced none
     * @param selfId    this member's id now (it changes when the member merges after a split)
     */
    public void members(Function<String, InetSocketAddress> addressOf, Supplier<String> selfId) {
        members(addressOf, peer -> false, selfId);
    }

    /**
     * The same, with whether each member announced links with TLS ({@link #TLS_ATTRIBUTE}).
     *
     * @param tlsOf whether a member's links use TLS
     */
    public void members(Function<String, InetSocketAddress> addressOf, Predicate<String> tlsOf, Supplier<String> selfId) {
        members(addressOf, tlsOf, peer -> addressOf.apply(peer) != null, selfId);
    }

    /**
     * The same, with whether an id is another member's now, so that a member not seen yet is told
     * apart from one that announced no link.
     *
     * @param memberOf whether an id is another member's now
     */
    public void members(Function<String, InetSocketAddress> addressOf, Predicate<String> tlsOf,
            Predicate<String> memberOf, Supplier<String> selfId) {
        this.addresses = addressOf;
        this.peerTls = tlsOf;
        this.isMember = memberOf;
        this.self = selfId;
    }

    /** A member joined: if its id was seen before with no link, it is looked at again. */
    public void joined(String peer) {
        unlinked.remove(peer);
    }

    /** Whether this member's links use TLS. */
    public boolean tls() {
        return tls != null;
    }

    /**
     * What an operator reads of the link to a member: {@code TLS} or {@code plain}, with
     * {@code , down} while it is down, {@code refused: ...} when one of the two has TLS and the
     * other not, {@code -} when the member announced no link ({@code refused: the member has no TLS
     * links} when this member's links use TLS, since nothing then goes to it through Hazelcast).
     */
    public String describe(String peer) {
        if (addresses.apply(peer) == null) {
            return tls != null && isMember.test(peer) ? "refused: the member has no TLS links" : "-";
        }
        String mismatch = tlsMismatch(peer);
        if (mismatch != null) {
            return "refused: " + (tls != null ? "the member has no TLS" : "the member requires TLS");
        }
        return (tls != null ? "TLS" : "plain") + (down(peer) ? ", down" : "");
    }

    /**
     * Why this member and {@code peer} cannot link because one has TLS and the other not, in the
     * operator's words; null when both have it or neither.
     */
    String tlsMismatch(String peer) {
        boolean theirs = peerTls.test(peer);
        if (tls != null && !theirs) {
            return "member " + peer + " has links without TLS and this member's links require TLS"
                    + " (tls.keyStore is set): give every member the same tls. settings";
        }
        if (tls == null && theirs) {
            return "member " + peer + " requires TLS on its links and this member has no TLS settings"
                    + " (tls.keyStore): give every member the same tls. settings";
        }
        return null;
    }

    /** The context of the links this member opens, or null without TLS. */
    MutualTls mutualTls() {
        return tls;
    }

    /** Where what other members send is handed: pub/sub messages and RPC messages. */
    public void receivers(PeerMessages messageReceiver, PeerMessages rpcReceiver) {
        this.messages = messageReceiver;
        this.rpc = rpcReceiver;
    }

    /** What became of a message given to {@link #send}. */
    public enum Sent {
        /** Queued on the member's link, to be written in order with the others. */
        QUEUED,
        /** Dropped: the link's queue is full. */
        DROPPED,
        /** Not sent: the message is {@link #MAX_FRAME} bytes or more; the link is not touched. */
        TOO_LARGE,
        /** Not sent, for a call: the link is down (its last attempt failed), so a call fails at once. */
        DOWN,
        /** The member announced no link (it is not a member now, or sends through Hazelcast only). */
        NO_LINK
    }

    /** Sends a pub/sub message to a member. */
    public Sent sendMessage(String peer, byte[] bytes) {
        return send(peer, LinkFrames.MESSAGE, LinkBody.of(bytes), bytes.length);
    }

    /** Sends a pub/sub message of {@code length} bytes to a member, written on the link's thread. */
    public Sent sendMessage(String peer, LinkBody body, int length) {
        return send(peer, LinkFrames.MESSAGE, body, length);
    }

    /**
     * Sends an RPC message to a member; while the link to it is down the message is not queued
     * ({@link Sent#DOWN}), and when it is dropped the link is closed, so that the calls between the
     * two members fail on both sides ({@link #onLinkLost}) rather than wait for what was lost.
     */
    public Sent sendRpc(String peer, byte[] bytes) {
        OutboundLink link = outbound.get(peer);
        if (link != null && link.down()) {
            return Sent.DOWN;
        }
        Sent sent = send(peer, LinkFrames.RPC, LinkBody.of(bytes), bytes.length);
        if (sent == Sent.DROPPED) {
            forget(peer);
            lost(peer);
        }
        return sent;
    }

    private Sent send(String peer, byte kind, LinkBody body, int length) {
        OutboundLink link = outbound.get(peer);
        if (link == null) {
            if (unlinked.contains(peer)) {
                return Sent.NO_LINK;
            }
            if (addresses.apply(peer) == null) {
                if (isMember.test(peer)) {
                    unlinked.add(peer);
                }
                return Sent.NO_LINK;
            }
            link = outbound.computeIfAbsent(peer, id -> new OutboundLink(this, id, group.next()));
        }
        if (length >= MAX_FRAME) {
            LOG.log(System.Logger.Level.WARNING, "Did not send a message of {0} bytes to member {1}: links carry less than {2}",
                    length, peer, MAX_FRAME);
            return Sent.TOO_LARGE;
        }
        return link.send(kind, body, length);
    }

    /** Whether the link to a member is down: its last attempt failed or its connection broke. */
    public boolean down(String peer) {
        OutboundLink link = outbound.get(peer);
        return link != null && link.down();
    }

    /** Messages dropped on the link to a member, since it was opened. */
    public long dropped(String peer) {
        OutboundLink link = outbound.get(peer);
        return link == null ? 0 : link.dropped();
    }

    /**
     * Called with a member's id, on a link's thread, when the link to it or from it broke while
     * both are members: what was on its way between the two may be lost.
     */
    public void onLinkLost(Consumer<String> listener) {
        this.lost = listener;
    }

    /** Closes the links to and from a member that left. */
    public void forget(String peer) {
        unlinked.remove(peer);
        OutboundLink link = outbound.remove(peer);
        if (link != null) {
            link.close();
        }
        Channel in = inbound.remove(peer);
        if (in != null) {
            in.close();
        }
    }

    /**
     * Closes every link, for this member merged into another cluster under a new id: the links
     * are opened again as they are needed, proving the new id. What waited in them is lost, as
     * when a link breaks ({@link #onLinkLost}).
     */
    public void forgetAll() {
        Set<String> peers = new java.util.HashSet<>(outbound.keySet());
        peers.addAll(inbound.keySet());
        for (String peer : peers) {
            forget(peer);
            lost(peer);
        }
    }

    /** Closes every link and the listener, and returns once the port is free again. */
    @Override
    public void close() {
        lost = peer -> { };
        for (OutboundLink link : outbound.values()) {
            link.close();
        }
        outbound.clear();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    LinkHandshake handshake() {
        return handshake;
    }

    String selfId() {
        return self.get();
    }

    InetSocketAddress addressOf(String peer) {
        return addresses.apply(peer);
    }

    InetSocketAddress sourceAddress() {
        return source;
    }

    void removed(String peer, OutboundLink link) {
        outbound.remove(peer, link);
    }

    void lost(String peer) {
        try {
            lost.accept(peer);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not end the calls with member {0} after its link broke: {1}", peer,
                    e.toString());
        }
    }

    /** Takes a place for a connection's handshake; false when all are taken. */
    boolean handshakeStarted() {
        if (handshaking.incrementAndGet() > MAX_HANDSHAKING) {
            handshaking.decrementAndGet();
            return false;
        }
        return true;
    }

    void handshakeDone() {
        handshaking.decrementAndGet();
    }

    /** Logs a refused connection, at most once every 10 s with how many were refused since. */
    void refused(Object from, String why) {
        long n = refusals.incrementAndGet();
        if (refusalWarnings.due()) {
            refusals.set(0);
            LOG.log(System.Logger.Level.WARNING, "Refused a cluster link from {0}: {1}{2}", from, why,
                    n > 1 ? " (" + (n - 1) + " more refused in the last 10 s)" : "");
        }
    }

    void accepted(String peer, Channel channel) {
        Channel before = inbound.put(peer, channel);
        if (before != null && before != channel) {
            // The member opened its link again (its connection broke on its side, which ended the
            // calls between us there): the old one is dead, and so are the calls here.
            before.close();
            lost(peer);
        }
    }

    void closed(String peer, Channel channel) {
        if (inbound.remove(peer, channel)) {
            lost(peer);
        }
    }

    void messageFrom(String peer, byte[] bytes) {
        try {
            messages.received(peer, bytes);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Dropped a message from member {0}: {1}", peer, e.toString());
        }
    }

    void rpcFrom(String peer, byte[] bytes) {
        try {
            rpc.received(peer, bytes);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Dropped an RPC message from member {0}: {1}", peer, e.toString());
        }
    }
}
