package io.aldis.feature.rpc.internal.providers;

import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.CallWork;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamRelay;
import java.util.Map;

/**
 * A call forwarded to a client provider under an id the node gave it (the provider never sees the
 * caller's), and, when it was forwarded with {@code STREAMS}, the relay of its stream: the
 * provider's answer then waits until the caller's stream has passed on the provider's items and
 * their end (docs/protocol.md 6.4.5, 6.4.8).
 */
final class ForwardedCall implements CallWork {
    final Call call;
    final Provider provider;
    final long nodeCallId;
    private final Map<Long, ForwardedCall> forwarded;

    // guarded by this
    private StreamRelay relay;
    private boolean ended;
    private boolean streamEnded;
    private Runnable heldAnswer;

    ForwardedCall(Call call, Provider provider, long nodeCallId, Map<Long, ForwardedCall> forwarded) {
        this.call = call;
        this.provider = provider;
        this.nodeCallId = nodeCallId;
        this.forwarded = forwarded;
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

    /**
     * The provider answered (RPC_RESPONSE or RPC_ERROR): whether its answer, {@code send}, is held
     * until the caller's stream has passed on the provider's items and their end or error (then
     * {@link #streamListener} runs it), so that the answer does not close the caller's stream
     * before they reached it.
     */
    boolean holdAnswer(Runnable send) {
        StreamRelay r;
        synchronized (this) {
            r = relay;
        }
        if (r == null || !r.providerAnswered()) {
            return false;
        }
        synchronized (this) {
            if (streamEnded) {
                return false;
            }
            heldAnswer = send;
            return true;
        }
    }

    /** How the relayed stream ends, for the call's answer. */
    CallStreamListener streamListener(Calls calls) {
        return new CallStreamListener() {
            @Override
            public void ended() {
                Runnable answer;
                synchronized (ForwardedCall.this) {
                    streamEnded = true;
                    answer = heldAnswer;
                    heldAnswer = null;
                }
                if (answer != null) {
                    answer.run();
                }
            }

            @Override
            public void failed(int code, String message) {
                // Both streams were told already; a held answer of the provider carries the same end.
                synchronized (ForwardedCall.this) {
                    streamEnded = true;
                    heldAnswer = null;
                }
                calls.fail(call, code, message, "");
            }
        };
    }

    @Override
    public void ended(Call ended) {
        forwarded.remove(nodeCallId);
        provider.inFlight.decrementAndGet();
        provider.calls.remove(ended);
        StreamRelay r;
        synchronized (this) {
            this.ended = true;
            r = relay;
        }
        if (r != null) {
            r.close(ended.failureCode(), ended.failureMessage());
        }
    }

    @Override
    public void abandon(Call abandoned, boolean tellPeer) {
        if (tellPeer && !provider.gone) {
            provider.session.send(new RpcCancel(nodeCallId));
        }
    }
}
