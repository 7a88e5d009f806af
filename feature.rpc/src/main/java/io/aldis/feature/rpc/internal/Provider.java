package io.aldis.feature.rpc.internal;

import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.protocol.api.spi.node.Session;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A connected client that provides a service: calls of it are forwarded to the client's session. */
final class Provider {
    final Session session;
    final String service;
    /** The methods the client's descriptor announced; empty when it announced none (any method is forwarded). */
    final List<MethodInfo> methods;
    /** The methods whose parameters the descriptor declared, by name: their calls are checked. */
    private final Map<String, ExportedMethod> signatures;
    final AtomicInteger inFlight = new AtomicInteger();
    final Set<Call> calls = ConcurrentHashMap.newKeySet();
    volatile boolean gone;

    Provider(Session session, String service, List<MethodInfo> methods, Map<String, ExportedMethod> signatures) {
        this.session = session;
        this.service = service;
        this.methods = List.copyOf(methods);
        this.signatures = Map.copyOf(signatures);
    }

    /** The declared signature of a method, or null when the descriptor gave none. */
    ExportedMethod signature(String method) {
        return signatures.get(method);
    }

    boolean serves(String method) {
        return methods.isEmpty() || methods.stream().anyMatch(m -> m.name().equals(method));
    }

    ServiceInfo info() {
        return new ServiceInfo(service, "client:" + session.id(), methods);
    }
}
