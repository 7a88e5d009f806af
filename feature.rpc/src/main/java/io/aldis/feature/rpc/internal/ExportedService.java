package io.aldis.feature.rpc.internal;

import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.api.ServiceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An OSGi service exported under a name: its methods and the calls running on it. */
final class ExportedService {
    final String name;
    final Object target;
    final String origin;
    final int ranking;
    final long serviceId;
    /** The per-method concurrency limit from the service property, or 0 for the configured default. */
    final int maxConcurrency;
    /** Whether the methods run on the caller's I/O thread instead of a worker ({@code aldis.rpc.direct}). */
    final boolean direct;
    final Map<String, ExportedMethod> methods;
    final Set<Call> calls = ConcurrentHashMap.newKeySet();
    volatile boolean withdrawn;

    ExportedService(String name, Object target, String origin, int ranking, long serviceId, int maxConcurrency,
            boolean direct, Map<String, ExportedMethod> methods) {
        this.name = name;
        this.target = target;
        this.origin = origin;
        this.ranking = ranking;
        this.serviceId = serviceId;
        this.maxConcurrency = maxConcurrency;
        this.direct = direct;
        this.methods = Map.copyOf(methods);
    }

    ServiceInfo info() {
        List<MethodInfo> list = new ArrayList<>();
        methods.values().stream().map(ExportedMethod::info).sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(list::add);
        return new ServiceInfo(name, "osgi:" + origin, list);
    }
}
