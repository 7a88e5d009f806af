package io.aldis.feature.cluster.internal.links;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The links between this member and the others that carry pub/sub messages and RPC messages
 * without going through Hazelcast: this member accepts a link from each other member on its link
 * port and opens one to each ({@link OutboundLink}), every link proven with the cluster's secret
 * ({@link LinkHandshake}). A member announces where its link port is reached as a Hazelcast member
 * attribute ({@link #ATTRIBUTE}); Hazelcast stays the one that says who the members are.
 */
public final class PeerLinks implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");
    /** Member attribute: host:port of the member's link listener. */
    public static final String ATTRIBUTE = "aldis.link";
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

    private final LinkHandshake handshake;
    private final EventLoopGroup group;
    private final Channel server;
    private final InetSocketAddress source;
    private final Map<String, OutboundLink> outbound = new ConcurrentHashMap<>();
    private final Map<String, Channel> inbound = new ConcurrentHashMap<>();
    private volatile Function<String, InetSocketAddress> addresses = peer -> null;
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
        this.handshake = new LinkHandshake(key);
        this.group = new MultiThreadIoEventLoopGroup(1, daemonThreads(), NioIoHandler.newFactory());
        this.source = bindSource ? new InetSocketAddress(host, 0) : null;
        try {
            this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LinkFrames.Decoder(HANDSHAKE_FRAME), new InboundLink(PeerLinks.this, handshake));
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
        this.addresses = addressOf;
        this.self = selfId;
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
        /** Dropped: the link's queue is full, or the message is over {@link #MAX_FRAME}. */
        DROPPED,
        /** The member announced no link (it is not a member now, or sends through Hazelcast only). */
        NO_LINK
    }

    /** Sends a pub/sub message to a member. */
    public Sent sendMessage(String peer, byte[] bytes) {
        return send(peer, LinkFrames.MESSAGE, bytes);
    }

    /** Sends an RPC message to a member. */
    public Sent sendRpc(String peer, byte[] bytes) {
        return send(peer, LinkFrames.RPC, bytes);
    }

    private Sent send(String peer, byte kind, byte[] bytes) {
        OutboundLink link = outbound.get(peer);
        if (link == null) {
            if (addresses.apply(peer) == null) {
                return Sent.NO_LINK;
            }
            link = outbound.computeIfAbsent(peer, id -> new OutboundLink(this, id, group.next()));
        }
        if (bytes.length >= MAX_FRAME) {
            LOG.log(System.Logger.Level.WARNING, "Did not send a message of {0} bytes to member {1}: links carry at most {2}",
                    bytes.length, peer, MAX_FRAME - 1);
            return Sent.DROPPED;
        }
        return link.send(kind, bytes) ? Sent.QUEUED : Sent.DROPPED;
    }

    /** Messages dropped on the link to a member, since it was opened. */
    public long dropped(String peer) {
        OutboundLink link = outbound.get(peer);
        return link == null ? 0 : link.dropped();
    }

    /** Closes the links to and from a member that left. */
    public void forget(String peer) {
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
     * are opened again as they are needed, proving the new id.
     */
    public void forgetAll() {
        for (String peer : Map.copyOf(outbound).keySet()) {
            forget(peer);
        }
        for (String peer : Map.copyOf(inbound).keySet()) {
            forget(peer);
        }
    }

    @Override
    public void close() {
        for (OutboundLink link : outbound.values()) {
            link.close();
        }
        outbound.clear();
        server.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
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

    void accepted(String peer, Channel channel) {
        Channel before = inbound.put(peer, channel);
        if (before != null && before != channel) {
            // The member opened its link again (its connection broke on its side): the old one is dead.
            before.close();
        }
    }

    void closed(String peer, Channel channel) {
        inbound.remove(peer, channel);
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
