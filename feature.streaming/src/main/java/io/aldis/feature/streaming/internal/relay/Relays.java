package io.aldis.feature.streaming.internal.relay;

import io.aldis.feature.streaming.internal.stats.StreamingView.StreamRow;
import io.aldis.feature.streaming.internal.streams.Outbound;
import io.aldis.feature.streaming.internal.streams.ResendBudget;
import io.aldis.feature.streaming.internal.streams.SizeFunctions;
import io.aldis.feature.streaming.internal.streams.StreamLoop;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.stream.CallerSide;
import io.aldis.protocol.api.spi.stream.StreamRelay;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.stream.StreamIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The streams the node relays between callers and the clients that provide services
 * (docs/protocol.md 6.4.8): the forwarded calls that expect a provider's STREAM_OPEN, by provider
 * session and the node's call id, and the providers' open streams, by session and stream id,
 * which the provider chose and so are odd. Thread-safe; frames are handled on the provider's
 * event loop.
 *
 * <p>When a provider's connection breaks and its client may resume the session, its open streams
 * are kept by the session's resume key for the stream resume window, as the node keeps its own
 * (docs/protocol.md 6.4.7): the provider's resumed session names them with STREAM_RESUME and they
 * go on there; those it does not name by the end of the window fail their calls with
 * {@code PROVIDER_GONE}, as a provider that left does.
 */
public final class Relays {
    private final CallStreams callerStreams;
    private final SizeFunctions sizeFunctions;
    private final Map<UUID, Map<Long, Relay>> expected = new ConcurrentHashMap<>();
    private final Map<UUID, Map<Long, ProviderStream>> open = new ConcurrentHashMap<>();
    /** Streams of providers whose connection broke, by resume key and stream id, until a resumed session takes them. */
    private final Map<String, Map<Long, ProviderStream>> kept = new ConcurrentHashMap<>();
    private final ResendBudget resendBudget;
    private final IntSupplier resumeWindowMillis;
    private final Function<Session, Outbound> outbound;

    /**
     * @param callerStreams      opens the caller's side of each relayed stream, where the node is the callee
     * @param sizeFunctions      the size functions the node knows
     * @param resendBudget       where the copies of items sent to providers are counted, as the node's own
     * @param resumeWindowMillis how long the streams of a provider's broken connection are kept; 0 for not at all
     * @param outbound           the write turns of a session, which the caller's items toward its provider take part in
     */
    public Relays(CallStreams callerStreams, SizeFunctions sizeFunctions, ResendBudget resendBudget,
            IntSupplier resumeWindowMillis, Function<Session, Outbound> outbound) {
        this.callerStreams = callerStreams;
        this.sizeFunctions = sizeFunctions;
        this.resendBudget = resendBudget;
        this.resumeWindowMillis = resumeWindowMillis;
        this.outbound = outbound;
    }

    /** As {@link CallStreams#relay}, once the sessions were found to take streams. */
    public StreamRelay relay(Session caller, long callId, Session provider, long forwardedCallId, StreamSpec declared,
            CallStreamListener listener) {
        return relay((spec, callerListener) -> callerStreams.open(caller, callId, spec, callerListener), callId,
                provider, forwardedCallId, declared, listener);
    }

    /**
     * As {@link CallStreams#relay(CallerSide, Session, long, StreamSpec, CallStreamListener)}, for
     * a caller on another node, once the provider was found to take streams.
     */
    public StreamRelay relay(CallerSide caller, Session provider, long forwardedCallId, StreamSpec declared,
            CallStreamListener listener) {
        return relay(caller, forwardedCallId, provider, forwardedCallId, declared, listener);
    }

    private StreamRelay relay(CallerSide caller, long callId, Session provider, long forwardedCallId,
            StreamSpec declared, CallStreamListener listener) {
        Relay relay = new Relay(this, caller, callId, provider, forwardedCallId, declared, listener);
        expected.computeIfAbsent(provider.id(), id -> new ConcurrentHashMap<>()).put(forwardedCallId, relay);
        return relay;
    }

