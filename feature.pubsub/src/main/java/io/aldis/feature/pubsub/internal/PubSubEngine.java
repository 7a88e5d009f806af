package io.aldis.feature.pubsub.internal;

import io.aldis.protocol.api.SlowConsumerPolicy;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.node.SessionState;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pub/sub engine: subscriptions in a {@link SubjectTrie}, publishing with validation,
 * permissions, size and rate limits, delivery under each subscription's slow-consumer policy,
 * {@code $sys} events, and typed messages through {@link MessageRouter}. It has no OSGi
 * dependency; {@link PubSubComponent} wires it into the service registry, and tests wire it to
 * a node by hand with {@link #pubSubFrames()} and {@link #messageFrames()}.
 */
public final class PubSubEngine implements PubSub, AutoCloseable {
    /** Under this capability name sessions keep their SUBSCRIBEs across a swap of this feature. */
    static final String KEPT = "pubsub";
    static final System.Logger LOG = System.getLogger("io.aldis.pubsub");
    private static final int TOPIC_LIMIT = 10_000;
    private static final int IDLE_TOPIC_TICKS = 300;

    private volatile PubSubSettings settings;
    private final SubjectTrie<BaseSubscription> trie = new SubjectTrie<>();
    final Counters counters = new Counters();
    private final Map<UUID, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final Map<String, TopicStats> topics = new ConcurrentHashMap<>();
    /** One per event loop that routed messages; a handful per transport, kept for the engine's life. */
    private final Map<EventLoop, RemoteDrains> remoteDrains = new ConcurrentHashMap<>();
    private final Map<String, Integer> topicIdle = new ConcurrentHashMap<>();
    /** Sessions announced on $sys.session.opened (true) or already closed (false, kept a minute). */
    private final Map<UUID, Boolean> announced = new ConcurrentHashMap<>();
    private final AtomicLong authorizerGeneration = new AtomicLong();
    private volatile Authorizer authorizer = Authorizer.DEFAULT;
    private volatile SessionRegistry registry;
    private volatile TokenBucket globalBucket;
    private volatile Map<String, TokenBucket> prefixBuckets = Map.of();
    private volatile int maxPrefixDepth;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> sessionPoll;
    private final MessageRouter messages;
    private final PubSubFrames pubSubFrames = new PubSubFrames(this);
    private final MessageFrames messageFrames;
    private final Instant startedAt = Instant.now();

    public PubSubEngine(PubSubSettings settings, SessionRegistry registry) {
        this.registry = registry;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aldis-pubsub");
            t.setDaemon(true);
            return t;
        });
        this.messages = new MessageRouter(this, scheduler);
        this.messageFrames = new MessageFrames(this, messages);
        applyRates(settings);
        this.settings = settings;
        scheduler.scheduleAtFixedRate(this::tickTopics, 1, 1, TimeUnit.SECONDS);
        scheduleSessionPoll(settings.sessionPollMillis());
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

    public PubSubSettings settings() {
        return settings;
    }

    /** Applies new settings live: limits and rates at once; existing subscriptions keep their policy and budget. */
    public void update(PubSubSettings newSettings) {
        PubSubSettings old = settings;
        applyRates(newSettings);
        settings = newSettings;
        if (old.sessionPollMillis() != newSettings.sessionPollMillis()) {
            scheduleSessionPoll(newSettings.sessionPollMillis());
        }
    }

    /** Uses another authorizer ({@code null} for {@link Authorizer#DEFAULT}); every subscription is judged again. */
    public void authorizer(Authorizer newAuthorizer) {
        Authorizer a = newAuthorizer == null ? Authorizer.DEFAULT : newAuthorizer;
        authorizer = a;
        authorizerGeneration.incrementAndGet();
        for (BaseSubscription s : trie.all()) {
            s.authorize(a);
            if (s instanceof SessionSubscription sub && sub.policy == SlowConsumerPolicy.BLOCK) {
                sub.blockUnrestricted = sub.user != null && mayBlockAll(sub.user, sub.pattern);
            }
        }
    }

    Authorizer authorizer() {
        return authorizer;
    }

    long authorizerGeneration() {
        return authorizerGeneration.get();
    }

    public void registry(SessionRegistry newRegistry) {
        registry = newRegistry;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        for (Subscriber s : subscribers.values()) {
            for (SessionSubscription sub : s.subscriptions.values()) {
                sub.close();
            }
            s.close();
        }
        subscribers.clear();
    }

    // ---------------------------------------------------------------- frames from sessions

    Subscriber subscriber(Session session) {
        Subscriber s = subscribers.get(session.id());
        if (s != null) {
            return s;
        }
        s = new Subscriber(this, session);
        Subscriber raced = subscribers.putIfAbsent(session.id(), s);
        if (raced != null) {
            s.close();
            return raced;
        }
        s.bucket = connectionBucket(settings);
        if (session.state() == SessionState.CLOSED) {
            // The session ended while this frame was on its way; do not keep anything for it.
            sessionClosed(session);
        }
        return s;
    }

    Subscriber existingSubscriber(Session session) {
        return subscribers.get(session.id());
    }

    void onSubscribe(Session session, Subscribe f) {
        subscribe(session, f, false);
    }

    /**
     * Sets up the subscriptions a session kept while this feature was away (it was updated,
     * refreshed or reinstalled): each as its SUBSCRIBE did, with the checks of today, but without
     * a second ACK. One that no longer passes is answered with its ERROR and forgotten.
     */
    void restore(Session session) {
        for (Map.Entry<String, Frame> kept : session.kept(KEPT).entrySet()) {
            Subscriber current = existingSubscriber(session);
            if (kept.getValue() instanceof Subscribe f && current != null
                    && current.subscriptions.containsKey(f.subscriptionId())) {
                continue; // told twice (the session opened as the feature came): it is there already
            }
            if (!(kept.getValue() instanceof Subscribe f) || !subscribe(session, f, true)) {
                session.forget(KEPT, kept.getKey());
            }
        }
    }

    /** Handles a SUBSCRIBE; whether the subscription now exists. */
    private boolean subscribe(Session session, Subscribe f, boolean restoring) {
        PubSubSettings s = settings;
        long id = f.subscriptionId();
        String pattern = f.subject();
        if (id == 0) {
            reject(session, 0, ErrorCode.MALFORMED_FRAME, "subscription id 0 is reserved", Map.of("subject", pattern));
            counters.invalid.increment();
            return false;
        }
        String why = Subjects.checkPattern(pattern, s.maxSubjectLength(), s.maxSubjectDepth());
        if (why == null && !f.queueGroup().isEmpty()) {
            why = Subjects.checkSubject(f.queueGroup(), 128, 1);
            why = why == null ? null : "queue group name: " + why;
        }
        if (why != null) {
            counters.invalid.increment();
            reject(session, id, ErrorCode.INVALID_SUBJECT, why, Map.of("subject", pattern));
            return false;
        }
        SlowConsumerPolicy policy;
        int budget;
        Json.Options options;
        try {
            options = Json.options(f.options());
            policy = options.policy() == null ? s.defaultPolicy() : SlowConsumerPolicy.ofWireName(options.policy());
            if (policy == null) {
                throw new IllegalArgumentException("unknown policy '" + options.policy()
                        + "'; use block, drop-oldest, drop-newest or disconnect");
            }
            long asked = options.budgetBytes() < 0 ? s.defaultBudgetBytes() : options.budgetBytes();
            budget = (int) Math.max(1024, Math.min(asked, s.maxBudgetBytes()));
        } catch (IllegalArgumentException e) {
            // The frame itself was well-formed (its json field is the feature's to check, 3.1):
            // a rule of SUBSCRIBE was broken, and the connection stays.
            counters.invalid.increment();
            reject(session, id, ErrorCode.PROTOCOL_ERROR, e.getMessage(), Map.of("subject", pattern));
            return false;
        }
        // Pausing publishers is a permission. Like reading, a wildcard pattern that is not granted
        // as a whole is judged subject by subject: at the first publisher it would pause (see
        // SessionSubscription.offer).
        boolean blockAll = policy == SlowConsumerPolicy.BLOCK && mayBlockAll(session.user(), pattern);
        if (policy == SlowConsumerPolicy.BLOCK && !blockAll
                && (options.policy() == null || !Subjects.hasWildcard(pattern) || Subjects.isSystem(pattern))) {
            if (options.policy() != null) {
                counters.forbidden.increment();
                reject(session, id, ErrorCode.FORBIDDEN, "user '" + session.user().name()
                        + "' may not pause other publishers: the policy 'block' needs the pubsub permission 'block'",
                        Map.of("subject", pattern, "policy", policy.wireName()));
                return false;
            }
            // Only the operator's default asked for it: this user's subscription disconnects
            // instead, which the ACK says.
            policy = SlowConsumerPolicy.DISCONNECT;
        }
        if (!s.allowedPolicies().contains(policy)) {
            counters.forbidden.increment();
            reject(session, id, ErrorCode.FORBIDDEN, "the operator does not allow the policy '" + policy.wireName() + "'",
                    Map.of("subject", pattern, "policy", policy.wireName()));
            return false;
        }
        AuthenticatedUser user = session.user();
        Authorizer a = authorizer;
        boolean all = a.permitsAll(user, Authorizer.PUBSUB, pattern, "subscribe");
        if (!all && (!Subjects.hasWildcard(pattern) || Subjects.isSystem(pattern))) {
            counters.forbidden.increment();
            reject(session, id, ErrorCode.FORBIDDEN, "user '" + user.name() + "' may not subscribe to '" + pattern + "'",
                    Map.of("subject", pattern));
            return false;
        }
        Subscriber subscriber = subscriber(session);
        SessionSubscription old = subscriber.subscriptions.get(id);
        if (old == null && subscriber.subscriptions.size() >= s.maxSubscriptionsPerSession()) {
            counters.subscriptionLimit.increment();
            reject(session, id, ErrorCode.SUBSCRIPTION_LIMIT,
                    "a session may hold at most " + s.maxSubscriptionsPerSession() + " subscriptions",
                    Map.of("subject", pattern, "maxSubscriptions", s.maxSubscriptionsPerSession()));
            return false;
        }
        if (old != null) {
            // The same id again replaces the subscription, so a client that re-subscribes after a
            // reconnect or a retry never ends up with duplicates.
            removeSubscription(subscriber, old);
        }
        SessionSubscription sub = new SessionSubscription(this, subscriber, id, pattern, f.queueGroup(), policy, budget,
                s.blockOverflowBytes(), s.blockMaxHoldMillis());
        sub.unrestricted = all;
        sub.blockUnrestricted = blockAll;
        subscriber.subscriptions.put(id, sub);
        trie.add(sub);
        session.keep(KEPT, keyOf(id), f);
        if (!restoring) {
            session.send(new Ack(id, Json.string(Map.of(Subscribe.OPTION_POLICY, policy.wireName(),
                    Subscribe.OPTION_BUDGET_BYTES, budget))));
        }
        sysEvent("subscription.created", subscriptionEvent(sub));
        return true;
    }

    private static String keyOf(long subscriptionId) {
        return "subscription." + Long.toUnsignedString(subscriptionId);
    }

    /** Whether the user may pause publishers of every subject the pattern matches. */
    private boolean mayBlockAll(AuthenticatedUser user, String pattern) {
        Authorizer a = authorizer;
        return Subjects.hasWildcard(pattern) ? a.permitsAll(user, Authorizer.PUBSUB, pattern, Authorizer.BLOCK)
                : a.permits(user, Authorizer.PUBSUB, pattern, Authorizer.BLOCK);
    }

    /** Whether the user may pause the publishers of one subject. */
    boolean mayBlock(AuthenticatedUser user, String subject) {
        return user != null && authorizer.permits(user, Authorizer.PUBSUB, subject, Authorizer.BLOCK);
    }

    void onUnsubscribe(Session session, Unsubscribe f) {
        Subscriber subscriber = existingSubscriber(session);
        SessionSubscription sub = subscriber == null ? null : subscriber.subscriptions.get(f.subscriptionId());
        if (sub != null) {
            removeSubscription(subscriber, sub);
        }
        session.forget(KEPT, keyOf(f.subscriptionId()));
        // Idempotent: ending a subscription that does not exist (any more) succeeds too.
        session.send(new Ack(f.subscriptionId(), sub == null ? "{\"existed\":false}" : ""));
    }

    private void removeSubscription(Subscriber subscriber, SessionSubscription sub) {
        subscriber.subscriptions.remove(sub.id, sub);
        trie.remove(sub);
        sub.close();
        sysEvent("subscription.removed", subscriptionEvent(sub));
    }

    void onPublish(Session session, Publish p) {
        PubSubSettings s = settings;
        Subscriber from = subscriber(session);
        String subject = p.subject();
        String replyTo = p.replyTo();
        long generation = authorizerGeneration();
        // Sessions mostly publish on the same subject again and again, and the decoder hands back
        // the same String for the same bytes: the last subject that passed every check below is
        // not checked again until the settings or the permissions change.
        boolean familiar = from.publishedLast(subject, s, generation);
        if (!familiar || !replyTo.isEmpty()) {
            String why = familiar ? null : Subjects.checkSubject(subject, s.maxSubjectLength(), s.maxSubjectDepth());
            if (why == null && !replyTo.isEmpty()) {
                why = Subjects.checkSubject(replyTo, s.maxSubjectLength(), s.maxSubjectDepth());
                why = why == null ? null : "reply subject: " + why;
            }
            if (why != null) {
                counters.invalid.increment();
                publishError(from, ErrorCode.INVALID_SUBJECT, why, subject, null);
                return;
            }
            if ((!familiar && Subjects.isSystem(subject)) || Subjects.isSystem(replyTo)) {
                // Reserved whoever asks (section 6.2): a subject no client may use, not a permission.
                counters.invalid.increment();
                publishError(from, ErrorCode.INVALID_SUBJECT, "$sys subjects are published by the node only",
                        subject, null);
                return;
            }
        }
        long size = (long) p.payload().length + Delivery.headerBytes(p.headers());
        if (size > s.maxMessageBytes()) {
            counters.tooLarge.increment();
            publishError(from, ErrorCode.MESSAGE_TOO_LARGE,
                    "message of " + size + " bytes is over the limit of " + s.maxMessageBytes(), subject,
                    Map.of("maxMessageBytes", s.maxMessageBytes()));
            return;
        }
        if (!familiar) {
            if (!from.mayPublish(subject)) {
                counters.forbidden.increment();
                publishError(from, ErrorCode.FORBIDDEN,
                        "user '" + session.user().name() + "' may not publish on '" + subject + "'", subject, null);
                return;
            }
            from.rememberPublished(subject, s, generation);
        }
        if (!takeTokens(from, subject)) {
            return;
        }
        from.published.increment();
        Delivery d = new Delivery(subject, replyTo, p.headers(), p.payload());
        int n = route(d, from);
        if (n == 0 && !replyTo.isEmpty()) {
            counters.noResponders.increment();
            // In the order docs/protocol.md shows them; Map.of would change it from one JVM to the next.
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("subject", subject);
            details.put("replyTo", p.replyTo());
            session.send(new ErrorFrame(0, ErrorCode.NO_RESPONDERS.code(), "no subscriber for '" + subject + "'",
                    Json.string(details)));
        }
    }

    /** The drains that {@code loop}'s thread hands to other loops; on that thread only. */
    RemoteDrains remoteDrains(EventLoop loop) {
        RemoteDrains drains = remoteDrains.get(loop);
        return drains != null ? drains : remoteDrains.computeIfAbsent(loop, RemoteDrains::new);
    }

    void sessionClosed(Session session) {
        Subscriber subscriber = subscribers.remove(session.id());
        if (subscriber != null) {
            subscriber.close();
            for (SessionSubscription sub : subscriber.subscriptions.values()) {
                removeSubscription(subscriber, sub);
            }
            for (Subscriber other : subscribers.values()) {
                for (SessionSubscription sub : other.subscriptions.values()) {
                    sub.forget(subscriber);
                }
            }
        }
        messages.sessionClosed(session);
        // Both frame handlers hear of the close; announce it once.
        Boolean before = announced.put(session.id(), Boolean.FALSE);
        if (before != Boolean.FALSE && session.user() != null) {
            if (before == null) {
                sysEvent("session.opened", sessionEvent(session));
            }
            sysEvent("session.closed", sessionEvent(session));
        }
        try {
            scheduler.schedule(() -> announced.remove(session.id(), Boolean.FALSE), 1, TimeUnit.MINUTES);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            announced.remove(session.id());
        }
    }

    // ---------------------------------------------------------------- routing

    /** Hands a message to every matching subscription and one member of each matching queue group. */
    int route(Delivery d, Subscriber from) {
        counters.published.increment();
        counters.publishedBytes.add(d.payload.length);
        SubjectTrie.Match<BaseSubscription> match;
        if (from == null) {
            match = trie.match(d.subject);
        } else {
            // A session publishing on the subject it published on last reuses that route: no
            // lookup of the subject's statistics or of its cached match while both still hold.
            Subscriber.Route last = from.lastRoute;
            if (last == null || last.subject() != d.subject || !trie.isCurrent(last.match())
                    || last.topic() == null || last.topic().retired) {
                last = new Subscriber.Route(d.subject, topic(d.subject), trie.match(d.subject));
                from.lastRoute = last;
            }
            match = last.match();
            count(last.topic(), d.payload.length);
        }
        int n = 0;
        for (BaseSubscription s : match.plain) {
            if (s.offer(d, from)) {
                n++;
            }
        }
        for (SubjectTrie.Group<BaseSubscription> g : match.groups) {
            List<BaseSubscription> members = g.members;
            int start = g.nextStart();
            for (int k = 0; k < members.size(); k++) {
                if (members.get((start + k) % members.size()).offer(d, from)) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /** A subscription fell too far behind under the disconnect (or an overflowing block) policy. */
    void slowConsumer(SessionSubscription sub) {
        slowConsumer(sub, "exceeded its outbound budget of " + sub.budget + " bytes");
    }

    /** Ends a subscription as a slow consumer: {@code what} it did, in words for the client. */
    void slowConsumer(SessionSubscription sub, String what) {
        Subscriber owner = sub.owner;
        if (owner.subscriptions.remove(sub.id, sub)) {
            trie.remove(sub);
        }
        sub.close();
        counters.slowConsumers.increment();
        String message = "slow consumer: subscription " + sub.id + " on '" + sub.pattern + "' " + what + " (policy "
                + sub.policy.wireName() + ")";
        sysEvent("error", errorEvent(owner.session, ErrorCode.SLOW_CONSUMER, message));
        owner.session.close(ErrorCode.SLOW_CONSUMER, message);
    }

    // ---------------------------------------------------------------- limits

    private void applyRates(PubSubSettings s) {
        long now = System.nanoTime();
        TokenBucket global = globalBucket;
        if (s.rateGlobal() <= 0) {
            globalBucket = null;
        } else if (global == null) {
            globalBucket = new TokenBucket(s.rateGlobal(), burst(s.rateGlobal(), s.rateGlobalBurst()), now);
        } else {
            global.update(s.rateGlobal(), burst(s.rateGlobal(), s.rateGlobalBurst()), now);
        }
        Map<String, TokenBucket> prefixes = new HashMap<>();
        int depth = 0;
        for (PubSubSettings.PrefixLimit limit : s.ratePrefixes()) {
            TokenBucket existing = prefixBuckets.get(limit.prefix());
            if (existing != null) {
                existing.update(limit.rate(), burst(limit.rate(), limit.burst()), now);
                prefixes.put(limit.prefix(), existing);
            } else {
                prefixes.put(limit.prefix(), new TokenBucket(limit.rate(), burst(limit.rate(), limit.burst()), now));
            }
            depth = Math.max(depth, Subjects.tokens(limit.prefix()).length);
        }
        prefixBuckets = Map.copyOf(prefixes);
        maxPrefixDepth = depth;
        for (Subscriber sub : subscribers.values()) {
            TokenBucket b = sub.bucket;
            if (s.ratePerConnection() <= 0) {
                sub.bucket = null;
            } else if (b == null) {
                sub.bucket = connectionBucket(s);
            } else {
                b.update(s.ratePerConnection(), burst(s.ratePerConnection(), s.ratePerConnectionBurst()), now);
            }
        }
    }

    private static double burst(double rate, double burst) {
        return burst > 0 ? burst : Math.max(1, rate);
    }

    private static TokenBucket connectionBucket(PubSubSettings s) {
        return s.ratePerConnection() <= 0 ? null
                : new TokenBucket(s.ratePerConnection(), burst(s.ratePerConnection(), s.ratePerConnectionBurst()),
                        System.nanoTime());
    }

    /** Takes a token from every bucket that applies, or answers RATE_LIMITED and gives the taken ones back. */
    private boolean takeTokens(Subscriber from, String subject) {
        TokenBucket global = globalBucket;
        TokenBucket connection = from.bucket;
        Map<String, TokenBucket> prefixes = prefixBuckets;
        if (global == null && connection == null && prefixes.isEmpty()) {
            return true;
        }
        long now = System.nanoTime();
        List<TokenBucket> taken = new ArrayList<>(3);
        String limit = null;
        long wait = 0;
        if (!prefixes.isEmpty()) {
            int end = -1;
            for (int depth = 1; depth <= maxPrefixDepth; depth++) {
                end = subject.indexOf('.', end + 1);
                String prefix = end < 0 ? subject : subject.substring(0, end);
                TokenBucket b = prefixes.get(prefix);
                if (b != null) {
                    wait = b.tryTake(now);
                    if (wait > 0) {
                        limit = "prefix:" + prefix;
                        break;
                    }
                    taken.add(b);
                }
                if (end < 0) {
                    break;
                }
            }
        }
        if (limit == null && connection != null) {
            wait = connection.tryTake(now);
            if (wait > 0) {
                limit = "connection";
            } else {
                taken.add(connection);
            }
        }
        if (limit == null && global != null) {
            wait = global.tryTake(now);
            if (wait > 0) {
                limit = "global";
            } else {
                taken.add(global);
            }
        }
        if (limit == null) {
            return true;
        }
        for (TokenBucket b : taken) {
            b.giveBack();
        }
        counters.rateLimited.increment();
        from.rateLimited.increment();
        long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999));
        publishError(from, ErrorCode.RATE_LIMITED, "rate limit '" + limit + "' reached; retry after " + retryAfter + " ms",
                subject, Map.of("retryAfterMillis", retryAfter, "limit", limit));
        return false;
    }

    // ---------------------------------------------------------------- errors and $sys events

    private void reject(Session session, long requestId, ErrorCode code, String message, Map<String, ?> details) {
        Subscriber s = existingSubscriber(session);
        if (s != null) {
            s.errors.increment();
        }
        session.send(new ErrorFrame(requestId, code.code(), message, Json.string(details)));
        sysEvent("error", errorEvent(session, code, message));
    }

    private void publishError(Subscriber from, ErrorCode code, String message, String subject, Map<String, ?> extra) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("subject", subject);
        if (extra != null) {
            details.putAll(extra);
        }
        from.errors.increment();
        from.session.send(new ErrorFrame(0, code.code(), message, Json.string(details)));
        sysEvent("error", errorEvent(from.session, code, message));
    }

    /** Publishes a node event on {@code $sys.<name>} if anyone listens. */
    void sysEvent(String name, Map<String, Object> fields) {
        if (!settings.sysEvents()) {
            return;
        }
        String subject = Subjects.SYS + "." + name;
        if (trie.match(subject).isEmpty()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", name);
        body.put("time", Instant.now().toString());
        body.putAll(fields);
        counters.sysEvents.increment();
        route(new Delivery(subject, "", Map.of(), Json.bytes(body)), null);
    }

    static Map<String, Object> sessionEvent(Session session) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", session.id().toString());
        m.put("user", session.user() == null ? null : session.user().name());
        m.put("transport", session.connection().transport());
        InetSocketAddress remote = session.connection().remoteAddress();
        m.put("remote", remote == null ? null : remote.getAddress().getHostAddress() + ":" + remote.getPort());
        return m;
    }

    private static Map<String, Object> subscriptionEvent(SessionSubscription sub) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", sub.owner.session.id().toString());
        m.put("user", sub.user == null ? null : sub.user.name());
        m.put("subscriptionId", sub.id);
        m.put("subject", sub.pattern);
        m.put("queueGroup", sub.queueGroup);
        m.put("policy", sub.policy.wireName());
        m.put("budgetBytes", sub.budget);
        return m;
    }

    static Map<String, Object> errorEvent(Session session, ErrorCode code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", session.id().toString());
        m.put("user", session.user() == null ? null : session.user().name());
        m.put("code", code.code());
        m.put("name", code.name());
        m.put("message", message);
        return m;
    }

    private synchronized void scheduleSessionPoll(int millis) {
        if (sessionPoll != null) {
            sessionPoll.cancel(false);
        }
        if (millis > 0 && !scheduler.isShutdown()) {
            sessionPoll = scheduler.scheduleWithFixedDelay(this::pollSessions, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Announces sessions that authenticated since the last look (the core has no session-opened hook). */
    void pollSessions() {
        SessionRegistry r = registry;
        if (r == null) {
            return;
        }
        try {
            for (Session session : r.sessions()) {
                SessionState state = session.state();
                if (session.user() != null && (state == SessionState.OPEN || state == SessionState.PAUSED)
                        && announced.putIfAbsent(session.id(), Boolean.TRUE) == null) {
                    sysEvent("session.opened", sessionEvent(session));
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Polling sessions for $sys events failed", e);
        }
    }

    private void tickTopics() {
        for (TopicStats t : topics.values()) {
            long before = t.messages.sum();
            t.tick();
            if (t.rate() == 0) {
                int idle = topicIdle.merge(t.subject, 1, Integer::sum);
                if (idle > IDLE_TOPIC_TICKS && t.messages.sum() == before) {
                    topics.remove(t.subject);
                    topicIdle.remove(t.subject);
                    t.retired = true;
                }
            } else {
                topicIdle.remove(t.subject);
            }
        }
    }

    private static void count(TopicStats t, int bytes) {
        if (t != null) {
            t.messages.increment();
            t.bytes.add(bytes);
        }
    }

    /** The statistics of a subject; null when {@value #TOPIC_LIMIT} subjects are already tracked. */
    private TopicStats topic(String subject) {
        TopicStats t = topics.get(subject);
        if (t == null && topics.size() < TOPIC_LIMIT) {
            t = topics.computeIfAbsent(subject, TopicStats::new);
        }
        return t;
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
        count(topic(subject), payload.length);
        return route(d, null);
    }

    @Override
    public PubSub.Subscription subscribe(String pattern, String queueGroup, MessageListener listener) {
        return subscribeLocal(pattern, queueGroup, listener, "node");
    }

    /** A subscription inside the node, labelled for listings. */
    public LocalSubscription subscribeLocal(String pattern, String queueGroup, MessageListener listener, String label) {
        PubSubSettings s = settings;
        String why = Subjects.checkPattern(pattern, s.maxSubjectLength(), s.maxSubjectDepth());
        String q = queueGroup == null ? "" : queueGroup;
        if (why == null && !q.isEmpty()) {
            why = Subjects.checkSubject(q, 128, 1);
        }
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        LocalSubscription sub = new LocalSubscription(this, pattern, q, Objects.requireNonNull(listener, "listener"), label);
        trie.add(sub);
        return sub;
    }

    void removeLocal(LocalSubscription sub) {
        trie.remove(sub);
    }

    // ---------------------------------------------------------------- views for commands and JMX

    /** One subscription as listings show it. */
    public record SubscriptionView(String owner, long id, String pattern, String queueGroup, String policy,
            long budgetBytes, long pendingBytes, long maxPendingBytes, int pausedPublishers, long delivered,
            long dropped) {
    }

    /** One subject as listings show it. */
    public record TopicView(String subject, long messages, long bytes, double ratePerSecond, int subscribers) {
    }

    /** One session's pub/sub counters. */
    public record SessionView(UUID sessionId, String user, int subscriptions, long published, long delivered,
            long dropped, long rateLimited, long errors, long pendingBytes) {
    }

    public List<SubscriptionView> subscriptions() {
        List<SubscriptionView> out = new ArrayList<>();
        for (BaseSubscription s : trie.all()) {
            if (s instanceof SessionSubscription ss) {
                out.add(new SubscriptionView(ss.owner(), ss.id, ss.pattern, ss.queueGroup, ss.policy.wireName(), ss.budget,
                        ss.pendingBytes(), ss.maxPendingBytes(), ss.heldPublishers(), ss.delivered.sum(),
                        ss.dropped.sum()));
            } else {
                out.add(new SubscriptionView(s.owner(), 0, s.pattern, s.queueGroup, "local", 0, 0, 0, 0,
                        s.delivered.sum(), s.dropped.sum()));
            }
        }
        return out;
    }

    public List<TopicView> topics() {
        List<TopicView> out = new ArrayList<>();
        for (TopicStats t : topics.values()) {
            out.add(new TopicView(t.subject, t.messages.sum(), t.bytes.sum(), t.rate(), trie.match(t.subject).size()));
        }
        return out;
    }

    public List<SessionView> sessions() {
        List<SessionView> out = new ArrayList<>();
        for (Subscriber s : subscribers.values()) {
            long pending = 0;
            for (SessionSubscription sub : s.backlog) {
                pending += sub.pendingBytes();
            }
            out.add(new SessionView(s.session.id(), s.session.user() == null ? "-" : s.session.user().name(),
                    s.subscriptions.size(), s.published.sum(), s.delivered.sum(), s.dropped.sum(), s.rateLimited.sum(),
                    s.errors.sum(), pending));
        }
        return out;
    }

    /** Every counter, plus the current number of sessions, subscriptions, subjects and message types. */
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>(counters.snapshot());
        m.put("sessions", (long) subscribers.size());
        m.put("subscriptions", (long) trie.size());
        m.put("topics", (long) topics.size());
        m.put("messageTypes", (long) messages.types().size());
        m.put("uptimeSeconds", java.time.Duration.between(startedAt, Instant.now()).getSeconds());
        return m;
    }
}
