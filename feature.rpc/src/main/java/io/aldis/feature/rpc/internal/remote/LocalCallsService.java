package io.aldis.feature.rpc.internal.remote;

import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.CallReply;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.registry.ServiceDirectory;
import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.feature.rpc.spi.LocalCalls;
import io.aldis.feature.rpc.spi.RunningCall;
import io.aldis.feature.rpc.spi.StreamOpener;
import io.aldis.protocol.api.ErrorCode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What RPC offers the bundle that links nodes: the services served here with their calls in
 * flight, and calls sent by other nodes, run here like calls made inside the node (no session,
 * ids of their own) without asking the peers again; a call sent with streams opens its stream
 * through the opener the linking bundle gives, so that its items cross to the calling node.
 */
public final class LocalCallsService implements LocalCalls {
    /** Starts a call served on this node only; null when it was answered at once. */
    @FunctionalInterface
    public interface Starter {
        Call start(long callId, String method, byte[] params, int timeoutMillis, StreamOpener streams, CallReply reply);
    }

    private final ServiceDirectory directory;
    private final Calls calls;
    private final Starter starter;
    /** Negative like the node's own calls; these calls are kept in a set, not by id. */
    private final AtomicLong ids = new AtomicLong();

    public LocalCallsService(ServiceDirectory directory, Calls calls, Starter starter) {
        this.directory = directory;
        this.calls = calls;
        this.starter = starter;
    }

    @Override
    public Map<String, Integer> services() {
        return directory.inFlightByService();
    }

    @Override
    public Set<String> exportedServices() {
        return directory.exportedNames();
    }

    @Override
    public RunningCall run(String method, byte[] params, int timeoutMillis, CallAnswer answer) {
        return start(method, params, timeoutMillis, null, answer);
    }

    @Override
    public RunningCall run(String method, byte[] params, int timeoutMillis, StreamOpener streams, CallAnswer answer) {
        return start(method, params, timeoutMillis, streams, answer);
    }

    private RunningCall start(String method, byte[] params, int timeoutMillis, StreamOpener streams, CallAnswer answer) {
        CallReply reply = new CallReply() {
            @Override
            public void result(long callId, byte[] json) {
                answer.result(json);
            }

            @Override
            public void error(long callId, int code, String message, String details) {
                answer.error(code, message, details);
            }
        };
        Call call = starter.start(-ids.incrementAndGet(), method, params, Math.max(0, timeoutMillis), streams, reply);
        if (call == null) {
            return () -> { };
        }
        return () -> calls.abort(call, ErrorCode.CANCELLED.code(), "cancelled by the caller", true);
    }
}
