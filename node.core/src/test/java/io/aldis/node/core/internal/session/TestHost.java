package io.aldis.node.core.internal.session;

import io.aldis.node.core.internal.AuthThrottle;
import io.aldis.node.core.internal.ResumeTokens;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.spi.auth.AuthStep;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.AuthenticationExchange;
import io.aldis.protocol.api.spi.auth.AuthenticationMechanism;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * The node as a session sees it, for tests that run sessions on EmbeddedChannels: the real resume
 * tokens and throttle on a clock the test moves, features the test registers, and workers that
 * run only when the test says so.
 */
public final class TestHost implements SessionHost {
    static final String PASSWORD = "right";
    static final int FAILURE_DELAY = 1_000;
    static final int FAILURE_MAX_DELAY = 8_000;

    /** A clock that stands still until the test moves it. */
    static final class TestClock extends Clock {
        private long millis = 1_700_000_000_000L;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        void advance(long by) {
            millis += by;
        }
    }

    /**
     * A one-step mechanism: AUTH_START carries {@code user:password}, and {@value #PASSWORD} is every
     * user's password. With {@link #judgeLater}, steps wait until the test completes them.
     */
    final class PasswordMechanism implements AuthenticationMechanism {
        @Override
        public String name() {
            return "TEST";
        }

        @Override
        public AuthenticationExchange start(TransportConnection connection) {
            return message -> {
                String[] parts = new String(message, StandardCharsets.UTF_8).split(":", 2);
                AuthStep verdict = parts.length == 2 && parts[1].equals(PASSWORD)
                        ? new AuthStep.Success(new AuthenticatedUser(parts[0], Set.of("user"), "TEST"), new byte[0])
                        : new AuthStep.Failure(parts[0], "wrong password");
                if (!judgeLater) {
                    return CompletableFuture.completedFuture(verdict);
                }
                CompletableFuture<AuthStep> later = new CompletableFuture<>();
                pendingSteps.add(() -> later.complete(verdict));
                return later;
            };
        }
    }

    final TestClock clock = new TestClock();
    final ResumeTokens tokens = new ResumeTokens(clock, 3_600_000, 100);
    final AuthThrottle throttle = new AuthThrottle(clock, FAILURE_DELAY, FAILURE_MAX_DELAY);
    final List<AuthenticationMechanism> mechanisms = new CopyOnWriteArrayList<>(List.of(new PasswordMechanism()));
    final Map<FrameType, FrameHandler> handlers = new LinkedHashMap<>();
    final Queue<Runnable> workQueue = new ArrayDeque<>();
    final Queue<Runnable> pendingSteps = new ArrayDeque<>();
    final List<NodeSession> registered = new ArrayList<>();
    final List<NodeSession> opened = new ArrayList<>();
    final List<NodeSession> closed = new ArrayList<>();
    public volatile long capabilities;
    /** What {@link #clientAddresses} answers; none by default. */
    public volatile LongFunction<NodeAddresses> addresses = asked -> null;
    boolean judgeLater;

    void serve(FrameHandler handler) {
        for (FrameType type : handler.frameTypes()) {
            handlers.put(type, handler);
        }
    }

    /** Runs queued work, as the node's workers would, until none is left. */
    void runWorkers() {
        Runnable task;
        while ((task = workQueue.poll()) != null) {
            task.run();
        }
    }

    /** Runs one task of queued work; false when there was none. */
    boolean runOneTask() {
        Runnable task = workQueue.poll();
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    @Override
    public List<AuthenticationMechanism> mechanisms() {
        return mechanisms;
    }

    @Override
    public ResumeTokens tokens() {
        return tokens;
    }

    @Override
    public AuthThrottle throttle() {
        return throttle;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public long capabilities() {
        return capabilities;
    }

    @Override
    public NodeAddresses clientAddresses(long clientCapabilities) {
        return addresses.apply(clientCapabilities);
    }

    @Override
    public FrameHandler handlerFor(FrameType type) {
        return handlers.get(type);
    }

    @Override
    public Collection<FrameHandler> handlers() {
        return List.copyOf(new LinkedHashSet<>(handlers.values()));
    }

    @Override
    public Executor workers() {
        return workQueue::add;
    }

    @Override
    public void registered(NodeSession session) {
        registered.add(session);
    }

    @Override
    public CompletableFuture<Void> supersede(NodeSession successor, String token) {
        List<CompletableFuture<Void>> ends = new ArrayList<>();
        for (NodeSession other : registered) {
            if (other != successor && other.holds(token)) {
                other.supersede();
                ends.add(other.ended());
            }
        }
        return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
    }

    @Override
    public void opened(NodeSession session) {
        opened.add(session);
    }

    @Override
    public void closed(NodeSession session) {
        closed.add(session);
        session.ended().complete(null);
    }
}
