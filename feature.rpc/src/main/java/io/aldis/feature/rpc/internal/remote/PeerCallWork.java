package io.aldis.feature.rpc.internal.remote;

import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.CallWork;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.feature.rpc.spi.RemoteCalls;
import io.aldis.feature.rpc.spi.RunningCall;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.spi.node.Session;

/**
 * A call of this node that another node serves: sends it there, brings its answer back to the
 * call, and cancels it there when the call ends without that answer (the caller's RPC_CANCEL, its
 * deadline, its session gone, this feature stopping).
 */
public final class PeerCallWork implements CallWork, CallAnswer {
    /** An RPC_RESPONSE's bytes before its result: type, flags, call id. */
    private static final int RESPONSE_HEADER = 10;

    private final Calls calls;
    private final Call call;
    private volatile RunningCall running;

    private PeerCallWork(Calls calls, Call call) {
        this.calls = calls;
        this.call = call;
    }

    /** Sends {@code call} to {@code peer} with what is left of its deadline. */
    public static void send(Calls calls, Call call, RemoteCalls.Peer peer) {
        PeerCallWork work = new PeerCallWork(calls, call);
        if (!call.attach(work)) {
            return;
        }
        int left = call.timeoutMillis() <= 0 ? 0
                : (int) Math.max(1, call.timeoutMillis() - call.elapsedMillis());
        RunningCall sent = peer.send(call.method(), call.params(), left, work);
        work.running = sent;
        if (call.isAbandoned()) {
            // Cancelled or timed out while it was being sent: abandon() found nothing to cancel yet.
            sent.cancel();
        }
    }

    @Override
    public void result(byte[] json) {
        // The serving node has no session to fit the answer to (a batched streamed result may be
        // up to 16 MiB there): the caller's frame limit is checked here, as 6.4.1 says.
        Session session = call.session();
        if (session != null && json.length > session.limits().maxFrameSize() - RESPONSE_HEADER) {
            calls.fail(call, ErrorCode.MESSAGE_TOO_LARGE.code(), "the result of " + call.method() + " ("
                    + json.length + " bytes) does not fit in one answer of at most "
                    + (session.limits().maxFrameSize() - RESPONSE_HEADER) + " bytes (maxFrameSize)", "");
            return;
        }
        calls.complete(call, json);
    }

    @Override
    public void error(int code, String message, String details) {
        calls.fail(call, code, message, details == null ? "" : details);
    }

    @Override
    public void ended(Call ended) {
        // Nothing is held on this node: the slots are the call's own.
    }

    @Override
    public void abandon(Call abandoned, boolean tellPeer) {
        RunningCall r = running;
        if (r != null && tellPeer) {
            r.cancel();
        }
    }
}