    /**
     * A STREAM_OPEN from a client: it opens the stream of a call the node forwarded to it with
     * {@code STREAMS}, or it is refused with STREAM_ERROR {@code PROTOCOL_ERROR} on its stream id
     * (docs/protocol.md 6.4.2).
     */
    public void opened(Session provider, StreamOpen frame) {
        Map<Long, Relay> waiting = expected.get(provider.id());
        Relay relay = waiting == null ? null : waiting.get(frame.callId());
        String refusal = null;
        if (StreamIds.openerOf(frame.streamId()) != StreamIds.Opener.CLIENT) {
            refusal = "a client opens streams with odd ids, not " + frame.streamId();
        } else if (find(provider, frame.streamId()) != null) {
            refusal = "stream " + frame.streamId() + " is open already";
        } else if (relay == null) {
            refusal = "call " + frame.callId() + " is not a call the node made with STREAMS and still waits for";
        } else if (relay.opened()) {
            refusal = "call " + frame.callId() + " has its stream already";
        }
        if (refusal != null) {
            provider.send(new StreamError(frame.streamId(), ErrorCode.PROTOCOL_ERROR.code(), refusal));
            return;
        }
        relay.opened(frame);
    }

    /**
     * A STREAM_* frame other than STREAM_OPEN: taken when it names a stream a client opened (an odd
     * id), handed to that stream, or dropped when it is not open (6.4.5).
     *
     * @return whether the frame was taken
     */
    public boolean handle(Session session, Frame frame) {
        long streamId = StreamIds.streamOf(frame);
        if (StreamIds.openerOf(streamId) != StreamIds.Opener.CLIENT) {
            return false;
        }
        ProviderStream stream = find(session, streamId);
        if (stream != null) {
            stream.take(frame);
        }
        return true;
    }

    /**
     * The session ended: the streams it provided end, and so do the callers' streams of them; but
     * where the client may resume the session, they are kept for the resume window instead.
     */
    public void sessionClosed(Session session) {
        Map<Long, Relay> waiting = expected.remove(session.id());
        Map<Long, ProviderStream> streams = open.remove(session.id());
        String why = "the client providing the service disconnected";
        String resumeKey = session.resumeKey();
        int window = resumeWindowMillis.getAsInt();
        if (streams != null) {
            for (ProviderStream stream : streams.values()) {
                stream.onLoop(() -> {
                    if (resumeKey != null && window > 0 && stream.keep()) {
                        kept.computeIfAbsent(resumeKey, k -> new ConcurrentHashMap<>()).put(stream.streamId(), stream);
                        if (StreamLoop.later(session, () -> notResumed(resumeKey, stream), window) == null) {
                            notResumed(resumeKey, stream);
                        }
                    } else {
                        stream.providerGone(ErrorCode.PROVIDER_GONE.code(), why);
                    }
                });
            }
        }
        if (waiting != null) {
            for (Relay relay : waiting.values()) {
                if (!relay.opened()) {
                    relay.providerFailed(ErrorCode.PROVIDER_GONE.code(), why);
                }
            }
        }
    }

    /** The window of a provider's broken connection ended without its resumed session taking {@code stream}. */
    private void notResumed(String resumeKey, ProviderStream stream) {
        if (unkeep(resumeKey, stream.streamId(), stream)) {
            stream.onLoop(() -> stream.providerGone(ErrorCode.PROVIDER_GONE.code(),
                    "the client providing the service disconnected and did not resume its session in time"));
        }
    }

    private boolean unkeep(String resumeKey, long streamId, ProviderStream stream) {
        boolean[] removed = new boolean[1];
        kept.computeIfPresent(resumeKey, (key, streams) -> {
            removed[0] = streams.remove(streamId, stream);
            return streams.isEmpty() ? null : streams;
        });
        return removed[0];
    }

