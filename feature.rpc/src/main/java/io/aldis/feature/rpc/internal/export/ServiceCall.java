package io.aldis.feature.rpc.internal.export;

import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.CallWork;
import io.aldis.protocol.api.spi.stream.CallStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A call running on an exported service: the worker's task or the future the method returned,
 * and for a streaming method its stream or the collection of its batch, which end with the call.
 */
final class ServiceCall implements CallWork {
    private final ExportedService service;
    /** Interrupts its worker only while it runs this call, for cancels and deadlines. */
    volatile Future<?> task;
    volatile CompletableFuture<?> stage;

    // guarded by this
    private boolean ended;
    private CallStream stream;
    private CompletableFuture<byte[]> batch;

    ServiceCall(ExportedService service) {
        this.service = service;
    }

    /** The call's stream, opened (and counted) for it; closed at once when the call has ended meanwhile. */
    void stream(CallStream opened, Call call) {
        synchronized (this) {
            if (!ended) {
                stream = opened;
                return;
            }
        }
        call.streamCounters().ended(call.failureCode());
        opened.close(call.failureCode(), call.failureMessage());
    }

    /** The call's stream, or null when it has none. */
    synchronized CallStream stream() {
        return stream;
    }

    /** The collection of the call's batch; cancelled at once when the call has ended meanwhile. */
    void batch(CompletableFuture<byte[]> collection, Call call) {
        synchronized (this) {
            if (!ended) {
                batch = collection;
                return;
            }
        }
        collection.cancel(false);
    }

    @Override
    public void ended(Call call) {
        service.calls.remove(call);
        CallStream s;
        CompletableFuture<byte[]> b;
        synchronized (this) {
            ended = true;
            s = stream;
            b = batch;
        }
        if (s != null) {
            call.streamCounters().ended(call.failureCode());
            s.close(call.failureCode(), call.failureMessage());
        }
        if (b != null) {
            b.cancel(false);
        }
    }

    @Override
    public void abandon(Call call, boolean tellPeer) {
        Future<?> t = task;
        if (t != null) {
            t.cancel(true);
        }
        CompletableFuture<?> s = stage;
        if (s != null) {
            s.cancel(true);
        }
    }
}
