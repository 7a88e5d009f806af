package io.aldis.feature.streaming.internal.relay;

import io.aldis.feature.streaming.internal.streams.SizeFunctions;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.stream.StreamRelay;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.stream.StreamIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams the node relays between callers and the clients that provide services
 * (docs/protocol.md 6.4.8): the forwarded calls that expect a provider's STREAM_OPEN, by provider
 * session and the node's call id, and the providers' open streams, by session and stream id,
 * which the provider chose and so are odd. Thread-safe; frames are handled on the provider's
 * event loop.
 */
public final class Relays {
    private final CallStreams callerStreams;
    private final SizeFunctions sizeFunctions;
    private final Map<UUID, Map<Long, Relay>> expected = new ConcurrentHashMap<>();
    private final Map<UUID, Map<Long, ProviderStream>> open = new ConcurrentHashMap<>();

    /**
     * @param callerStreams opens the caller's side of each relayed stream, where the node is the callee
     * @param sizeFunctions the size functions the node knows
     */
    public Relays(CallStreams callerStreams, SizeFunctions sizeFunctions) {
        this.callerStreams = callerStreams;
        this.sizeFunctions = sizeFunctions;
    }

    /** As {@link CallStreams#relay}, once the sessions were found to take streams. */
    public StreamRelay relay(Session caller, long callId, Session provider, long forwardedCallId, StreamSpec declared,
            CallStreamListener listener) {
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
        if (stream == null) {
            return true;
        }
        if (frame instanceof StreamData data) {
            stream.data(data);
        } else if (frame instanceof StreamCredit credit) {
            stream.credit(credit.credit());
        } else if (frame instanceof StreamEnd) {
            stream.end();
        } else if (frame instanceof StreamCancel) {
            stream.cancel();
        } else {
            stream.error((StreamError) frame);
        }
        return true;
    }

    /** The session ended: the streams it provided end, and so do the callers' streams of them. */
    public void sessionClosed(Session session) {
        Map<Long, Relay> waiting = expected.remove(session.id());
        Map<Long, ProviderStream> streams = open.remove(session.id());
        String why = "the client providing the service disconnected";
        if (streams != null) {
            for (ProviderStream stream : streams.values()) {
                stream.onLoop(() -> stream.providerGone(ErrorCode.PROVIDER_GONE.code(), why));
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

    /**
     * The feature stops: streams not opened by their provider yet fail with
     * {@code CAPABILITY_UNAVAILABLE}, and the provider is told of the others, whose callers' streams
     * end with the feature's other streams.
     */
    public void stop() {
        String why = "streaming was uninstalled";
        for (Map<Long, ProviderStream> streams : List.copyOf(open.values())) {
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

    CallStreams callerStreams() {
        return callerStreams;
    }

    SizeFunctions sizeFunctions() {
        return sizeFunctions;
    }

    ProviderStream find(Session session, long streamId) {
        Map<Long, ProviderStream> streams = open.get(session.id());
        return streams == null ? null : streams.get(streamId);
    }

    void add(ProviderStream stream) {
        open.computeIfAbsent(stream.session().id(), id -> new ConcurrentHashMap<>()).put(stream.streamId(), stream);
    }

    void remove(ProviderStream stream) {
        Map<Long, ProviderStream> streams = open.get(stream.session().id());
        if (streams != null) {
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
