package io.aldis.feature.pubsub.internal;

import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.internal.events.SessionEvents;
import io.aldis.feature.pubsub.internal.events.SysEvents;
import io.aldis.feature.pubsub.internal.frames.MessageFrames;
import io.aldis.feature.pubsub.internal.frames.PubSubFrames;
import io.aldis.feature.pubsub.internal.frames.PubSubRequests;
import io.aldis.feature.pubsub.internal.limits.RateLimits;
import io.aldis.feature.pubsub.internal.messages.MessageRouter;
import io.aldis.feature.pubsub.internal.routing.Delivery;
import io.aldis.feature.pubsub.internal.routing.ErrorReplies;
import io.aldis.feature.pubsub.internal.routing.LocalRoutes;
import io.aldis.feature.pubsub.internal.routing.Permissions;
import io.aldis.feature.pubsub.internal.routing.PublishChecks;
import io.aldis.feature.pubsub.internal.routing.Router;
import io.aldis.feature.pubsub.internal.routing.Subjects;
import io.aldis.feature.pubsub.internal.routing.Subscriber;
import io.aldis.feature.pubsub.internal.routing.SubscriptionRequests;
import io.aldis.feature.pubsub.internal.routing.Subscriptions;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.feature.pubsub.internal.stats.PubSubView;
import io.aldis.feature.pubsub.internal.stats.Topics;
import io.aldis.feature.pubsub.internal.util.Json;
import io.aldis.feature.pubsub.spi.LocalRouting;
import io.aldis.feature.pubsub.spi.RemoteRoutes;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.node.Session;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pub/sub feature without OSGi: it builds the parts (subscriptions and routing, limits,
 * {@code $sys} events, statistics, typed messages) and takes each client request through them.
 * {@link PubSubComponent} registers its two frame handlers with the node; tests and benchmarks
 * register them by hand.
 */
public final class PubSubEngine implements PubSub, PubSubRequests, AutoCloseable {
    /** How a subscription inside the node made through the {@link PubSub} service is listed. */
    private static final String NODE_LABEL = "node";

    private volatile PubSubSettings settings;
    private final ScheduledExecutorService scheduler;
    private final Counters counters = new Counters();
    private final Topics topics = new Topics();
    private final Permissions permissions = new Permissions();
    private final RateLimits limits;
    private final SysEvents events;
    private final SessionEvents sessionEvents;
    private final Subscriptions subscriptions;
    private final Router router;
    private final PublishChecks publishChecks;
    private final SubscriptionRequests subscriptionRequests;
    private final ErrorReplies errors;
    private final MessageRouter messages;
    private final PubSubFrames pubSubFrames;
    private final MessageFrames messageFrames;
    private final PubSubView view;
    private final LocalRouting localRouting;
    private final PubSubAdmin admin = new ShellAccess(this);

