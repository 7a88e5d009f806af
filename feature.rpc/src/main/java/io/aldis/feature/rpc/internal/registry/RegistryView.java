package io.aldis.feature.rpc.internal.registry;

import io.aldis.feature.rpc.api.MethodStats;
import io.aldis.feature.rpc.api.RpcException;
import io.aldis.feature.rpc.api.RpcRegistry;
import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.feature.rpc.api.StreamStats;
import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.CallReply;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The feature as the shell, JMX and other bundles see it ({@link RpcRegistry}): the directory's
 * listing, the counters, and calls made inside the node, which run like a session's calls without
 * a session and with ids of their own (negative, so they never meet a session's).
 */
public final class RegistryView implements RpcRegistry {
    /** Starts a call the way a session's RPC_REQUEST does; null when it was answered at once. */
    @FunctionalInterface
    public interface Starter {
        Call start(long callId, String method, byte[] params, int timeoutMillis, CallReply reply);
    }

    private final ServiceDirectory directory;
    private final Calls calls;
    private final Starter starter;
    private final AtomicLong localCallIds = new AtomicLong();

    public RegistryView(ServiceDirectory directory, Calls calls, Starter starter) {
        this.directory = directory;
        this.calls = calls;
        this.starter = starter;
    }

    @Override
    public List<ServiceInfo> services() {
        return directory.services();
    }

    @Override
    public CompletableFuture<String> call(String method, String paramsJson, Duration timeout) {
        CompletableFuture<String> result = new CompletableFuture<>();
        CallReply reply = new CallReply() {
            @Override
            public void result(long callId, byte[] json) {
                result.complete(new String(json, StandardCharsets.UTF_8));
            }

            @Override
            public void error(long callId, int code, String message, String details) {
                result.completeExceptionally(new RpcException(code, message, details));
            }
        };
        long millis = timeout == null ? 0 : Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
        byte[] params = paramsJson == null ? new byte[0] : paramsJson.getBytes(StandardCharsets.UTF_8);
        Call call = starter.start(-localCallIds.incrementAndGet(), method, params, (int) millis, reply);
        if (call != null) {
            result.whenComplete((value, failure) -> {
                if (result.isCancelled()) {
                    calls.abort(call, ErrorCode.CANCELLED.code(), "cancelled by the caller", true);
                }
            });
        }
        return result;
    }

    @Override
    public List<MethodStats> stats() {
        return calls.stats();
    }

    @Override
    public List<StreamStats> streamStats() {
        return calls.streamStats();
    }
}
