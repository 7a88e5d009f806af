package io.aldis.client.internal;

import io.aldis.client.AldisException;
import io.aldis.client.ClientState;
import io.aldis.client.ConnectionListener;
import io.aldis.client.Delivery;
import io.aldis.client.DisconnectReason;
import io.aldis.client.MessageHandler;
import io.aldis.client.SessionInfo;
import io.aldis.client.SubscribeOptions;
import io.aldis.client.Subscription;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Subscriptions, publishes, request/reply over an inbox subject and typed messages. Subscriptions
 * keep their id for life: after a reconnect each one still active is sent again with the same id
 * (a fresh session holds none, and the node replaces a subscription whose id it already holds),
 * so the node never holds one twice. Frames and connection events arrive on the client's callback
 * thread, one at a time.
 */
final class PubSubSupport {
    private static final System.Logger LOG = System.getLogger(PubSubSupport.class.getName());

    private final DefaultAldisClient client;
    private final Map<Long, Sub> subscriptions = new ConcurrentHashMap<>();
    private final Map<Long, Pending<io.aldis.client.Message>> messages = new ConcurrentHashMap<>();
    private final Map<String, Pending<Delivery>> requests = new ConcurrentHashMap<>();
    private final String inbox;
    private final AtomicLong inboxIds = new AtomicLong();
    private final Object inboxLock = new Object();
    private volatile Sub inboxSubscription;

    PubSubSupport(DefaultAldisClient client) {
        this.client = client;
        UUID random = UUID.randomUUID();
        this.inbox = client.config().inboxPrefix() + "." + Long.toHexString(random.getMostSignificantBits())
                + Long.toHexString(random.getLeastSignificantBits());
        client.addConsumer(this::consume);
        client.addInternalListener(new ConnectionListener() {
            @Override
            public void reconnected(SessionInfo session) {
                for (Sub sub : subscriptions.values()) {
                    if (!session.sessionId().equals(sub.sentOn)) {
                        establish(sub);
                    }
                }
            }

            @Override
            public void disconnected(DisconnectReason reason) {
                AldisException interrupted = new AldisException(ErrorCode.CONNECTION_INTERRUPTED,
                        "the connection broke before the answer arrived: " + reason.message());
                failAll(messages, interrupted);
                failAll(requests, interrupted);
                if (!client.mayConnect()) {
                    endAll(new AldisException(ErrorCode.CONNECTION_LOST, "the client is not connected any more"));
                }
            }

            @Override
            public void reconnectFailed(AldisException cause) {
                endAll(cause);
            }

            @Override
            public void error(ErrorFrame error) {
                if (error.code() == ErrorCode.NO_RESPONDERS.code()) {
                    noResponders(error);
                }
            }
        });
    }

    // ---------------------------------------------------------------- publish

