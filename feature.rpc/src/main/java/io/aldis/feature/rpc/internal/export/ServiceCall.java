package io.aldis.feature.rpc.internal.export;

import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.CallWork;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** A call running on an exported service: the worker's task or the future the method returned. */
final class ServiceCall implements CallWork {
    private final ExportedService service;
    /** Interrupts its worker only while it runs this call, for cancels and deadlines. */
    volatile Future<?> task;
    volatile CompletableFuture<?> stage;

    ServiceCall(ExportedService service) {
        this.service = service;
    }

    @Override
    public void ended(Call call) {
        service.calls.remove(call);
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
