package io.aldis.feature.streaming.internal.streams;

import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.feature.streaming.internal.relay.Relays;
import io.aldis.feature.streaming.internal.stats.StreamCounters;
import io.aldis.feature.streaming.internal.stats.StreamingView;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.stream.CallerSide;
import io.aldis.protocol.api.spi.stream.StreamRelay;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.spi.work.OnLoopPolicy;
import io.aldis.protocol.api.spi.work.SerialExecutor;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.StreamIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every stream the node has open as the callee of a call, by session and by id, and the
 * {@link CallStreams} the RPC feature opens them through: the limits checked before a stream
 * opens, STREAM_OPEN, and the ends a session's close and the feature's stop bring. Thread-safe.
 *
 * <p>Node stream ids come from one counter for the whole node: even, never 0, as the protocol
 * wants of every connection, and unique across sessions, so an operator names a stream by its id
 * alone.
 */
public final class Streams implements CallStreams {
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");

    private static final long STOP_WAIT_MILLIS = 5_000;

    private final SizeFunctions sizeFunctions;
    private final Executor pool;
    private final StreamCounters counters = new StreamCounters();
    private final StreamIds ids = new StreamIds(StreamIds.Opener.NODE);
    private final Map<UUID, SessionStreams> sessions = new ConcurrentHashMap<>();
    private final Map<Long, NodeStream> all = new ConcurrentHashMap<>();
    /** Streams of broken connections waiting for their client to resume, by resume key and stream id. */
    private final Map<String, Map<Long, NodeStream>> kept = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Relays relays;
    private volatile StreamingSettings settings;
    private volatile boolean stopped;
    /** Where the services' publishers are asked for items, one policy per method; see {@link PromptCalls}. */
    private final Map<String, OnLoopPolicy> requestPolicies = new ConcurrentHashMap<>();
    private final ResendBudget resendBudget = new ResendBudget(() -> settings.maxResendBytes());

    /**
     * @param settings      the limits in force
     * @param sizeFunctions the size functions the node knows
     * @param pool          runs the services' publishers and subscribers, off the event loops
     */
    public Streams(StreamingSettings settings, SizeFunctions sizeFunctions, Executor pool) {
        this.settings = settings;
        this.sizeFunctions = sizeFunctions;
        this.pool = pool;
        this.relays = new Relays(this, sizeFunctions, resendBudget, () -> stopped ? 0 : this.settings.resumeWindowMillis(),
                this::outboundOf);
    }

    /** The streams relayed between callers and the clients that provide services. */
    public Relays relays() {
        return relays;
    }

    StreamingSettings settings() {
        return settings;
    }

    /** Applies changed settings; streams open now keep running, new ones meet the new limits. */
    public void update(StreamingSettings newSettings) {
        this.settings = newSettings;
    }

    public StreamCounters counters() {
        return counters;
    }

    ResendBudget resendBudget() {
        return resendBudget;
    }

    @Override
    public boolean streams(Session session) {
        return !stopped && (session.clientCapabilities() & Capability.STREAMS.mask()) != 0
                && session.state() != SessionState.CLOSING && session.state() != SessionState.CLOSED;
    }

    @Override
    public CallStream open(Session session, long callId, StreamSpec spec, CallStreamListener listener) {
        if (!streams(session)) {
            throw new ProtocolException(ErrorCode.STREAMING_UNAVAILABLE, "this session takes no streams now");
        }
        StreamingSettings limits = settings;
        CreditMode mode = spec.creditMode();
        if (spec.highWaterMark() > limits.maxHighWaterMark(mode)) {
            throw new ProtocolException(ErrorCode.STREAM_LIMIT, "the high-water mark " + spec.highWaterMark()
                    + " of " + spec.method() + " is above the node's maximum of " + limits.maxHighWaterMark(mode)
                    + " in " + mode.name().toLowerCase(Locale.ROOT) + " mode");
        }
        CreditMeter meter = CreditMeter.forStream(mode, spec.sizeFunction(), sizeFunctions::find);
        SessionStreams mine = sessions.computeIfAbsent(session.id(), id -> new SessionStreams(session, this));
        NodeStream stream;
        synchronized (mine) {
            if (mine.size() >= limits.maxStreamsPerSession()) {
                throw new ProtocolException(ErrorCode.STREAM_LIMIT, "this session has " + mine.size()
                        + " streams open, the most the node allows per session");
            }
            if (!reserveNodeSlot(limits.maxStreams())) {
                throw new ProtocolException(ErrorCode.STREAM_LIMIT, "the node has " + limits.maxStreams()
                        + " streams open, the most it allows");
            }
            stream = new NodeStream(mine, ids.next(), callId, spec, meter, listener, serviceExecutor(),
                    requestPolicies.computeIfAbsent(spec.method(), m -> new OnLoopPolicy()),
                    () -> settings.publisherOnLoopMicros());
            mine.add(stream);
            all.put(stream.streamId(), stream);
        }
        counters.opened();
        StreamOpen frame = new StreamOpen(stream.streamId(), callId, spec.direction(), mode, spec.highWaterMark(),
                meter.sizeFunctionName().map(Streams::metadata).orElse(""));
        if (StreamLoop.inLoop(session)) {
            mine.outbound().send(frame);
        } else {
            // Queued before anything else of this stream, which all goes through the loop too.
            mine.onLoop(() -> mine.outbound().send(frame));
        }
        if (session.state() == SessionState.CLOSED) {
            // Closed while this was opening: its close may have missed the new stream and its entry.
            sessionClosed(session);
        }
        return stream;
    }

