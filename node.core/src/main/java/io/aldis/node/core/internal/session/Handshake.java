package io.aldis.node.core.internal.session;

import io.aldis.node.core.internal.AuthThrottle;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.node.core.internal.ResumeTokens;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.aldis.protocol.api.spi.auth.AuthStep;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.AuthenticationExchange;
import io.aldis.protocol.api.spi.auth.AuthenticationMechanism;
import io.aldis.protocol.api.spi.node.SessionLimits;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The handshake and authentication state machine of one session (docs/protocol.md sections 4.1
 * and 4.4): CONNECT and version negotiation, resumption with a token, the mechanism's exchange,
 * the throttle's turn for each verdict, and the auth timeout. It takes the session from
 * CONNECTING through AUTHENTICATING to OPEN, or ends the connection with the error the protocol
 * names. Used on the event loop only.
 */
final class Handshake {
    private static final System.Logger LOG = NodeSession.LOG;

    private final NodeSession session;
    private final SessionHost host;
    private final NodeSettings settings;
    private final TransportConnection connection;
    private final EventLoop loop;
    private AuthenticationExchange exchange;
    /** The client sent an auth message that has not been answered yet. */
    private boolean stepPending;
    private ScheduledFuture<?> timeout;
    /** CONNECT came; the session stays CONNECTING until its resume token, if any, was looked up. */
    private boolean connectReceived;

    Handshake(NodeSession session, NodeSettings settings) {
        this.session = session;
        this.host = session.host();
        this.settings = settings;
        this.connection = session.connection();
        this.loop = session.channel().eventLoop();
    }