    CompletableFuture<Void> publish(String subject, byte[] payload, String replyTo, Map<String, String> headers) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(payload, "payload");
        AldisException missing = missing(Capability.PUBSUB);
        if (missing != null) {
            return CompletableFuture.failedFuture(missing);
        }
        return client.send(new Publish(subject, replyTo, headers, payload));
    }

    // ---------------------------------------------------------------- subscribe

    Subscription subscribe(String pattern, SubscribeOptions options, MessageHandler handler) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(handler, "handler");
        Sub sub = new Sub(client.nextRequestId(), pattern, options.queueGroup(), optionsJson(options), handler);
        AldisException missing = missing(Capability.PUBSUB);
        if (missing != null) {
            sub.end(missing);
            return sub;
        }
        subscriptions.put(sub.id, sub);
        establish(sub);
        return sub;
    }

    /** The SUBSCRIBE options JSON; empty when everything is left to the node. */
    static String optionsJson(SubscribeOptions options) {
        if (options.policy() == null && options.budgetBytes() == 0) {
            return "";
        }
        StringBuilder b = new StringBuilder("{");
        if (options.policy() != null) {
            b.append('"').append(Subscribe.OPTION_POLICY).append("\":\"").append(options.policy().label()).append('"');
        }
        if (options.budgetBytes() > 0) {
            b.append(options.policy() != null ? "," : "").append('"').append(Subscribe.OPTION_BUDGET_BYTES).append("\":")
                    .append(options.budgetBytes());
        }
        return b.append('}').toString();
    }

    /** Sends SUBSCRIBE for {@code sub} on the current session, if there is one; otherwise a reconnect will. */
    private void establish(Sub sub) {
        if (!sub.active) {
            return;
        }
        SessionInfo session = client.session();
        if (client.state() != ClientState.CONNECTED || session == null) {
            if (!client.mayConnect()) {
                sub.end(new AldisException(ErrorCode.CONNECTION_LOST, "the client is not connected"));
            }
            return;
        }
        sub.sentOn = session.sessionId();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        sub.subscribing = acked;
        client.request(sub.id, new Subscribe(sub.id, sub.pattern, sub.queueGroup, sub.options))
                .whenComplete((ack, error) -> {
                    acked.complete(null);
                    if (error == null) {
                        sub.ready.complete(null);
                        return;
                    }
                    Throwable cause = unwrap(error);
                    if (cause instanceof AldisException a && isConnectionTrouble(a) && client.mayConnect()) {
                        // Sent again with the same id once a session is open again.
                        sub.sentOn = null;
                        if (client.state() == ClientState.CONNECTED) {
                            SessionInfo now = client.session();
                            if (now != null && !now.sessionId().equals(session.sessionId())) {
                                establish(sub);
                            }
                        }
                        return;
                    }
                    subscriptions.remove(sub.id, sub);
                    sub.end(cause);
                });
    }

    private static boolean isConnectionTrouble(AldisException e) {
        ErrorCode code = e.code();
        return code == ErrorCode.CONNECTION_INTERRUPTED || code == ErrorCode.CONNECTION_LOST;
    }

    private CompletableFuture<Void> unsubscribe(Sub sub) {
        if (!sub.active) {
            return sub.unsubscribed;
        }
        sub.active = false;
        subscriptions.remove(sub.id, sub);
        if (!sub.ready.isDone()) {
            sub.ready.completeExceptionally(new AldisException(ErrorCode.CANCELLED, "unsubscribed before the node answered"));
        }
        // One request per id at a time: wait for a SUBSCRIBE still on its way before sending UNSUBSCRIBE.
        CompletableFuture<Void> before = sub.subscribing == null ? CompletableFuture.completedFuture(null) : sub.subscribing;
        before.whenComplete((v, e) -> {
            if (client.state() != ClientState.CONNECTED) {
                sub.unsubscribed.complete(null); // a new session will not have it
                return;
            }
            client.request(sub.id, new Unsubscribe(sub.id)).whenComplete((ack, error) -> {
                if (error == null || unwrap(error) instanceof AldisException a && isConnectionTrouble(a)) {
                    sub.unsubscribed.complete(null);
                } else {
                    sub.unsubscribed.completeExceptionally(unwrap(error));
                }
            });
        });
        return sub.unsubscribed;
    }

    private void endAll(AldisException cause) {
        for (Sub sub : subscriptions.values()) {
            subscriptions.remove(sub.id, sub);
            sub.end(cause);
        }
        synchronized (inboxLock) {
            inboxSubscription = null;
        }
    }

    // ---------------------------------------------------------------- request/reply

    CompletableFuture<Delivery> requestReply(String subject, byte[] payload, Duration timeout) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        AldisException missing = missing(Capability.PUBSUB);
        if (missing != null) {
            return CompletableFuture.failedFuture(missing);
        }
        Sub inboxSub = inbox();
        String replyTo = inbox + "." + inboxIds.incrementAndGet();
        Pending<Delivery> pending = new Pending<>();
        requests.put(replyTo, pending);
        pending.future.whenComplete((v, e) -> {
            requests.remove(replyTo, pending);
            pending.cancelTimer();
        });
        pending.timer = client.schedule(() -> pending.future.completeExceptionally(new AldisException(
                ErrorCode.REQUEST_TIMEOUT, "no answer on '" + subject + "' within " + timeout.toMillis() + " ms")),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        inboxSub.ready.thenCompose(ready -> client.send(new Publish(subject, replyTo, Map.of(), payload)))
                .whenComplete((sent, error) -> {
                    if (error != null) {
                        pending.future.completeExceptionally(unwrap(error));
                    }
                });
        return pending.future;
    }

    /** The wildcard subscription on this client's inbox, made on first use. */
    private Sub inbox() {
        synchronized (inboxLock) {
            Sub sub = inboxSubscription;
            if (sub == null || !sub.active) {
                sub = new Sub(client.nextRequestId(), inbox + ".>", "", "", this::inboxDelivery);
                inboxSubscription = sub;
                subscriptions.put(sub.id, sub);
                establish(sub);
            }
            return sub;
        }
    }

    private void inboxDelivery(Delivery delivery) {
        Pending<Delivery> pending = requests.remove(delivery.subject());
        if (pending != null) {
            pending.future.complete(delivery);
        }
    }

    /** NO_RESPONDERS names the request's reply subject in its details. */
    private void noResponders(ErrorFrame error) {
        for (Map.Entry<String, Pending<Delivery>> e : requests.entrySet()) {
            if (error.details().contains("\"replyTo\":\"" + e.getKey() + "\"")) {
                e.getValue().future.completeExceptionally(AldisException.of(error));
            }
        }
    }

    // ---------------------------------------------------------------- typed messages

    CompletableFuture<io.aldis.client.Message> send(String type, byte[] payload) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        AldisException missing = missing(Capability.MESSAGES);
        if (missing != null) {
            return CompletableFuture.failedFuture(missing);
        }
        long correlationId = client.nextRequestId();
        Pending<io.aldis.client.Message> pending = new Pending<>();
        messages.put(correlationId, pending);
        pending.future.whenComplete((v, e) -> {
            messages.remove(correlationId, pending);
            pending.cancelTimer();
        });
        Duration timeout = client.config().callTimeout();
        pending.timer = client.schedule(() -> pending.future.completeExceptionally(new AldisException(
                ErrorCode.REQUEST_TIMEOUT, "no reply to the '" + type + "' message within " + timeout.toMillis() + " ms")),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        client.send(new Message(false, correlationId, type, payload)).whenComplete((sent, error) -> {
            if (error != null) {
                pending.future.completeExceptionally(unwrap(error));
            }
        });
        return pending.future;
    }

    // ---------------------------------------------------------------- inbound frames

    private boolean consume(Frame frame) {
        if (frame instanceof Deliver d) {
            Sub sub = subscriptions.get(d.subscriptionId());
            if (sub == null) {
                return false;
            }
            if (sub.active) {
                try {
                    sub.handler.onMessage(new Delivery(d.subscriptionId(), d.subject(), d.replyTo(), d.headers(),
                            d.payload()));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "message handler of '" + sub.pattern + "' failed", e);
                }
            }
            return true;
        }
        if (frame instanceof Message m && m.reply()) {
            Pending<io.aldis.client.Message> pending = messages.remove(m.correlationId());
            if (pending == null) {
                return false;
            }
            pending.future.complete(new io.aldis.client.Message(m.messageType(), m.correlationId(), m.payload()));
            return true;
        }
        if (frame instanceof ErrorFrame e) {
            Pending<io.aldis.client.Message> pending = messages.remove(e.requestId());
            if (pending == null) {
                return false;
            }
            pending.future.completeExceptionally(AldisException.of(e));
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- helpers

    /** CAPABILITY_UNAVAILABLE when the open session lacks {@code capability}, else null. */
    private AldisException missing(Capability capability) {
        SessionInfo session = client.session();
        if (session != null && !session.has(capability) && client.state() == ClientState.CONNECTED) {
            return new AldisException(ErrorCode.CAPABILITY_UNAVAILABLE,
                    "the node does not offer " + capability + " on this session now");
        }
        return null;
    }

    private static <T> void failAll(Map<?, Pending<T>> pending, Throwable cause) {
        for (Pending<T> p : pending.values()) {
            p.future.completeExceptionally(cause);
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private final class Pending<T> {
        final CompletableFuture<T> future = client.newFuture();
        volatile io.netty.util.Timeout timer;

        void cancelTimer() {
            io.netty.util.Timeout t = timer;
            if (t != null) {
                t.cancel();
            }
        }
    }

    private final class Sub implements Subscription {
        final long id;
        final String pattern;
        final String queueGroup;
        final String options;
        final MessageHandler handler;
        final CompletableFuture<Void> ready = client.newFuture();
        final CompletableFuture<Void> unsubscribed = client.newFuture();
        volatile boolean active = true;
        /** The session the last SUBSCRIBE went to; null when none is on its way. */
        volatile UUID sentOn;
        volatile CompletableFuture<Void> subscribing;

        Sub(long id, String pattern, String queueGroup, String options, MessageHandler handler) {
            this.id = id;
            this.pattern = pattern;
            this.queueGroup = queueGroup;
            this.options = options;
            this.handler = handler;
        }

        void end(Throwable cause) {
            active = false;
            ready.completeExceptionally(cause);
            unsubscribed.complete(null);
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public String pattern() {
            return pattern;
        }

        @Override
        public String queueGroup() {
            return queueGroup;
        }

        @Override
        public CompletableFuture<Void> ready() {
            return ready;
        }

        @Override
        public boolean active() {
            return active;
        }

        @Override
        public CompletableFuture<Void> unsubscribe() {
            return PubSubSupport.this.unsubscribe(this);
        }

        @Override
        public void close() {
            unsubscribe();
        }

        @Override
        public String toString() {
            return "Subscription[" + id + " " + pattern + (queueGroup.isEmpty() ? "" : " group " + queueGroup) + "]";
        }
    }
}
