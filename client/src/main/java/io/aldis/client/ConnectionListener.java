package io.aldis.client;

import io.aldis.protocol.api.ErrorFrame;
import java.time.Duration;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the life events of a client's connection. Every method does nothing by default.
 * Callbacks arrive one at a time, in order, where the client runs its callbacks (see
 * {@link AldisClient.Builder#callbackExecutor}): by default on the connection's network thread while
 * they return promptly, else on a pool of the client's; never under a lock of the client. A
 * listener that takes its time holds up the other callbacks, and on the network thread the
 * connection too, until the client moves its callbacks to the pool.
 */
@ConsumerType
public interface ConnectionListener {
    /** The first session opened after {@link AldisClient#connect()}. */
    default void connected(SessionInfo session) {
    }

    /**
     * A connection ended, whether by the node, the network or {@link AldisClient#close()};
     * {@code reason.normal()} tells a normal close from a failure.
     */
    default void disconnected(DisconnectReason reason) {
    }

    /**
     * Reconnect attempt {@code attempt} (from 1) will start after {@code delay}. Called by
     * {@link #reconnecting(int, Duration, DisconnectReason)} unless that is overridden. A client
     * that knows several node addresses may first try the others at once after a loss, without
     * this call; it is told only of the attempts that wait (see {@link AldisClient.Builder#addresses}).
     */
    default void reconnecting(int attempt, Duration delay) {
    }

    /**
     * Reconnect attempt {@code attempt} (from 1) will start after {@code delay}, because of
     * {@code lost}: why the connection was lost, the same for every attempt after one loss (the
     * attempts' own failures do not replace it). When a first {@link AldisClient#connect()} is
     * retried, no connection was lost yet, and {@code lost} is why the previous attempt failed.
     * By default it calls {@link #reconnecting(int, Duration)}, so listeners written before this
     * method existed are told as before.
     *
     * @since 1.3
     */
    default void reconnecting(int attempt, Duration delay, DisconnectReason lost) {
        reconnecting(attempt, delay);
    }

    /** A session opened again after a loss; {@code session.resumed()} says whether the token was accepted. */
    default void reconnected(SessionInfo session) {
    }

    /** The client gave up reconnecting; the code is {@link io.aldis.protocol.api.ErrorCode#RECONNECT_FAILED}. */
    default void reconnectFailed(AldisException cause) {
    }

    /** The node asked the client to stop sending; sends are queued until {@link #resumed()}. */
    default void paused() {
    }

    /** The node accepts work again; queued sends have been written. */
    default void resumed() {
    }

    /**
     * The node's capabilities changed while the session ran: a feature was installed, removed,
     * updated or refreshed. {@code session.capabilities()} is what the node offers now. When a
     * capability comes back, the node has already restored this client's subscriptions and
     * provided services of that family, so nothing needs to be set up again; while it is away,
     * requests of that family fail with {@code CAPABILITY_UNAVAILABLE}.
     */
    default void capabilitiesChanged(SessionInfo session) {
    }

    /** An ERROR about the connection as a whole (request id 0). */
    default void error(ErrorFrame error) {
    }
}
