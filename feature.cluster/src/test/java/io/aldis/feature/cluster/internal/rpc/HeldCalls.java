package io.aldis.feature.cluster.internal.rpc;

import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.feature.rpc.spi.LocalCalls;
import io.aldis.feature.rpc.spi.RunningCall;
import io.aldis.feature.rpc.spi.StreamOpener;
import io.aldis.protocol.api.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands for a node's RPC in tests of the link between nodes: it serves the services it is given,
 * holds every call that reaches it until the test answers it, and, as RPC does, answers a
 * cancelled call with {@code CANCELLED}.
 */
final class HeldCalls implements LocalCalls {
    /** A call that reached this node. */
    static final class Held {
        final String method;
        final int timeoutMillis;
        final CallAnswer answer;
        /** For a call with streams, what opens its stream toward the calling node; null otherwise. */
        final StreamOpener streams;
        volatile boolean cancelled;

        Held(String method, int timeoutMillis, CallAnswer answer, StreamOpener streams) {
            this.method = method;
            this.timeoutMillis = timeoutMillis;
            this.answer = answer;
            this.streams = streams;
        }
    }

    private final Map<String, Integer> services;
    private final Set<String> exported;
    final List<Held> calls = new CopyOnWriteArrayList<>();
    /** Whether a cancelled call answers CANCELLED, as RPC's calls do; else it answers nothing. */
    volatile boolean answersWhenCancelled = true;

    /** Serves {@code services}, each exported by an OSGi service. */
    HeldCalls(Map<String, Integer> services) {
        this(services, services.keySet());
    }

    /** Serves {@code services}, those in {@code exported} exported by an OSGi service, the others provided by clients. */
    HeldCalls(Map<String, Integer> services, Set<String> exported) {
        this.services = services;
        this.exported = exported;
    }

    @Override
    public Map<String, Integer> services() {
        return services;
    }

    @Override
    public Set<String> exportedServices() {
        return exported;
    }

    @Override
    public RunningCall run(String method, byte[] params, int timeoutMillis, CallAnswer answer) {
        return run(method, params, timeoutMillis, null, answer);
    }

    /** A call with streams is held the same way; the test may open its stream through {@link Held#streams}. */
    @Override
    public RunningCall run(String method, byte[] params, int timeoutMillis, StreamOpener streams, CallAnswer answer) {
        Held held = new Held(method, timeoutMillis, answer, streams);
        calls.add(held);
        return () -> {
            held.cancelled = true;
            if (answersWhenCancelled) {
                answer.error(ErrorCode.CANCELLED.code(), "cancelled by the caller", "");
            }
        };
    }
}