    @Override
    public StreamRelay relay(Session caller, long callId, Session provider, long forwardedCallId, StreamSpec declared,
            CallStreamListener listener) {
        if (!streams(caller) || !streams(provider)) {
            throw new ProtocolException(ErrorCode.STREAMING_UNAVAILABLE, "the caller or the provider takes no streams now");
        }
        return relays.relay(caller, callId, provider, forwardedCallId, declared, listener);
    }

    @Override
    public StreamRelay relay(CallerSide caller, Session provider, long forwardedCallId, StreamSpec declared,
            CallStreamListener listener) {
        if (!streams(provider)) {
            throw new ProtocolException(ErrorCode.STREAMING_UNAVAILABLE, "the provider takes no streams now");
        }
        return relays.relay(caller, provider, forwardedCallId, declared, listener);
    }

    /**
     * The write turns of {@code session}, which the relay's items toward a provider share with the
     * node's own streams on that connection; closed (taking nothing) once the session is.
     */
    Outbound outboundOf(Session session) {
        SessionStreams mine = sessions.computeIfAbsent(session.id(), id -> new SessionStreams(session, this));
        if (session.state() == SessionState.CLOSED && mine.size() == 0 && sessions.remove(session.id(), mine)) {
            mine.outbound().close(); // closed meanwhile, its close may have missed this entry
        }
        return mine.outbound();
    }

