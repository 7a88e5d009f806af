package io.aldis.feature.cluster.internal.links;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This member's link to one other member: a TCP connection that carries this member's messages
 * and calls to it, in the order they were sent, and nothing the other way but the handshake.
 * Messages are queued from any thread and written on the link's event loop, as many as are waiting
 * in one write and one flush, so a busy link costs one system call for many messages. While the
 * connection is not up (it is being opened, or opened again after it broke, with a growing pause)
 * messages wait in the queue; the queue holds at most {@link PeerLinks#MAX_QUEUED_BYTES}, and what
 * does not fit is dropped and counted, as pub/sub between nodes is at most once.
 */
final class OutboundLink {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");
    /** How much one write gathers before it is handed to the socket; larger bodies go as they are. */
    private static final int WRITE_CHUNK = 64 * 1024;
    private static final long FIRST_PAUSE_MILLIS = 100;
    private static final long LONGEST_PAUSE_MILLIS = 5_000;

    private record Pending(byte kind, LinkBody body, int length) {
    }

    private final PeerLinks links;
    private final String peer;
    private final EventLoop loop;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;
    /** An attempt failed or the connection broke, and no connection is up since. */
    private volatile boolean down;
    /** The connection being opened, until its handshake is done or it fails; on the loop only. */
    private Channel connecting;
    /** The connection once its handshake is done; on the loop only. */
    private Channel ready;
    /** Why the connection being opened failed, as its handler saw it (a TLS handshake that failed); on the loop only. */
    private String failure;
    private long pauseMillis = FIRST_PAUSE_MILLIS;
    private final EveryTenSeconds dropWarnings = new EveryTenSeconds();

    OutboundLink(PeerLinks links, String peer, EventLoop loop) {
        this.links = links;
        this.peer = peer;
        this.loop = loop;
        loop.execute(this::connect);
    }

    /** Queues a message: DROPPED when the queue is full or the link closed, DOWN for a call while the link is down. */
    PeerLinks.Sent send(byte kind, LinkBody body, int length) {
        if (kind == LinkFrames.RPC) {
            // A call is never queued on a link that is down, nor left in the queue when it goes
            // down (dropWaitingCalls): the two are decided under one lock.
            synchronized (this) {
                if (down) {
                    return PeerLinks.Sent.DOWN;
                }
                return enqueue(kind, body, length);
            }
        }
        return enqueue(kind, body, length);
    }

    private PeerLinks.Sent enqueue(byte kind, LinkBody body, int length) {
        if (closed || queuedBytes.get() >= PeerLinks.MAX_QUEUED_BYTES) {
            droppedOne();
            return PeerLinks.Sent.DROPPED;
        }
        queuedBytes.addAndGet(LinkFrames.HEADER + length);
        queue.add(new Pending(kind, body, length));
        // Read first: while a drain is due, as under load, a send costs no write to the shared flag.
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(this::drain);
        }
        return PeerLinks.Sent.QUEUED;
    }

    /** Whether the link is down: its last attempt failed or its connection broke, and none is up since. */
    boolean down() {
        return down;
    }

    /** Messages dropped so far. */
    long dropped() {
        return dropped.get();
    }

    private void droppedOne() {
        long n = dropped.incrementAndGet();
        if (dropWarnings.due()) {
            LOG.log(System.Logger.Level.WARNING, "Dropping messages to member {0} ({1} so far): {2} MiB wait for its link"
                    + " (the member or the network between is slower than what is sent to it, or the link is down)",
                    peer, n, PeerLinks.MAX_QUEUED_BYTES >> 20);
        }
    }

    /** Writes what waits, for as long as the connection takes it; on the loop. */
    private void drain() {
        drainScheduled.set(false);
        Channel ch = ready;
        if (ch == null) {
            return;
        }
        ByteBuf buffer = null;
        long taken = 0;
        try {
            while (ch.isWritable()) {
                Pending p = queue.poll();
                if (p == null) {
                    break;
                }
                taken += LinkFrames.HEADER + p.length;
                if (p.length >= WRITE_CHUNK) {
                    if (buffer != null) {
                        ch.write(buffer, ch.voidPromise());
                        buffer = null;
                    }
                    ByteBuf frame = large(ch, p);
                    if (frame != null) {
                        ch.write(frame, ch.voidPromise());
                    }
                    continue;
                }
                if (buffer == null) {
                    buffer = ch.alloc().ioBuffer(WRITE_CHUNK);
                }
                if (!writeWhole(buffer, p)) {
                    continue;
                }
                if (buffer.readableBytes() >= WRITE_CHUNK) {
                    ch.write(buffer, ch.voidPromise());
                    buffer = null;
                }
            }
            if (buffer != null) {
                ch.write(buffer, ch.voidPromise());
                buffer = null;
            }
        } finally {
            if (buffer != null) {
                buffer.release();
            }
            queuedBytes.addAndGet(-taken);
            ch.flush();
        }
    }

    /**
     * A large body's frame: an array goes behind its header as it is (the transport copies it
     * once, into the socket's buffers), anything else in a buffer of its size; {@code null} when
     * the body could not be written.
     */
    private ByteBuf large(Channel ch, Pending p) {
        if (p.body instanceof LinkBody.Bytes b) {
            ByteBuf header = ch.alloc().ioBuffer(LinkFrames.HEADER);
            header.writeInt(1 + p.length).writeByte(p.kind);
            return Unpooled.wrappedBuffer(header, Unpooled.wrappedBuffer(b.bytes()));
        }
        ByteBuf frame = ch.alloc().ioBuffer(LinkFrames.HEADER + p.length);
        if (!writeWhole(frame, p)) {
            frame.release();
            return null;
        }
        return frame;
    }

    /**
     * Writes one frame, or nothing when its body fails or writes another length than it announced
     * (a message whose headers changed after it was published): that frame alone is dropped,
     * counted and logged, the ones before and after it go out whole.
     */
    private boolean writeWhole(ByteBuf out, Pending p) {
        int mark = out.writerIndex();
        String problem;
        try {
            LinkFrames.write(out, p.kind, p.body, p.length);
            int written = out.writerIndex() - mark - LinkFrames.HEADER;
            if (written == p.length) {
                return true;
            }
            problem = "it wrote " + written + " bytes where it announced " + p.length;
        } catch (RuntimeException e) {
            problem = e.toString();
        }
        out.writerIndex(mark);
        droppedOne();
        LOG.log(System.Logger.Level.WARNING, "Dropped a message to member {0}: {1}", peer, problem);
        if (p.kind == LinkFrames.RPC) {
            links.lost(peer);
        }
        return false;
    }

    private void connect() {
        if (closed) {
            return;
        }
        InetSocketAddress address = links.addressOf(peer);
        if (address == null) {
            // Not a member any more (it left while this link was being made): nothing will come of it.
            close();
            links.removed(peer, this);
            return;
        }
        String mismatch = links.tlsMismatch(peer);
        if (mismatch != null) {
            // Not tried: the other end would refuse it, and neither side's log would say as clearly why.
            retryLater(mismatch);
            return;
        }
        failure = null;
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(PeerLinks.IO.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (links.mutualTls() != null) {
                            ch.pipeline().addLast(links.mutualTls().connecting().newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new IdleStateHandler(LinkFrames.SILENCE_SECONDS, 0, 0),
                                new LinkFrames.Decoder(PeerLinks.HANDSHAKE_FRAME), new Handshake());
                    }
                });
        InetSocketAddress local = links.sourceAddress();
        ChannelFuture attempt = local == null ? bootstrap.connect(address) : bootstrap.connect(address, local);
        connecting = attempt.channel();
        attempt.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                if (connecting == f.channel()) {
                    connecting = null;
                }
                retryLater("could not connect to " + address + ": " + f.cause().getMessage());
            } else {
                f.channel().closeFuture().addListener(c -> {
                    if (ready == f.channel()) {
                        broken(f.channel());
                    } else {
                        // Later on the loop: TLS closes a connection before its handler hears why the
                        // handshake failed, and the link says why when it goes down.
                        loop.execute(() -> broken(f.channel()));
                    }
                });
            }
        });
    }

    /** A connection closed, on the loop: opened again unless the link is closed. */
    private void broken(Channel ch) {
        if (ready == ch) {
            ready = null;
            retryLater("its connection closed");
        } else if (connecting == ch) {
            connecting = null;
            retryLater(failure != null ? failure : "its connection closed before the handshake completed");
        }
    }

    private void retryLater(String why) {
        if (closed) {
            return;
        }
        if (!down) {
            synchronized (this) {
                down = true;
                // The calls between the two members end now (they fail on this side, and the
                // member's side ends them as its end of the connection closes): calls waiting here
                // must not run there later, after their callers were told they failed. Pub/sub
                // messages wait.
                dropWaitingCalls();
            }
            LOG.log(System.Logger.Level.WARNING, "The link to member {0} is down, trying again: {1}", peer, why);
            links.lost(peer);
        }
        loop.schedule(this::connect, pauseMillis, TimeUnit.MILLISECONDS);
        pauseMillis = Math.min(LONGEST_PAUSE_MILLIS, pauseMillis * 2);
    }

    /** Takes the RPC frames out of the queue; on the loop. */
    private void dropWaitingCalls() {
        long bytes = 0;
        for (java.util.Iterator<Pending> it = queue.iterator(); it.hasNext();) {
            Pending p = it.next();
            if (p.kind == LinkFrames.RPC) {
                it.remove();
                bytes += LinkFrames.HEADER + p.length;
            }
        }
        queuedBytes.addAndGet(-bytes);
    }

    /** Closes the link for good; what waits is dropped. */
    void close() {
        closed = true;
        loop.execute(() -> {
            if (connecting != null) {
                connecting.close();
                connecting = null;
            }
            if (ready != null) {
                ready.close();
                ready = null;
            }
            queue.clear();
            queuedBytes.set(0);
        });
    }

    /** The connecting side of the handshake, then out of the way. */
    private final class Handshake extends ChannelInboundHandlerAdapter {
        private byte[] serverNonce;
        private final byte[] clientNonce = LinkHandshake.nonce();
        private ScheduledFuture<?> deadline;
        private ScheduledFuture<?> pings;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            deadline = ctx.executor().schedule(() -> {
                if (ready != ctx.channel()) {
                    LOG.log(System.Logger.Level.WARNING, "Closed the link to member {0}: no handshake within {1} s",
                            peer, InboundLink.HANDSHAKE_SECONDS);
                    ctx.close();
                }
            }, InboundLink.HANDSHAKE_SECONDS, TimeUnit.SECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (pings != null) {
                pings.cancel(false);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess() && connecting == ctx.channel()) {
                // Told before the connection closes, which is when the link says why it is down.
                failure = LinkTlsFailure.describe(tls.cause());
            }
            if (evt instanceof IdleStateEvent && ready == ctx.channel()) {
                LOG.log(System.Logger.Level.WARNING, "Closed the link to member {0}: no answer to its pings in {1} s", peer,
                        LinkFrames.SILENCE_SECONDS);
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        /** Tells the member this link is alive, and gets a PONG back that tells this side the same. */
        private void ping(ChannelHandlerContext ctx) {
            ByteBuf ping = ctx.alloc().buffer(LinkFrames.HEADER);
            LinkFrames.write(ping, LinkFrames.PING, new byte[0]);
            ctx.writeAndFlush(ping, ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            LinkFrames.Frame frame = (LinkFrames.Frame) msg;
            try {
                if (serverNonce == null && frame.kind() == LinkFrames.CHALLENGE) {
                    serverNonce = LinkHandshake.readChallenge(frame.body());
                    ByteBuf out = ctx.alloc().buffer();
                    LinkFrames.write(out, LinkFrames.HELLO, links.handshake().hello(serverNonce, clientNonce, links.selfId()));
                    ctx.writeAndFlush(out);
                } else if (serverNonce != null && frame.kind() == LinkFrames.WELCOME && ready != ctx.channel()) {
                    links.handshake().checkWelcome(serverNonce, clientNonce, peer, frame.body());
                    if (closed || connecting != ctx.channel()) {
                        ctx.close();
                        return;
                    }
                    deadline.cancel(false);
                    connecting = null;
                    ready = ctx.channel();
                    pings = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), LinkFrames.PING_SECONDS,
                            LinkFrames.PING_SECONDS, TimeUnit.SECONDS);
                    pauseMillis = FIRST_PAUSE_MILLIS;
                    if (down) {
                        down = false;
                        LOG.log(System.Logger.Level.INFO, "The link to member {0} is up again", peer);
                    }
                    drain();
                } else if (frame.kind() == LinkFrames.PONG && ready == ctx.channel()) {
                    // alive: the idle handler saw it come
                } else {
                    throw new IllegalArgumentException("it sent frame kind " + frame.kind() + " out of turn");
                }
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "Closed the link to member {0}: {1}", peer, e.getMessage());
                ctx.close();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && ready == ctx.channel()) {
                drain();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "The link to member {0} failed: {1}", peer, cause.toString());
            if (connecting == ctx.channel() && failure == null) {
                failure = LinkTlsFailure.describe(cause);
            }
            ctx.close();
        }
    }
}
