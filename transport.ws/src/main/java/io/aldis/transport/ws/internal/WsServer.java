package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.spi.transport.ConnectionAcceptor;
import io.aldis.protocol.api.spi.transport.internal.NettyListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A WebSocket listener: an HTTP server that upgrades GET requests on its path to WebSocket
 * (optionally inside TLS, that is wss) and hands each upgraded connection to its endpoint, which
 * for a node listener means protocol frames in binary messages, one per message or several
 * length-prefixed ones, as the chosen subprotocol says. Binding, rebinding, limits,
 * TLS and closing a connection whose upgrade does not finish within the node's auth timeout are
 * the shared {@link NettyListener}'s.
 *
 * <p>Pipeline of a connection, head first: byte counters, client timeout, TLS, HTTP codec, HTTP
 * aggregator (upgrade requests only, 8 KiB), {@link UpgradeGate} (path, Origin, subprotocol),
 * Netty's WebSocket protocol handler (handshake, control frames, close handshake, UTF-8 checks,
 * frames up to the maximum size), the message aggregator (fragments joined up to the maximum
 * size), {@link WsLifecycle}; then the endpoint's handlers. After the handshake,
 * {@link MessageSizeGuard} sits in front of Netty's frame decoder and refuses a message over the
 * connection's current limit from its frame header (for a node listener: 64 KiB until the
 * session is authenticated).
 */
public final class WsServer extends NettyListener<WsSettings, WsConnection> {
    private static final System.Logger LOG = System.getLogger("io.aldis.transport.ws");
    /** Largest HTTP request (an upgrade request has no body). */
    static final int MAX_HTTP_REQUEST = 8192;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final WsEndpoint endpoint;
    private final PlainHttp plainHttp;
    /** The demo page for the current path, or null when the settings turn it off. */
    private volatile DemoPage demoPage;

    /**
     * A listener that hands every upgraded connection to the node, and answers plain GETs with
     * the demo page when {@link WsSettings#demo()} is on.
     */
    public WsServer(WsSettings settings, ConnectionAcceptor acceptor) {
        this(settings, new NodeEndpoint(acceptor), PlainHttp.NONE, acceptor::authTimeoutMillis);
    }

    WsServer(WsSettings settings, WsEndpoint endpoint, PlainHttp plainHttp) {
        this(settings, endpoint, plainHttp, () -> 0);
    }

    /**
     * @param upgradeDeadlineMillis how long a connection may take to finish its HTTP upgrade
     *                              (the node's auth timeout, which counts from the accept); 0 = no limit
     */
    WsServer(WsSettings settings, WsEndpoint endpoint, PlainHttp plainHttp, LongSupplier upgradeDeadlineMillis) {
        super("ws", "WebSocket", LOG, settings, upgradeDeadlineMillis);
        this.endpoint = endpoint;
        this.plainHttp = plainHttp;
        this.demoPage = demoPage(settings);
    }

    /** Applies new settings as every listener does; the demo page follows the new path or goes away. */
    @Override
    public synchronized void rebind(WsSettings newSettings) throws Exception {
        demoPage = demoPage(newSettings);
        super.rebind(newSettings);
    }

    private static DemoPage demoPage(WsSettings s) {
        if (!s.demo()) {
            return null;
        }
        DemoPage page = new DemoPage(s.path());
        if (!page.available()) {
            LOG.log(System.Logger.Level.WARNING, () -> "Listener '" + s.name() + "': the demo page is on but not packaged");
            return null;
        }
        return page;
    }

    @Override
    protected String describe(WsSettings s, boolean secure) {
        String address = s.host() + ":" + port();
        return (secure ? "wss://" : "ws://") + address + s.path()
                + (demoPage != null ? ", demo page at " + (secure ? "https://" : "http://") + address + "/" : "");
    }

    @Override
    protected WsConnection newConnection(Channel channel, WsSettings settings, boolean secure) {
        return new WsConnection(channel, settings.name(), secure, settings.maxFrameSize());
    }

    @Override
    protected void addHandlers(ChannelPipeline pipeline, WsConnection connection, WsSettings s) {
        if (s.clientTimeoutMillis() > 0) {
            // In front of TLS, so that any bytes at all, even a TLS record with no data yet, count as life.
            pipeline.addAfter(BYTES, "aldis-ws-timeout", new IdleStateHandler(s.clientTimeoutMillis(), 0, 0,
                    TimeUnit.MILLISECONDS));
        }
        pipeline.addLast("aldis-http", new HttpServerCodec());
        pipeline.addLast("aldis-http-aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST));
    }

    @Override
    protected void refuse(WsConnection connection, WsSettings s, String reason) {
        // Over HTTP, since no WebSocket exists yet: the gate answers 503 and closes.
        connection.channel().pipeline().addLast("aldis-ws-gate", new UpgradeGate(s, connection.secure(), http(),
                reason));
    }

    @Override
    protected void open(WsConnection connection, WsSettings s) {
        ChannelPipeline pipeline = connection.channel().pipeline();
        pipeline.addLast("aldis-ws-gate", new UpgradeGate(s, connection.secure(), http(), null));
        pipeline.addLast("aldis-ws", new WebSocketServerProtocolHandler(protocolConfig(s)));
        pipeline.addLast("aldis-ws-aggregator", new WebSocketFrameAggregator(maxMessage(s)));
        // The lifecycle hands the connection over when the upgrade completes.
        pipeline.addLast("aldis-ws-lifecycle", new WsLifecycle(connection, endpoint, s.pingIntervalMillis(),
                s.clientTimeoutMillis(), this::stopping, endpoint.firstMessageLimit(s.maxFrameSize()),
                s.batchSubprotocol()));
    }

    /**
     * The backstop for Netty's decoder and aggregator: the longest message of either subprotocol,
     * a batched one having room for one largest frame and its length prefix. {@link MessageSizeGuard}
     * holds each connection to the exact limit of its subprotocol.
     */
    private static int maxMessage(WsSettings s) {
        return s.subprotocol().isEmpty() ? s.maxFrameSize() : BatchFrameDecoder.messageLimit(s.maxFrameSize());
    }

    private PlainHttp http() {
        DemoPage demo = demoPage;
        return demo != null ? demo : plainHttp;
    }

    /**
     * Netty's WebSocket settings. {@code sendCloseFrame(null)}: Netty's own close-on-close would
     * answer 1000 after its decoder already sent 1002 or 1007 for a protocol violation;
     * {@link WsLifecycle} sends the close frame for every other close instead.
     */
    static WebSocketServerProtocolConfig protocolConfig(WsSettings s) {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(s.path())
                // Netty picks the first of the client's offers that is listed here: the client's preference.
                .subprotocols(s.subprotocol().isEmpty() ? null : s.batchSubprotocol() + "," + s.subprotocol())
                .checkStartsWith(true) // the gate has matched the exact path, query strings allowed
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .handleCloseFrames(true)
                .sendCloseFrame(null)
                .dropPongFrames(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(maxMessage(s))
                        .expectMaskedFrames(true)
                        .allowMaskMismatch(false)
                        .allowExtensions(false)
                        .closeOnProtocolViolation(true)
                        .withUTF8Validator(true)
                        .build())
                .build();
    }
}
