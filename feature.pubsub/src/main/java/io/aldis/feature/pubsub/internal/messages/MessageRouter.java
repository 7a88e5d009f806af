package io.aldis.feature.pubsub.internal.messages;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Message;
import io.aldis.feature.pubsub.api.MessageContext;
import io.aldis.feature.pubsub.api.MessageException;
import io.aldis.feature.pubsub.api.MessageHandler;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.pubsub.internal.events.SysEvents;
import io.aldis.feature.pubsub.internal.routing.Permissions;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.feature.pubsub.internal.stats.PubSubView.TypeView;
import io.aldis.feature.pubsub.internal.util.Json;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.node.Session;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Routes typed MESSAGE frames to the {@link MessageHandler} services registered right now, by
 * type: the highest {@code service.ranking} wins a type, then the oldest service. Replies go
 * back as MESSAGE with the REPLY flag and the request's correlation id. Only types the sender may
 * {@code send} in the {@link Authorizer#MESSAGES} domain reach a handler; others are answered with
 * FORBIDDEN.
 */
public final class MessageRouter {
    private record Registration(MessageHandler handler, List<String> types, int ranking, long serviceId) {
    }

    private static final System.Logger LOG = System.getLogger("io.aldis.pubsub");

    private final Counters counters;
    private final Permissions permissions;
    private final Supplier<PubSubSettings> settings;
    private final SysEvents events;
    private final ScheduledExecutorService scheduler;
    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private volatile Map<String, Registration> byType = Map.of();
    private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /**
     * @param scheduler where the timeouts of replies run
     */
    public MessageRouter(Counters counters, Permissions permissions, Supplier<PubSubSettings> settings,
            SysEvents events, ScheduledExecutorService scheduler) {
        this.counters = counters;
        this.permissions = permissions;
        this.settings = settings;
        this.events = events;
        this.scheduler = scheduler;
    }

    /** Adds a handler with its service properties ({@value MessageHandler#TYPE}, service.ranking, service.id). */
    public void add(MessageHandler handler, Map<String, ?> properties) {
        List<String> types = types(properties.get(MessageHandler.TYPE));
        if (types.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Message handler " + handler.getClass().getName()
                    + " has no " + MessageHandler.TYPE + " property; it serves nothing");
            return;
        }
        Object ranking = properties.get("service.ranking");
        Object id = properties.get("service.id");
        registrations.add(new Registration(handler, types, ranking instanceof Number n ? n.intValue() : 0,
                id instanceof Number n ? n.longValue() : Long.MAX_VALUE));
        rebuild();
    }

    public void remove(MessageHandler handler) {
        if (registrations.removeIf(r -> r.handler == handler)) {
            rebuild();
        }
    }

    /** The types served right now. */
    public Set<String> types() {
        return byType.keySet();
    }

    /** Every type served, with its handler, for listings. */
    public List<TypeView> typeViews() {
        Map<String, Registration> table = byType;
        List<TypeView> out = new ArrayList<>();
        for (Map.Entry<String, Registration> e : table.entrySet()) {
            int contenders = 0;
            for (Registration r : registrations) {
                if (r.types.contains(e.getKey())) {
                    contenders++;
                }
            }
            out.add(new TypeView(e.getKey(), e.getValue().handler.getClass().getName(), e.getValue().ranking, contenders));
        }
        out.sort(Comparator.comparing(TypeView::type));
        return out;
    }

    private synchronized void rebuild() {
        List<Registration> ordered = new ArrayList<>(registrations);
        ordered.sort(Comparator.comparingInt(Registration::ranking).reversed().thenComparingLong(Registration::serviceId));
        Map<String, Registration> table = new HashMap<>();
        for (Registration r : ordered) {
            for (String type : r.types) {
                table.putIfAbsent(type, r);
            }
        }
        Map<String, Registration> old = byType;
        byType = Map.copyOf(table);
        for (Map.Entry<String, Registration> e : table.entrySet()) {
            Registration before = old.get(e.getKey());
            if (before == null || before.handler != e.getValue().handler) {
                events.publish("handler.added", handlerEvent(e.getKey(), e.getValue()));
            }
        }
        for (Map.Entry<String, Registration> e : old.entrySet()) {
            if (!table.containsKey(e.getKey())) {
                events.publish("handler.removed", handlerEvent(e.getKey(), e.getValue()));
            }
        }
    }

    private static Map<String, Object> handlerEvent(String type, Registration r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("messageType", type);
        m.put("handler", r.handler.getClass().getName());
        m.put("ranking", r.ranking);
        return m;
    }

    /** Hands a MESSAGE to the handler of its type and sends back the reply or the error. */
    public void onMessage(Session session, Message m) {
        long correlation = m.correlationId();
        if (m.reply()) {
            session.sendError(correlation, ErrorCode.UNEXPECTED_FRAME, "the node sent no message that this reply could answer");
            return;
        }
        counters.messages.increment();
        // Judged before the handler is looked up, so that a user who may not send a type learns
        // nothing about whether it is served (FORBIDDEN either way, never NO_HANDLER).
        AuthenticatedUser user = session.user();
        if (user == null || !permissions.authorizer().permits(user, Authorizer.MESSAGES, m.messageType(), "send")) {
            counters.forbidden.increment();
            fail(session, correlation, m.messageType(), ErrorCode.FORBIDDEN,
                    "user '" + (user == null ? "" : user.name()) + "' may not send messages of type '"
                            + m.messageType() + "'");
            return;
        }
        Registration r = byType.get(m.messageType());
        if (r == null) {
            counters.noHandler.increment();
            fail(session, correlation, m.messageType(), ErrorCode.NO_HANDLER,
                    "no handler for message type '" + m.messageType() + "'");
            return;
        }
        PubSubSettings settings = this.settings.get();
        AtomicInteger pending = inFlight.computeIfAbsent(session.id(), k -> new AtomicInteger());
        if (pending.incrementAndGet() > settings.maxInFlightMessages()) {
            pending.decrementAndGet();
            fail(session, correlation, m.messageType(), ErrorCode.BUSY,
                    "more than " + settings.maxInFlightMessages() + " messages of this session wait for replies");
            return;
        }
        MessageContext context = new MessageContext(m.messageType(), correlation, session.id(), user.name(),
                user.roles());
        CompletionStage<byte[]> stage;
        try {
            stage = r.handler.handle(context, m.payload());
        } catch (Exception e) {
            stage = CompletableFuture.failedFuture(e);
        }
        if (stage == null) {
            stage = CompletableFuture.completedFuture(null);
        }
        AtomicBoolean answered = new AtomicBoolean();
        ScheduledFuture<?> timeout = null;
        if (!(stage instanceof CompletableFuture<byte[]> cf && cf.isDone())) {
            timeout = scheduler.schedule(() -> {
                if (answered.compareAndSet(false, true)) {
                    pending.decrementAndGet();
                    fail(session, correlation, m.messageType(), ErrorCode.REQUEST_TIMEOUT,
                            "the handler of '" + m.messageType() + "' did not answer within "
                                    + settings.messageTimeoutMillis() + " ms");
                }
            }, settings.messageTimeoutMillis(), TimeUnit.MILLISECONDS);
        }
        ScheduledFuture<?> timer = timeout;
        stage.whenComplete((reply, error) -> {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            pending.decrementAndGet();
            if (error != null) {
                Throwable cause = unwrap(error);
                if (cause instanceof MessageException me) {
                    fail(session, correlation, m.messageType(), me.code(), me.getMessage());
                } else {
                    // The cause stays in the node's log: its text is the handler's (or a library's), not the protocol's.
                    LOG.log(System.Logger.Level.WARNING,
                            "Handler of message type " + m.messageType() + " failed", cause);
                    fail(session, correlation, m.messageType(), ErrorCode.SERVICE_ERROR,
                            "the handler of '" + m.messageType() + "' failed");
                }
            } else if (correlation != 0) {
                counters.messageReplies.increment();
                session.send(new Message(true, correlation, m.messageType(), reply == null ? new byte[0] : reply));
            }
        });
    }

    private void fail(Session session, long correlation, String type, ErrorCode code, String message) {
        counters.messageErrors.increment();
        session.send(new ErrorFrame(correlation, code.code(), message, Json.string(Map.of("messageType", type))));
        events.error(session, code, message);
    }

    /** Forgets the session's count of messages waiting for replies. */
    public void sessionClosed(Session session) {
        inFlight.remove(session.id());
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static List<String> types(Object property) {
        List<String> out = new ArrayList<>();
        if (property instanceof String s) {
            out.add(s);
        } else if (property instanceof String[] a) {
            out.addAll(List.of(a));
        } else if (property instanceof Collection<?> c) {
            for (Object o : c) {
                out.add(String.valueOf(o));
            }
        }
        out.removeIf(String::isBlank);
        return out;
    }
}
