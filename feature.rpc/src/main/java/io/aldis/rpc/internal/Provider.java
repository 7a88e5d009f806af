package io.aldis.rpc.internal;

import io.aldis.rpc.api.MethodInfo;
import io.aldis.rpc.api.ServiceInfo;
import io.aldis.spi.node.Session;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A connected client that provides a service: calls of it are forwarded to the client's session. */
final class Provider {
    final Session session;
    final String service;
    /** The methods the client's descriptor announced; empty when it announced none (any method is forwarded). */
    final List<MethodInfo> methods;
    final AtomicInteger inFlight = new AtomicInteger();
    final Set<Call> calls = ConcurrentHashMap.newKeySet();
    volatile boolean gone;

    Provider(Session session, String service, List<MethodInfo> methods) {
        this.session = session;
        this.service = service;
        this.methods = List.copyOf(methods);
    }

    boolean serves(String method) {
        return methods.isEmpty() || methods.stream().anyMatch(m -> m.name().equals(method));
    }

    ServiceInfo info() {
        return new ServiceInfo(service, "client:" + session.id(), methods);
    }
}