    private boolean reserveNodeSlot(int max) {
        while (true) {
            int now = open.get();
            if (now >= max) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** STREAM_OPEN's metadata in custom mode: {@code {"sizeFunction":"name"}}. */
    static String metadata(String sizeFunction) {
        StringBuilder json = new StringBuilder("{\"").append(CreditMeter.SIZE_FUNCTION_MEMBER).append("\":\"");
        for (char c : sizeFunction.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append("\"}").toString();
    }

    void removed(NodeStream stream) {
        if (all.remove(stream.streamId(), stream)) {
            open.decrementAndGet();
        }
    }

    /** The open stream {@code streamId} of {@code session}, or null; for the session's frames. */
    public NodeStream find(Session session, long streamId) {
        SessionStreams mine = sessions.get(session.id());
        return mine == null ? null : mine.get(streamId);
    }

    /**
     * The session ended: its streams end without a frame, their services and calls are released;
     * but where the client may resume the session, they are kept for the resume window instead
     * (docs/protocol.md 6.4.7), their services running on within the credit they had.
     */
    public void sessionClosed(Session session) {
        relays.sessionClosed(session);
        SessionStreams mine = sessions.remove(session.id());
        if (mine == null) {
            return;
        }
        String resumeKey = session.resumeKey();
        int window = settings.resumeWindowMillis();
        mine.onLoop(() -> {
            List<NodeStream> keep = new ArrayList<>();
            if (resumeKey != null && window > 0 && !stopped) {
                Map<Long, NodeStream> waiting = kept.computeIfAbsent(resumeKey, k -> new ConcurrentHashMap<>());
                for (NodeStream stream : mine.streams()) {
                    if (stream.keepable()) {
                        stream.kept();
                        keep.add(stream);
                        waiting.put(stream.streamId(), stream);
                    }
                }
            }
            mine.closed(keep);
            if (!keep.isEmpty() && StreamLoop.later(session, () -> notResumed(resumeKey, keep), window) == null) {
                notResumed(resumeKey, keep);
            }
        });
    }

    /** The window of a broken connection ended: what of its streams no session took over ends. */
    private void notResumed(String resumeKey, List<NodeStream> streams) {
        for (NodeStream stream : streams) {
            if (unkeep(resumeKey, stream.streamId(), stream)) {
                stream.onLoop(stream::notResumed);
            }
        }
    }

    private boolean unkeep(String resumeKey, long streamId, NodeStream stream) {
        boolean[] removed = new boolean[1];
        kept.computeIfPresent(resumeKey, (key, waiting) -> {
            removed[0] = stream == null ? false : waiting.remove(streamId, stream);
            return waiting.isEmpty() ? null : waiting;
        });
        return removed[0];
    }

    /**
     * A resumed session's STREAM_RESUME, on its event loop (docs/protocol.md 6.4.7, step 2): a
     * stream kept for its resume key moves over to it and goes on; any other is answered with
     * STREAM_ERROR {@code STREAM_NOT_FOUND}.
     */
    public void resume(Session session, StreamResume frame) {
        if (StreamIds.openerOf(frame.streamId()) == StreamIds.Opener.CLIENT && relays.resume(session, frame)) {
            return; // a provider's stream of a relayed call, kept for its resumed session
        }
        String resumeKey = session.resumeKey();
        Map<Long, NodeStream> waiting = resumeKey == null ? null : kept.get(resumeKey);
        NodeStream stream = waiting == null ? null : waiting.get(frame.streamId());
        if (stream == null || !unkeep(resumeKey, frame.streamId(), stream) || stream.retired()) {
            session.send(new StreamError(frame.streamId(), ErrorCode.STREAM_NOT_FOUND.code(), "stream "
                    + frame.streamId() + " was not kept for this session: it ended, or it was not resumed in time"));
            return;
        }
        SessionStreams mine = sessions.computeIfAbsent(session.id(), id -> new SessionStreams(session, this));
        mine.add(stream);
        stream.resumeOn(mine, frame);
    }

    /** How many streams wait for their client to resume its session. */
    public int keptStreams() {
        return kept.values().stream().mapToInt(Map::size).sum();
    }

    /**
     * An operator's cancel: the stream ends with STREAM_ERROR {@code CANCELLED} and its call fails.
     *
     * @return false when no stream has that id
     */
    public boolean cancel(long streamId) {
        NodeStream stream = all.get(streamId);
        if (stream == null) {
            return false;
        }
        stream.onLoop(stream::cancelByOperator);
        return true;
    }

    /**
     * The feature stops: no stream opens any more, and every open one ends with STREAM_ERROR
     * {@code CAPABILITY_UNAVAILABLE}, its call failing with it; sessions stay open. Waits a few
     * seconds at most for the sessions' event loops to have sent those frames.
     */
    public void stop() {
        try {
            stopAll().get(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // an event loop that does not answer belongs to a connection that is going anyway
        }
    }

    /** {@link #stop()} without the wait: completes once every session's loop has ended its streams. */
    public CompletableFuture<Void> stopAll() {
        stopped = true;
        relays.stop();
        List<CompletableFuture<Void>> ends = new ArrayList<>();
        for (String resumeKey : List.copyOf(kept.keySet())) {
            Map<Long, NodeStream> waiting = kept.remove(resumeKey);
            if (waiting != null) {
                for (NodeStream stream : waiting.values()) {
                    CompletableFuture<Void> end = new CompletableFuture<>();
                    ends.add(end);
                    stream.onLoop(() -> {
                        try {
                            stream.featureStopping();
                        } finally {
                            end.complete(null);
                        }
                    });
                }
            }
        }
        for (SessionStreams mine : sessions.values()) {
            CompletableFuture<Void> end = new CompletableFuture<>();
            ends.add(end);
            mine.onLoop(() -> {
                try {
                    for (NodeStream stream : mine.streams()) {
                        stream.featureStopping();
                    }
                } finally {
                    end.complete(null);
                }
            });
        }
        return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
    }

    /** How many streams are open now. */
    public int openStreams() {
        return open.get();
    }

    /** What operators see. */
    public StreamingView view() {
        return new StreamingView() {
            @Override
            public List<StreamRow> streams() {
                List<StreamRow> own = new ArrayList<>();
                for (NodeStream stream : all.values()) {
                    own.add(stream.row());
                }
                own.sort(Comparator.comparingLong(StreamRow::streamId));
                Map<Long, StreamRow> providerSides = new HashMap<>();
                List<StreamRow> unpaired = new ArrayList<>();
                for (StreamRow side : relays.rows()) {
                    if (side.pairedWith() < 0 || providerSides.putIfAbsent(side.pairedWith(), side) != null) {
                        unpaired.add(side);
                    }
                }
                List<StreamRow> rows = new ArrayList<>();
                for (StreamRow row : own) {
                    StreamRow providerSide = providerSides.remove(row.streamId());
                    if (providerSide == null) {
                        rows.add(row);
                    } else {
                        rows.add(row.pairedWith(providerSide.streamId()));
                        rows.add(providerSide);
                    }
                }
                unpaired.addAll(providerSides.values()); // their caller's side ended a moment ago
                unpaired.sort(Comparator.comparingLong(StreamRow::streamId));
                rows.addAll(unpaired);
                return rows;
            }

            @Override
            public Map<String, Long> counters() {
                Map<String, Long> m = counters.snapshot();
                m.put("open", (long) open.get());
                m.put("awaitingResume", (long) keptStreams());
                m.put("resendBytes", resendBudget.used());
                return m;
            }
        };
    }

    /**
     * The executor of one stream's calls into service code. When the feature stops and its pool
     * refuses work, what is left runs on the caller's thread, so that subscriptions still learn of
     * the end.
     */
    private SerialExecutor serviceExecutor() {
        return new SerialExecutor(pool, SerialExecutor.WhenPoolStops.RUN_HERE, LOG, "A stream's service code failed");
    }
}
