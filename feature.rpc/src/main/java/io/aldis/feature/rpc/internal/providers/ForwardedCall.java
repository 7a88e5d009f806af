package io.aldis.feature.rpc.internal.providers;

import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.CallWork;
import io.aldis.protocol.api.RpcCancel;
import java.util.Map;

/** A call forwarded to a client provider under an id the node gave it (the provider never sees the caller's). */
final class ForwardedCall implements CallWork {
    final Call call;
    final Provider provider;
    final long nodeCallId;
    private final Map<Long, ForwardedCall> forwarded;

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

    @Override
    public void ended(Call ended) {
        forwarded.remove(nodeCallId);
        provider.inFlight.decrementAndGet();
        provider.calls.remove(ended);
    }

    @Override
    public void abandon(Call abandoned, boolean tellPeer) {
        if (tellPeer && !provider.gone) {
            provider.session.send(new RpcCancel(nodeCallId));
        }
    }
}
