package io.aldis.itest.support;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback between a client and a node that a test can cut, delay and stall, as a
 * network that fails would:
 *
 * <ul>
 *   <li>{@link #cut()} drops every connection through it at once, in both directions (bytes in
 *       flight are lost, neither side gets a close frame); {@link #strand()} drops only the client's
 *       side. New connections go through again afterwards.
 *   <li>{@link #delay(Duration)} holds every byte for a while before it passes on, each direction
 *       in order, as a long link would; the link keeps carrying data at full speed meanwhile.
 *   <li>{@link #stall()} stops the connections open now from carrying anything, in either
 *       direction, without closing them; {@link #unstall()} lets them go on with nothing lost. New
 *       connections are not stalled, so a client that gives up on a stalled link and comes back gets
 *       through.
 *   <li>{@link #admitOnly(Set)} keeps out everyone but the listed source addresses, as a firewall
 *       that drops packets would: their connections open now are reset, and new ones are held
 *       silent (nothing passes either way, as a connection attempt whose packets are dropped) until
 *       {@link #admitAll()}, which resets them so that they try again. Processes on loopback can be
 *       told apart by binding to 127.0.0.2, 127.0.0.3 and so on.
 *   <li>{@link #record()} keeps a copy of every byte each connection sends towards the node from
 *       then on, which {@link #recordedToNode()} returns, so that a test can check what crossed.
 * </ul>
 *
 * <p>Each direction of a connection holds at most {@value #MAX_HELD} bytes it read and has not
 * written on; past that it stops reading, so a stalled or slow side fills the TCP buffers of the
 * other, as a real link does.
 */
public final class CuttingProxy implements AutoCloseable {
    /** The most bytes one direction of a connection reads ahead of what it has passed on. */
    static final int MAX_HELD = 1 << 20;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final String INBOUND = "inbound";

    private final InetSocketAddress target;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    /** Node sides left open by {@link #strand}, closed with the proxy. */
    private final Set<Channel> stranded = ConcurrentHashMap.newKeySet();
    /** Both directions of every connection relayed now. */
    private final Set<Direction> directions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile long delayNanos;
    /** Connections from sources not let in, held silent until they are let in again. */
    private final Set<Channel> held = ConcurrentHashMap.newKeySet();
        /** The source addresses let in, or null for all. */
    private volatile Set<String> admitted;
    /** Per connection, the bytes it sent towards the node since {@link #record()}; null while not recording. */
    private volatile List<ByteArrayOutputStream> recorded;
    private final Channel server;

    /** Starts a proxy on an ephemeral loopback port in front of {@code targetPort} on loopback. */
    public CuttingProxy(int targetPort) throws InterruptedException {
        this("127.0.0.1", "127.0.0.1", targetPort);
    }

    /**
     * Starts a proxy on an ephemeral port of {@code bindHost} in front of {@code targetHost:targetPort}
     * (both loopback addresses, such as 127.0.0.3).
     */
    public CuttingProxy(String bindHost, String targetHost, int targetPort) throws InterruptedException {
        this(bindHost, 0, targetHost, targetPort);
    }

    /**
     * Starts a proxy on {@code bindHost:bindPort} in front of {@code targetHost:targetPort}, for a
     * node that tells others to reach it at the same port on another loopback address.
     */
    public CuttingProxy(String bindHost, int bindPort, String targetHost, int targetPort) throws InterruptedException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        if (!admits(client)) {
                            // Held, never read: a reset would have the peer try again at once, and
                            // again, where a dropped attempt makes it wait for its own timeout.
                            held.add(client);
                            client.closeFuture().addListener(f -> held.remove(client));
                            return;
                        }
                        accepted.incrementAndGet();
                        open.add(client);
                        client.closeFuture().addListener(f -> open.remove(client));
                        client.pipeline().addLast(INBOUND, new Inbound());
                        if (!admits(client)) {
                            // admitOnly ran between the check above and the add, and may have
                            // looked at the open connections before this one was among them.
                            reset(client);
                        }
                    }
                }).bind(bindHost, bindPort).sync().channel();
    }

    /** The port clients connect to. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Keeps a copy of what every connection sends towards the node from now on, also of connections open now. */
    public void record() {
        recorded = Collections.synchronizedList(new ArrayList<>());
    }

    /** What each connection sent towards the node since {@link #record()}, one array per connection that sent any. */
    public List<byte[]> recordedToNode() {
        List<ByteArrayOutputStream> streams = recorded;
        if (streams == null) {
            return List.of();
        }
        synchronized (streams) {
            return streams.stream().map(ByteArrayOutputStream::toByteArray).filter(b -> b.length > 0).toList();
        }
    }

    /** How many client connections the proxy has accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /**
     * Drops every connection through the proxy now: a reset, so that what either side wrote and
     * the other has not read is lost.
     */
    public void cut() {
        for (Channel channel : Set.copyOf(open)) {
            reset(channel);
        }
    }

    /**
     * Drops the clients' side of every connection but leaves the node's side open and silent, as a
     * link that died without either end hearing of it: the node learns of it only from its own
     * heartbeat, or from the client coming back on a new connection.
     */
    public void strand() {
        for (Channel channel : Set.copyOf(open)) {
            if (channel.pipeline().get(INBOUND) instanceof Inbound inbound) {
                Channel node = inbound.node;
                if (node != null) {
                    open.remove(node);
                    stranded.add(node);
                    inbound.node = null;
                }
                reset(channel);
            }
        }
    }

    /**
     * Holds what either side sends for {@code delay} before it reaches the other, from now on, on
     * every connection; {@link Duration#ZERO} ends the delay. What is held already keeps its time.
     */
    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a delay cannot be negative: " + delay);
        }
        delayNanos = delay.toNanos();
    }

    /** Stops every connection open now from passing anything on, both ways, until {@link #unstall()}. */
    public void stall() {
        directions.forEach(Direction::stall);
    }

    /** Lets every stalled connection pass on what it holds, in order, and go on. */
    public void unstall() {
        directions.forEach(Direction::unstall);
    }

    /**
     * From now on lets in only connections from these source addresses (such as "127.0.0.2"), and
     * resets at once those open now from any other, in both directions.
     */
    public void admitOnly(Set<String> sourceAddresses) {
        admitted = Set.copyOf(sourceAddresses);
        for (Channel channel : Set.copyOf(open)) {
            if (channel.pipeline().get(INBOUND) != null && !admits(channel)) {
                reset(channel);
            }
        }
    }

    /** Lets every source in again; the connections held meanwhile are reset, so their peers try again. */
    public void admitAll() {
        admitted = null;
        for (Channel channel : Set.copyOf(held)) {
            reset(channel);
        }
    }

    private boolean admits(Channel client) {
        Set<String> only = admitted;
        return only == null || (client.remoteAddress() instanceof InetSocketAddress remote
                && only.contains(remote.getAddress().getHostAddress()));
    }

    private static void reset(Channel channel) {
        try {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (ChannelException closedMeanwhile) {
            // it went on its own while the cut was on its way: nothing left to reset
        }
        channel.close();
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        cut();
        stranded.forEach(Channel::close);
        held.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** A client's side: connects to the node, then relays both ways. */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        private volatile Channel node;
        private Direction toNodeDirection;
        /** What this connection sent towards the node, and the list it was recorded for. */
        private ByteArrayOutputStream copy;
        private List<ByteArrayOutputStream> copiedFor;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new Relay())
                    .connect(target).addListener((ChannelFutureListener) connected -> {
                        if (!connected.isSuccess()) {
                            client.close();
                            return;
                        }
                        Channel toNode = connected.channel();
                        node = toNode;
                        open.add(toNode);
                        toNodeDirection = new Direction(client, toNode);
                        toNode.pipeline().get(Relay.class).toClient = new Direction(toNode, client);
                        toNode.closeFuture().addListener(f -> {
                            open.remove(toNode);
                            client.close();
                        });
                        client.read();
                        toNode.read();
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (node == null || toNodeDirection == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            List<ByteArrayOutputStream> recording = recorded;
            if (recording != null && msg instanceof ByteBuf buf) {
                if (copiedFor != recording) {
                    copiedFor = recording;
                    copy = new ByteArrayOutputStream();
                    recording.add(copy);
                }
                byte[] bytes = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), bytes);
                synchronized (recording) {
                    copy.write(bytes, 0, bytes.length);
                }
            }
            toNodeDirection.relay(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Channel toNode = node;
            if (toNode != null) {
                toNode.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The node's side of one connection: relays to the client, or drops what comes once stranded. */
    private final class Relay extends ChannelInboundHandlerAdapter {
        /** Set once connected, before the first read. */
        private Direction toClient;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (stranded.contains(ctx.channel()) || toClient == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            toClient.relay(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * One direction of one connection: what {@code from} read waits in a queue, in order, until its
     * delay has passed and the direction is not stalled, then goes to {@code to}. Both channels are
     * on the proxy's one event loop, which alone touches the queue.
     */
    private final class Direction {
        private final Channel from;
        private final Channel to;
        private final ArrayDeque<Held> queue = new ArrayDeque<>();
        /** Bytes read and not yet written out by {@code to}, queued or in its outbound buffer. */
        private long held;
        private boolean reading = true;
        private boolean stalled;
        private boolean drainScheduled;

        Direction(Channel from, Channel to) {
            this.from = from;
            this.to = to;
            directions.add(this);
            from.closeFuture().addListener(f -> close());
            to.closeFuture().addListener(f -> close());
        }

        void relay(Object msg) {
            int bytes = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
            held += bytes;
            queue.add(new Held(msg, bytes, System.nanoTime() + delayNanos));
            reading = false;
            drain();
        }

        void stall() {
            onLoop(() -> stalled = true);
        }

        void unstall() {
            onLoop(() -> {
                stalled = false;
                drain();
            });
        }

        /** Runs {@code change} on the proxy's event loop and returns once it has: a stall is in force when stall() returns. */
        private void onLoop(Runnable change) {
            if (from.eventLoop().inEventLoop()) {
                change.run();
            } else {
                from.eventLoop().submit(change).syncUninterruptibly();
            }
        }

        private void drain() {
            if (stalled || !to.isActive()) {
                readOnIfRoom();
                return;
            }
            long now = System.nanoTime();
            boolean wrote = false;
            while (!queue.isEmpty()) {
                Held next = queue.peek();
                if (next.due > now) {
                    if (!drainScheduled) {
                        drainScheduled = true;
                        from.eventLoop().schedule(() -> {
                            drainScheduled = false;
                            drain();
                        }, next.due - now, TimeUnit.NANOSECONDS);
                    }
                    break;
                }
                queue.poll();
                wrote = true;
                to.write(next.msg).addListener((ChannelFutureListener) written -> {
                    held -= next.bytes;
                    if (written.isSuccess()) {
                        readOnIfRoom();
                    } else {
                        from.close();
                    }
                });
            }
            if (wrote) {
                to.flush();
            }
            readOnIfRoom();
        }

        private void readOnIfRoom() {
            if (!reading && held < MAX_HELD && from.isActive()) {
                reading = true;
                from.read();
            }
        }

        private void close() {
            directions.remove(this);
            if (from.eventLoop().inEventLoop()) {
                releaseHeld();
            } else {
                from.eventLoop().execute(this::releaseHeld);
            }
        }

        private void releaseHeld() {
            for (Held h; (h = queue.poll()) != null;) {
                ReferenceCountUtil.release(h.msg);
            }
        }
    }

    /** Bytes read and not passed on yet, with the time they may go. */
    private record Held(Object msg, int bytes, long due) {
    }
}
