package io.aldis.feature.rpc.internal.providers;

import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.CallWork;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.calls.StreamReply;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamRelay;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A call forwarded to a client provider under an id the node gave it (the provider never sees the
 * caller's), and, when it was forwarded with {@code STREAMS}, the relay of its stream. Once the
 * caller's stream is open the provider's answer goes through it, as the answer of a call to an OSGi
 * service does: after the provider's items and their end, and kept with the stream while the
 * caller may resume it (docs/protocol.md 6.4.5, 6.4.7, 6.4.8). A call whose stream is open
 * outlives a break of the provider's connection while the provider may resume its session: it is
 * then answered from the resumed session.
 */
final class ForwardedCall implements CallWork {
    final Call call;
    final Provider provider;
    final long nodeCallId;
    private final Map<Long, ForwardedCall> forwarded;
    private final Map<String, Set<ForwardedCall>> kept;
    /** The provider's session the call is answered from: a resumed session's once it took the call over. */
    private volatile Session providerSession;
    /** The resume key of the provider's broken connection while the call waits for its resumed session. */
    private volatile String keptFor;
    /** The call ends with the provider's answer: that closes the relayed streams, not an error. */
    private volatile boolean answeredByProvider;

    // guarded by this
    private StreamRelay relay;
    private boolean ended;
    private boolean streamOpened;

    /**
     * @param forwarded the calls forwarded to providers, by the node's call id, which this call joins
     * @param kept      the calls waiting for a provider's resumed session, by resume key
     */
    ForwardedCall(Call call, Provider provider, long nodeCallId, Map<Long, ForwardedCall> forwarded,
            Map<String, Set<ForwardedCall>> kept) {
        this.call = call;
        this.provider = provider;
        this.nodeCallId = nodeCallId;
        this.forwarded = forwarded;
        this.kept = kept;
        this.providerSession = provider.session;
    }

    /** Whether {@code session} is the provider's session of the call, which may answer it. */
    boolean answeredFrom(Session session) {
        return providerSession.id().equals(session.id());
    }

    /**
     * The provider's connection broke and it may resume its session: whether the call waits for
     * that, which it does when its stream is open (the streaming feature keeps that stream, and
     * fails the call with {@code PROVIDER_GONE} when the provider does not come back in time).
     */
    boolean keepFor(String resumeKey) {
        synchronized (this) {
            if (!streamOpened || ended) {
                return false;
            }
        }
        keptFor = resumeKey;
        kept.computeIfAbsent(resumeKey, k -> ConcurrentHashMap.newKeySet()).add(this);
        return true;
    }

    /** The provider resumed its session as {@code session}: the call is answered from there now. */
    void resumedOn(Session session) {
        providerSession = session;
        keptFor = null;
    }

    /** Takes the provider's slot and makes the call findable by the id the provider answers with. */
    void register() {
        provider.inFlight.incrementAndGet();
        provider.calls.add(call);
        forwarded.put(nodeCallId, this);
    }

    /** The relay of the call's stream; closed at once when the call has ended meanwhile. */
    void relay(StreamRelay opened) {
        synchronized (this) {
            if (!ended) {
                relay = opened;
                return;
            }
        }
        opened.close(call.failureCode(), call.failureMessage());
    }

    /** The provider's RPC_RESPONSE or RPC_ERROR is about to end the call. */
    void providerAnswers() {
        answeredByProvider = true;
    }

    /** How the relayed stream goes, for the call's answer and its stream counters. */
    CallStreamListener streamListener(Calls calls) {
        return new CallStreamListener() {
            @Override
            public void opened(CallStream stream) {
                synchronized (ForwardedCall.this) {
                    if (ended) {
                        return;
                    }
                    streamOpened = true;
                }
                call.streamCounters().opened();
                call.replyThrough(new StreamReply(stream));
            }

            @Override
            public void ended() {
                // The provider's answer, given to the stream whenever it came, follows this end by itself.
            }

            @Override
            public void failed(int code, String message) {
                calls.fail(call, code, message, "");
            }

            @Override
            public void itemSent(int bytes) {
                call.streamCounters().sent(bytes);
            }

            @Override
            public void itemReceived(int bytes) {
                call.streamCounters().received(bytes);
            }
        };
    }

    @Override
    public void ended(Call ended) {
        forwarded.remove(nodeCallId);
        String waitingFor = keptFor;
        if (waitingFor != null) {
            kept.computeIfPresent(waitingFor, (key, calls) -> {
                calls.remove(this);
                return calls.isEmpty() ? null : calls;
            });
        }
        provider.inFlight.decrementAndGet();
        provider.calls.remove(ended);
        StreamRelay r;
        boolean counted;
        synchronized (this) {
            this.ended = true;
            r = relay;
            counted = streamOpened;
        }
        if (counted) {
            ended.streamCounters().ended(ended.failureCode());
        }
        if (r != null) {
            if (answeredByProvider) {
                r.close(0, "");
            } else {
                r.close(ended.failureCode(), ended.failureMessage());
            }
        }
    }

    @Override
    public void abandon(Call abandoned, boolean tellPeer) {
        Session to = providerSession;
        boolean reachable = to == provider.session ? !provider.gone : to.state() != SessionState.CLOSED;
        if (tellPeer && reachable) {
            to.send(new RpcCancel(nodeCallId));
        }
    }
}