    /**
     * A resumed session's STREAM_RESUME for a stream its provider opened (an odd id), on its event
     * loop: a stream kept for its resume key moves over to it and goes on (docs/protocol.md 6.4.7).
     *
     * @return false when no such stream was kept, which the caller answers with {@code STREAM_NOT_FOUND}
     */
    public boolean resume(Session session, StreamResume frame) {
        String resumeKey = session.resumeKey();
        Map<Long, ProviderStream> waiting = resumeKey == null ? null : kept.get(resumeKey);
        ProviderStream stream = waiting == null ? null : waiting.get(frame.streamId());
        if (stream == null || !unkeep(resumeKey, frame.streamId(), stream)) {
            return false;
        }
        stream.resumeOn(session, frame);
        open.computeIfAbsent(session.id(), id -> new ConcurrentHashMap<>()).put(stream.streamId(), stream);
        return true;
    }

    /** How many streams of providers wait for their client to resume its session. */
    public int keptStreams() {
        return kept.values().stream().mapToInt(Map::size).sum();
    }

    /**
     * The feature stops: streams not opened by their provider yet fail with
     * {@code CAPABILITY_UNAVAILABLE}, and the provider is told of the others, whose callers' streams
     * end with the feature's other streams.
     */
    public void stop() {
        String why = "streaming was uninstalled";
        List<Map<Long, ProviderStream>> all = new ArrayList<>(open.values());
        for (String resumeKey : List.copyOf(kept.keySet())) {
            Map<Long, ProviderStream> streams = kept.remove(resumeKey);
            if (streams != null) {
                all.add(streams);
            }
        }
        for (Map<Long, ProviderStream> streams : all) {
            for (ProviderStream stream : List.copyOf(streams.values())) {
                stream.onLoop(() -> stream.callerFailed(ErrorCode.CAPABILITY_UNAVAILABLE.code(), why));
            }
        }
        List<Relay> waiting = new ArrayList<>();
        expected.values().forEach(m -> waiting.addAll(m.values()));
        for (Relay relay : waiting) {
            if (!relay.opened()) {
                relay.providerFailed(ErrorCode.CAPABILITY_UNAVAILABLE.code(), why);
            }
        }
    }

    /** How many streams of providers are open now. */
    public int openStreams() {
        return open.values().stream().mapToInt(Map::size).sum();
    }

    // ---- for the relays

    SizeFunctions sizeFunctions() {
        return sizeFunctions;
    }

    ProviderStream find(Session session, long streamId) {
        Map<Long, ProviderStream> streams = open.get(session.id());
        return streams == null ? null : streams.get(streamId);
    }

    ResendBudget resendBudget() {
        return resendBudget;
    }

    Outbound outboundOf(Session session) {
        return outbound.apply(session);
    }

    /** The provider's sides of the relayed calls, kept ones too, as operators see them. */
    public List<StreamRow> rows() {
        Set<ProviderStream> sides = Collections.newSetFromMap(new IdentityHashMap<>());
        open.values().forEach(streams -> sides.addAll(streams.values()));
        kept.values().forEach(streams -> sides.addAll(streams.values()));
        List<StreamRow> rows = new ArrayList<>(sides.size());
        for (ProviderStream side : sides) {
            rows.add(side.row());
        }
        return rows;
    }

    void add(ProviderStream stream) {
        open.computeIfAbsent(stream.session().id(), id -> new ConcurrentHashMap<>()).put(stream.streamId(), stream);
    }

    void remove(ProviderStream stream) {
        // Under the session it is listed for, which a resume may have changed before the stream moved over.
        for (Map<Long, ProviderStream> streams : open.values()) {
            streams.remove(stream.streamId(), stream);
        }
    }

    /** The relay's call ended, or its provider answered: it expects no STREAM_OPEN any more. */
    void forget(Relay relay) {
        Map<Long, Relay> waiting = expected.get(relay.provider().id());
        if (waiting != null) {
            waiting.remove(relay.forwardedCallId(), relay);
        }
    }
}