    /** Starts the auth timeout, counted from the transport's accept (a WebSocket's HTTP upgrade is part of it). */
    void start() {
        long sinceAccept = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connection.acceptedAtNanos());
        timeout = loop.schedule(this::timedOut, Math.max(0, settings.authTimeoutMillis() - sinceAccept),
                TimeUnit.MILLISECONDS);
    }

    /** The connection is gone or closing: the auth timeout no longer applies. */
    void stop() {
        if (timeout != null) {
            timeout.cancel(false);
            // not kept: the handshake lives as long as the session
            timeout = null;
        }
    }

    /** The first frame of the connection, which must be CONNECT. */
    void onFirstFrame(Frame frame) {
        if (!(frame instanceof Connect connect)) {
            session.fail(0, ErrorCode.UNEXPECTED_FRAME, "the first frame must be CONNECT, got " + frame.type());
            return;
        }
        connectReceived = true;
        if (!ProtocolVersion.SUPPORTED.contains(connect.version())) {
            refuseVersion(connect.version());
            return;
        }
        session.connected(connect.clientId(), connect.clientName(), connect.capabilities());
        String token = connect.resumeToken();
        // A shared token store answers on a worker thread: the handshake goes on on the loop.
        whenStoreAnswers(host.tokens().validateShared(token), () -> host.tokens().validate(token), found -> {
            if (session.lifecycle() == SessionState.CONNECTING) {
                checked(found);
            }
        });
    }

    /**
     * Goes on with the shared token store's answer, or with this node's own one ({@code ownAnswer},
     * asked on the loop) if the store failed or did not answer within {@link #storeWaitMillis()}:
     * a cluster that hangs must not hold a handshake beyond its auth timeout, nor unbounded once
     * that timeout was stopped for a verdict.
     */
    private <T> void whenStoreAnswers(CompletableFuture<T> answer, Supplier<T> ownAnswer, Consumer<T> next) {
        if (answer.isDone() && !answer.isCompletedExceptionally() && answer.join() != null) {
            next.accept(answer.join());
            return;
        }
        boolean[] settled = {false}; // read and written on the loop only
        ScheduledFuture<?> deadline = loop.schedule(() -> {
            if (!settled[0]) {
                settled[0] = true;
                LOG.log(System.Logger.Level.WARNING, "The shared resume token store did not answer within "
                        + storeWaitMillis() + " ms; session " + session.id() + " goes on with this node's tokens");
                next.accept(ownAnswer.get());
            }
        }, storeWaitMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((value, failed) -> loop.execute(() -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            deadline.cancel(false);
            next.accept(failed != null || value == null ? ownAnswer.get() : value);
        }));
    }

    /** How long a handshake waits for the shared token store: a quarter of the auth timeout. */
    private long storeWaitMillis() {
        return Math.max(1, settings.authTimeoutMillis() / 4);
    }

    /** Whether CONNECT came, answered or not yet. */
    boolean connectReceived() {
        return connectReceived;
    }

    /** Goes on with CONNECT once its token, if any, was checked. */
    private void checked(Optional<ResumeTokens.Grant> grant) {
        if (grant.isEmpty()) {
            session.lifecycle(SessionState.AUTHENTICATING);
            acknowledge(Optional.empty());
            return;
        }
        // What the features kept of an earlier session with this token must be ready for this
        // one before it opens; a session still open with it is most likely a dead connection.
        CompletableFuture<Void> predecessorsEnded = host.supersede(session, grant.get().token());
        // Other nodes end theirs too, unwaited for: what they kept of it stays with them.
        host.tokens().resumedHere(grant.get().token());
        if (predecessorsEnded.isDone()) {
            resumed(grant.get());
            return;
        }
        predecessorsEnded.orTimeout(settings.closeTimeoutMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((done, slow) -> loop.execute(() -> resumed(grant.get())));
    }

    private void resumed(ResumeTokens.Grant grant) {
        if (session.lifecycle() != SessionState.CONNECTING) {
            return; // the connection went, or the auth timeout ended it, while the old session ended
        }
        AuthenticatedUser user = grant.user();
        opened(new AuthenticatedUser(user.name(), user.roles(), "RESUME"), grant.token());
        acknowledge(Optional.of(grant));
        tellAddresses();
    }

    private void acknowledge(Optional<ResumeTokens.Grant> grant) {
        List<String> offered = offeredMechanisms();
        long capabilities = host.capabilities();
        session.announced(capabilities);
        SessionLimits limits = session.limits();
        session.send(new ConnectAck(grant.isPresent() ? ConnectAck.FLAG_AUTHENTICATED : 0, ProtocolVersion.V1,
                capabilities, session.id(), limits.maxFrameSize(), limits.heartbeatMillis(), limits.maxFileSize(),
                limits.maxChunkSize(), offered, settings.name()));
    }

    private void refuseVersion(int version) {
        String supported = ProtocolVersion.SUPPORTED.stream().map(v -> "\"" + ProtocolVersion.format(v) + "\"")
                .collect(Collectors.joining(","));
        String names = ProtocolVersion.SUPPORTED.stream().map(ProtocolVersion::format)
                .collect(Collectors.joining(", "));
        session.fail(new ErrorFrame(0, ErrorCode.UNSUPPORTED_VERSION.code(),
                "protocol version " + ProtocolVersion.format(version) + " is not supported; supported: " + names,
                "{\"supported\":[" + supported + "]}"));
    }

    private List<String> offeredMechanisms() {
        List<String> names = new ArrayList<>();
        for (AuthenticationMechanism m : host.mechanisms()) {
            if (m.allowedOn(connection)) {
                names.add(m.name());
            }
        }
        return names;
    }

    /** A frame while the session authenticates (liveness and close frames are handled before). */
    void onAuthFrame(Frame frame) {
        if (stepPending) {
            session.fail(0, ErrorCode.UNEXPECTED_FRAME,
                    "a " + frame.type() + " arrived before the last one was answered");
            return;
        }
        if (frame instanceof AuthStart start && exchange == null) {
            begin(start);
        } else if (frame instanceof AuthResponse response && exchange != null) {
            stepPending = true;
            step(response.data());
        } else {
            session.fail(0, ErrorCode.AUTH_REQUIRED, frame.type() + " is not allowed before authentication");
        }
    }

    private void begin(AuthStart start) {
        AuthenticationMechanism mechanism = null;
        for (AuthenticationMechanism m : host.mechanisms()) {
            if (m.name().equals(start.mechanism()) && m.allowedOn(connection)) {
                mechanism = m;
            }
        }
        if (mechanism == null && offeredMechanisms().isEmpty()) {
            // The authentication feature is being installed or updated: worth trying again soon.
            session.fail(0, ErrorCode.CAPABILITY_UNAVAILABLE, "authentication is unavailable on this node right "
                    + "now (no authentication feature is running); only a resume token gets in");
            return;
        }
        if (mechanism == null) {
            session.fail(0, ErrorCode.AUTH_MECHANISM_UNSUPPORTED, "mechanism " + start.mechanism()
                    + " is not offered on this connection; offered: " + offeredMechanisms());
            return;
        }
        exchange = mechanism.start(connection);
        stepPending = true;
        step(start.data());
    }

    private void step(byte[] data) {
        if (session.lifecycle() != SessionState.AUTHENTICATING) {
            return;
        }
        try {
            exchange.step(data).whenComplete((step, error) -> loop.execute(() -> judged(step, error)));
        } catch (RuntimeException e) {
            judged(null, e);
        }
    }

    private void judged(AuthStep step, Throwable error) {
        if (error != null || step == null) {
            LOG.log(System.Logger.Level.WARNING, "Authentication mechanism failed on session " + session.id(), error);
            step = new AuthStep.Failure(null, "mechanism error: " + error);
        }
        if (step instanceof AuthStep.Challenge challenge) {
            if (session.lifecycle() == SessionState.AUTHENTICATING) {
                stepPending = false;
                session.send(new AuthChallenge(challenge.data()));
            }
            return;
        }
        AuthStep verdict = step;
        String tried = verdict instanceof AuthStep.Success success ? success.user().name()
                : ((AuthStep.Failure) verdict).user();
        if (verdict instanceof AuthStep.Failure failure) {
            LOG.log(System.Logger.Level.INFO, () -> "Authentication failed for user '" + failure.user() + "' from "
                    + remoteHost() + ": " + failure.reason());
        }
        // A judged attempt takes its turn even if the client left meanwhile: abandoning an
        // attempt must not make the next one come sooner.
        AuthThrottle.Turn turn = host.throttle().take(tried, remoteHost(), verdict instanceof AuthStep.Failure);
        if (session.lifecycle() != SessionState.AUTHENTICATING) {
            return;
        }
        // The throttle answers within its cap, and a held verdict must not turn into AUTH_TIMEOUT.
        stop();
        if (turn.refused()) {
            LOG.log(System.Logger.Level.INFO, () -> "Authentication of user '" + tried + "' from " + remoteHost()
                    + " refused unjudged: too many attempts are waiting");
            refuse();
            return;
        }
        // Until its turn, a verdict is invisible: the session stays AUTHENTICATING with a step
        // pending either way, so nothing the client sends meanwhile is treated differently.
        long delay = turn.releaseAt() - host.clock().millis();
        if (delay <= 0) {
            release(verdict);
        } else {
            loop.schedule(() -> release(verdict), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void release(AuthStep verdict) {
        if (session.lifecycle() != SessionState.AUTHENTICATING) {
            return; // abandoned while waiting: its turn is used up all the same
        }
        stepPending = false;
        if (verdict instanceof AuthStep.Success success) {
            long issuedAt = host.clock().millis();
            ResumeTokens.Grant local = host.tokens().issue(success.user());
            // Until the shared store has the token, the session stays AUTHENTICATING with a step
            // pending, so nothing the client sends meanwhile is taken for a request. If the store
            // fails or is late, the token is good on this node only.
            stepPending = true;
            whenStoreAnswers(host.tokens().shareIssued(local, issuedAt), () -> local, grant -> {
                if (session.lifecycle() == SessionState.AUTHENTICATING) {
                    stepPending = false;
                    succeeded(success, grant);
                }
            });
        } else {
            refuse();
        }
    }

    private void succeeded(AuthStep.Success success, ResumeTokens.Grant grant) {
        opened(success.user(), grant.token());
        session.send(new AuthOk(success.user().name(), grant.token(), grant.expiresAt(), success.data()));
        tellAddresses();
    }

    /**
     * Right behind AUTH_OK (or the CONNECT_ACK of a resumed session), on the event loop, so that
     * they are the first frames after them: a CAPABILITY_CHANGE if the capabilities changed while
     * the client authenticated, then the cluster's client addresses, when the client asked.
     */
    private void tellAddresses() {
        session.tellAddresses();
    }

    /** The uniform failure: the same error whatever went wrong, then close. */
    private void refuse() {
        session.lifecycle(SessionState.CLOSING);
        session.sendAndClose(ErrorFrame.of(0, ErrorCode.AUTH_FAILED, "authentication failed"));
    }

    private void opened(AuthenticatedUser user, String token) {
        session.authenticated(user, token);
        exchange = null;
        session.lifecycle(SessionState.OPEN);
        stop();
        // Only now may the peer send frames above the handshake limit (section 2.3).
        session.channel().pipeline().fireUserEventTriggered(new FrameSizeLimit(session.limits().maxFrameSize()));
        host.opened(session);
    }

    private void timedOut() {
        SessionState now = session.lifecycle();
        if (now == SessionState.CONNECTING || now == SessionState.AUTHENTICATING) {
            session.fail(0, ErrorCode.AUTH_TIMEOUT, "not authenticated within " + settings.authTimeoutMillis() + " ms");
        }
    }

    private String remoteHost() {
        InetSocketAddress remote = connection.remoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }
}
