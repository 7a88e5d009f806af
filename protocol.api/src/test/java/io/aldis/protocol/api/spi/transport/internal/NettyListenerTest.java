package io.aldis.protocol.api.spi.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared listener base over real sockets, with a transport of the test's own: it echoes bytes
 * once it has a connection, says {@code full} to a connection over the limit, and hands a
 * connection over at once unless told to keep it in a phase of its own.
 */
class NettyListenerTest {
    private static final int SOCKET_TIMEOUT_MILLIS = 10_000;

    record ProbeSettings(ListenerSettings listener) implements TransportSettings {
    }

    static final class ProbeListener extends NettyListener<ProbeSettings, ListenerConnection> {
        final List<ListenerConnection> opened = new CopyOnWriteArrayList<>();
        volatile boolean handOver = true;

        ProbeListener(ProbeSettings settings, long handOverDeadlineMillis) {
            super("probe", "Probe", System.getLogger("io.aldis.test.probe"), settings, () -> handOverDeadlineMillis);
        }

        @Override
        protected ListenerConnection newConnection(Channel channel, ProbeSettings settings, boolean secure) {
            return new ListenerConnection(channel, "probe", settings.name(), secure, settings.maxFrameSize());
        }

        @Override
        protected void addHandlers(ChannelPipeline pipeline, ListenerConnection connection, ProbeSettings settings) {
            pipeline.addLast("echo", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ctx.writeAndFlush(msg);
                }
            });
        }

        @Override
        protected void refuse(ListenerConnection connection, ProbeSettings settings, String reason) {
            connection.channel().writeAndFlush(Unpooled.copiedBuffer(reason + "\n", StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        protected void open(ListenerConnection connection, ProbeSettings settings) {
            if (handOver) {
                connection.markHandedOver();
            }
            opened.add(connection);
        }
    }

    private final List<ProbeListener> listeners = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        listeners.forEach(ProbeListener::stop);
    }

    private ProbeListener start(ListenerSettings settings, long handOverDeadlineMillis) throws Exception {
        ProbeListener listener = new ProbeListener(new ProbeSettings(settings), handOverDeadlineMillis);
        listeners.add(listener);
        listener.start();
        return listener;
    }

    private ProbeListener start(ListenerSettings settings) throws Exception {
        return start(settings, 0);
    }

    private Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
        sockets.add(socket);
        return socket;
    }

    /** Sends a line and returns what comes back: the echo, or -1 first when the listener closed the connection. */
    private static String echo(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        byte[] back = new byte[text.length()];
        InputStream in = socket.getInputStream();
        for (int read = 0; read < back.length; ) {
            int n = in.read(back, read, back.length - read);
            if (n < 0) {
                return "closed";
            }
            read += n;
        }
        return new String(back, StandardCharsets.UTF_8);
    }

    /** Waits until the listener has counted the connections that closed; fails after ten seconds. */
    private static void awaitConnections(ProbeListener listener, int expected) throws InterruptedException {
        for (int i = 0; i < 1000 && listener.connections() != expected; i++) {
            Thread.sleep(10);
        }
        assertThat(listener.connections()).isEqualTo(expected);
    }

    private static String readAll(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void bindsAFreePortWhenAskedForPortZeroAndSaysWhatItRunsWith() throws Exception {
        ProbeListener listener = start(ListenerSettings.plain("edge", 0).withLimits(3, 4096));

        assertThat(listener.port()).isPositive();
        assertThat(listener.name()).isEqualTo("edge");
        assertThat(listener.transport()).isEqualTo("probe");
        assertThat(listener.host()).isEqualTo("127.0.0.1");
        assertThat(listener.secure()).isFalse();
        assertThat(listener.maxConnections()).isEqualTo(3);
        assertThat(listener.settings().maxFrameSize()).isEqualTo(4096);
    }

    @Test
    void countsTheConnectionsItHasAndPutsTheByteCountersFirst() throws Exception {
        ProbeListener listener = start(ListenerSettings.plain("edge", 0));
        Socket socket = connect(listener.port());

        assertThat(echo(socket, "hello")).isEqualTo("hello");

        assertThat(listener.connections()).isEqualTo(1);
        ListenerConnection connection = listener.opened.get(0);
        assertThat(connection.channel().pipeline().first()).isSameAs(connection);
        assertThat(connection.bytesRead()).isEqualTo(5);
        assertThat(connection.listener()).isEqualTo("edge");
    }

    @Test
    void aConnectionOverTheLimitIsRefusedTheTransportsWayAndNotCounted() throws Exception {
        ProbeListener listener = start(ListenerSettings.plain("edge", 0).withLimits(1, 4096));
        Socket first = connect(listener.port());
        assertThat(echo(first, "one")).isEqualTo("one");

        Socket second = connect(listener.port());

        assertThat(readAll(second)).isEqualTo("listener edge is at its limit of 1 connections\n");
        assertThat(listener.opened).hasSize(1);
        assertThat(listener.connections()).isEqualTo(1);
    }

    @Test
    void aClosedConnectionMakesRoomForAnother() throws Exception {
        ProbeListener listener = start(ListenerSettings.plain("edge", 0).withLimits(1, 4096));
        Socket first = connect(listener.port());
        assertThat(echo(first, "one")).isEqualTo("one");
        first.close();
        awaitConnections(listener, 0);

        Socket second = connect(listener.port());

        assertThat(echo(second, "two")).isEqualTo("two");
    }

    @Test
    void rebindingToAnotherPortMovesTheSocketAndKeepsTheConnectionsOpen() throws Exception {
        ProbeListener listener = start(ListenerSettings.plain("edge", 0));
        int oldPort = listener.port();
        Socket early = connect(oldPort);
        assertThat(echo(early, "early")).isEqualTo("early");
        int newPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            newPort = free.getLocalPort();
        }

        listener.rebind(new ProbeSettings(ListenerSettings.plain("edge", newPort)));

        assertThat(listener.port()).isEqualTo(newPort);
        assertThat(echo(connect(newPort), "late")).isEqualTo("late");
        assertThat(echo(early, "still")).isEqualTo("still");
        assertThatThrownBy(() -> connect(oldPort)).isInstanceOf(ConnectException.class);
    }

    @Test
    void rebindingWithOnlyNewLimitsKeepsTheSocketAndAppliesThemToNewConnections() throws Exception {
        ProbeListener listener = start(ListenerSettings.plain("edge", 0).withLimits(5, 4096));
        int port = listener.port();
        assertThat(echo(connect(port), "one")).isEqualTo("one");

        listener.rebind(new ProbeSettings(ListenerSettings.plain("edge", 0).withLimits(1, 2048)));

        assertThat(listener.port()).as("port 0 was not bound again").isEqualTo(port);
        assertThat(listener.maxConnections()).isEqualTo(1);
        assertThat(readAll(connect(port))).isEqualTo("listener edge is at its limit of 1 connections\n");
    }

    @Test
    void aConnectionNotHandedOverWithinTheDeadlineIsClosedAndOneHandedOverStays() throws Exception {
        ProbeListener listener = start(ListenerSettings.plain("edge", 0), 50);
        Socket handedOver = connect(listener.port());
        assertThat(echo(handedOver, "in")).isEqualTo("in");

        listener.handOver = false;
        Socket stuck = connect(listener.port());

        assertThat(readAll(stuck)).as("closed without a word").isEmpty();
        // Accepted earlier, so its deadline would have passed by now as well.
        assertThat(echo(handedOver, "still in")).isEqualTo("still in");
    }

    @Test
    void withoutADeadlineAConnectionMayStayInItsOwnPhase() throws Exception {
        ProbeListener listener = start(ListenerSettings.plain("edge", 0), 0);
        listener.handOver = false;
        Socket waiting = connect(listener.port());

        assertThat(echo(waiting, "waiting")).isEqualTo("waiting");
        assertThat(listener.opened.get(0).handedOver()).isFalse();
    }

    @Test
    void stoppingClosesEveryConnectionAndFreesThePort() throws Exception {
        ProbeListener listener = start(ListenerSettings.plain("edge", 0));
        int port = listener.port();
        Socket socket = connect(port);
        assertThat(echo(socket, "one")).isEqualTo("one");

        listener.stop();

        assertThat(readAll(socket)).isEmpty();
        assertThat(listener.stopping()).isTrue();
        assertThatThrownBy(() -> connect(port)).isInstanceOf(ConnectException.class);
    }

    @Test
    void aTakenAddressFailsTheStart() throws Exception {
        ProbeListener first = start(ListenerSettings.plain("edge", 0));
        ProbeListener second = new ProbeListener(new ProbeSettings(ListenerSettings.plain("other", first.port())), 0);
        listeners.add(second);

        assertThatThrownBy(second::start).isInstanceOf(Exception.class);
        assertThat(second.connections()).isZero();
    }

    @Test
    void buffersComeFromOutsideThePoolUntilTheSessionIsAuthenticated() throws Exception {
        ProbeListener listener = start(ListenerSettings.plain("edge", 0).withLimits(3, 4096));
        Socket socket = connect(listener.port());
        assertThat(echo(socket, "before\n")).isEqualTo("before\n");
        Channel channel = listener.opened.get(0).channel();
        assertThat(channel.config().getAllocator()).isSameAs(PooledOnceAuthenticated.BEFORE_AUTHENTICATION);
        assertThat(channel.pipeline().get(NettyListener.ALLOCATOR)).isNotNull();

        channel.eventLoop().submit(() -> channel.pipeline().fireUserEventTriggered(new FrameSizeLimit(1 << 20))).get();
        assertThat(echo(socket, "after\n")).isEqualTo("after\n");

        assertThat(channel.config().getAllocator()).isSameAs(ByteBufAllocator.DEFAULT);
        assertThat(channel.pipeline().get(NettyListener.ALLOCATOR)).isNull();
    }
}
