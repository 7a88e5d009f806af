package io.aldis.feature.rpc.internal.providers;

import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.export.ExportedMethod;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A connected client that provides a service: calls of it are forwarded to the client's session. */
public final class Provider {
    final Session session;
    final String service;
    private final ServiceDescriptor descriptor;
    final AtomicInteger inFlight = new AtomicInteger();
    final Set<Call> calls = ConcurrentHashMap.newKeySet();
    volatile boolean gone;

    Provider(Session session, String service, ServiceDescriptor descriptor) {
        this.session = session;
        this.service = service;
        this.descriptor = descriptor;
    }

    /** Whether the descriptor says {@code method} streams a parameter. */
    boolean streamsParameter(String method) {
        return descriptor.streamedParameters().contains(method);
    }

    /** How {@code method} streams as the descriptor declares it, or null when it streams nothing. */
    StreamSpec streamOf(String method) {
        return descriptor.streams().get(method);
    }

    /** The declared signature of a method, or null when the descriptor gave none. */
    ExportedMethod signature(String method) {
        return descriptor.signatures().get(method);
    }

    /** Whether calls of {@code method} go to this provider: its descriptor names it, or names no method at all. */
    public boolean serves(String method) {
        List<MethodInfo> methods = descriptor.methods();
        return methods.isEmpty() || methods.stream().anyMatch(m -> m.name().equals(method));
    }

    /** Calls forwarded to it and not answered yet. */
    public int inFlight() {
        return inFlight.get();
    }

    public ServiceInfo info() {
        return new ServiceInfo(service, "client:" + session.id(), descriptor.methods());
    }
}