    public PubSubEngine(PubSubSettings settings) {
        Instant startedAt = Instant.now();
        this.settings = settings;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aldis-pubsub");
            t.setDaemon(true);
            return t;
        });
        limits = new RateLimits(settings, System.nanoTime());
        events = new SysEvents(() -> this.settings.sysEvents(), counters, new SysEvents.Sink() {
            @Override
            public boolean hasSubscribers(String subject) {
                return router.hasSubscribers(subject);
            }

            @Override
            public void publish(String subject, byte[] body) {
                router.routeEvent(new Delivery(subject, "", Map.of(), body));
            }
        });
        sessionEvents = new SessionEvents(events, scheduler, startedAt);
        subscriptions = new Subscriptions(permissions, events, bucket -> limits.connectionBucket(bucket, System.nanoTime()));
        router = new Router(subscriptions, topics, counters);
        publishChecks = new PublishChecks(permissions, counters);
        subscriptionRequests = new SubscriptionRequests(subscriptions, permissions, counters, events, this::settings);
        errors = new ErrorReplies(subscriptions, events);
        messages = new MessageRouter(counters, permissions, this::settings, events, scheduler);
        pubSubFrames = new PubSubFrames(this);
        messageFrames = new MessageFrames(messages, sessionEvents);
        localRouting = new LocalRoutes(subscriptions, router);
        view = new LiveView(subscriptions, topics, counters, messages, startedAt);
        scheduler.scheduleAtFixedRate(topics::tick, 1, 1, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- wiring

    /** The non-blocking handler of SUBSCRIBE, UNSUBSCRIBE and PUBLISH (capability {@code pubsub}). */
    public PubSubFrames pubSubFrames() {
        return pubSubFrames;
    }

    /** The handler of typed MESSAGE frames (capability {@code messages}). */
    public MessageFrames messageFrames() {
        return messageFrames;
    }

    /** The registry of typed-message handlers. */
    public MessageRouter messages() {
        return messages;
    }

    /** Where the node's events go out on {@code $sys}. */
    public SysEvents events() {
        return events;
    }

    /** What operators see of the feature. */
    public PubSubView view() {
        return view;
    }

    /** What the feature's shell commands use: the view, and publishing and tailing as the node. */
    public PubSubAdmin admin() {
        return admin;
    }

    /** This node's subscriptions as a link to other nodes needs them. */
    public LocalRouting localRouting() {
        return localRouting;
    }

    /** Offers what is published here to other nodes through a link, or to none ({@code null}). */
    public void remoteRoutes(RemoteRoutes link) {
        router.remoteRoutes(link);
    }

    /** The link to other nodes in use, or {@code null}. */
    public RemoteRoutes remoteRoutes() {
        return router.remoteRoutes();
    }

    public PubSubSettings settings() {
        return settings;
    }

    /** Applies new settings live: limits and rates at once; existing subscriptions keep their policy and budget. */
    public void update(PubSubSettings newSettings) {
        limits.apply(newSettings, System.nanoTime());
        subscriptions.rebucket();
        settings = newSettings;
    }

    /** Uses another authorizer ({@code null} for {@link Authorizer#DEFAULT}); every subscription is judged again. */
    public void authorizer(Authorizer newAuthorizer) {
        permissions.use(newAuthorizer);
        subscriptions.reauthorize();
    }

    /** The authorizer in force. */
    public Authorizer authorizer() {
        return permissions.authorizer();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        subscriptions.close();
    }

    // ---------------------------------------------------------------- client requests

    @Override
    public void subscribe(Session session, Subscribe frame) {
        subscriptionRequests.subscribe(session, frame);
    }

    @Override
    public void unsubscribe(Session session, Unsubscribe frame) {
        subscriptionRequests.unsubscribe(session, frame);
    }

    /** Checks, takes a token from the rate limits, routes, and tells a requester nobody will answer. */
    @Override
    public void publish(Session session, Publish p) {
        Subscriber from = subscriptions.subscriber(session);
        if (!admitted(from, p) || !withinRates(from, p.subject())) {
            return;
        }
        from.published.increment();
        int receivers = router.route(new Delivery(p.subject(), p.replyTo(), p.headers(), p.payload()), from);
        if (receivers == 0 && !p.replyTo().isEmpty()) {
            noResponders(session, p);
        }
    }

    @Override
    public void sessionOpened(Session session) {
        sessionEvents.opened(session);
        subscriptionRequests.restore(session);
    }

    @Override
    public void sessionClosed(Session session) {
        subscriptions.sessionClosed(session);
        messages.sessionClosed(session);
        sessionEvents.closed(session);
    }

    private boolean admitted(Subscriber from, Publish p) {
        PublishChecks.Refusal refusal = publishChecks.check(from, p, settings);
        if (refusal == null) {
            return true;
        }
        refusePublish(from, p.subject(), refusal.code(), refusal.message(), refusal.details());
        return false;
    }

    private boolean withinRates(Subscriber from, String subject) {
        if (limits.off(from.bucket)) {
            return true;
        }
        RateLimits.Refusal refusal = limits.take(from.bucket, subject, System.nanoTime());
        if (refusal == null) {
            return true;
        }
        counters.rateLimited.increment();
        from.rateLimited.increment();
        refusePublish(from, subject, ErrorCode.RATE_LIMITED,
                "rate limit '" + refusal.limit() + "' reached; retry after " + refusal.retryAfterMillis() + " ms",
                Map.of("retryAfterMillis", refusal.retryAfterMillis(), "limit", refusal.limit()));
        return false;
    }

    /** PUBLISH has no id: its ERROR carries request id 0 and names the subject first. */
    private void refusePublish(Subscriber from, String subject, ErrorCode code, String message, Map<String, ?> extra) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("subject", subject);
        details.putAll(extra);
        errors.send(from.session(), 0, code, message, details);
    }

    private void noResponders(Session session, Publish p) {
        counters.noResponders.increment();
        // In the order docs/protocol.md shows them; Map.of would change it from one JVM to the next.
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("subject", p.subject());
        details.put("replyTo", p.replyTo());
        session.send(new ErrorFrame(0, ErrorCode.NO_RESPONDERS.code(), "no subscriber for '" + p.subject() + "'",
                Json.string(details)));
    }

    // ---------------------------------------------------------------- PubSub service

    @Override
    public int publish(String subject, String replyTo, Map<String, String> headers, byte[] payload) {
        PubSubSettings s = settings;
        String why = Subjects.checkSubject(subject, s.maxSubjectLength(), s.maxSubjectDepth());
        String reply = replyTo == null ? "" : replyTo;
        if (why == null && !reply.isEmpty()) {
            why = Subjects.checkSubject(reply, s.maxSubjectLength(), s.maxSubjectDepth());
        }
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        if (Subjects.isSystem(subject)) {
            throw new IllegalArgumentException("$sys subjects are reserved to the node's events");
        }
        Map<String, String> h = headers == null ? Map.of() : headers;
        Delivery d = new Delivery(subject, reply, new LinkedHashMap<>(h), Objects.requireNonNull(payload, "payload"));
        return router.route(d, null);
    }

    @Override
    public PubSub.Subscription subscribe(String pattern, String queueGroup, MessageListener listener) {
        return subscribeLocal(pattern, queueGroup, listener, NODE_LABEL);
    }

    /** A subscription inside the node, labelled for listings. */
    public PubSub.Subscription subscribeLocal(String pattern, String queueGroup, MessageListener listener, String label) {
        PubSubSettings s = settings;
        String why = Subjects.checkPattern(pattern, s.maxSubjectLength(), s.maxSubjectDepth());
        String q = queueGroup == null ? "" : queueGroup;
        if (why == null && !q.isEmpty()) {
            why = Subjects.checkSubject(q, 128, 1);
        }
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        return subscriptions.addLocal(pattern, q, Objects.requireNonNull(listener, "listener"), label);
    }
}
