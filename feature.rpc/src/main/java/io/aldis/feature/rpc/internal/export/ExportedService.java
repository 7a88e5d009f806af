package io.aldis.feature.rpc.internal.export;

import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.feature.rpc.internal.calls.Call;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An OSGi service exported under a name: its methods and the calls running on it. */
public final class ExportedService {
    private final String name;
    final Object target;
    private final String origin;
    private final int ranking;
    private final long serviceId;
    /** The per-method concurrency limit from the service property, or 0 for the configured default. */
    private final int maxConcurrency;
    /** Where the methods run ({@code aldis.rpc.direct}). */
    final Placement placement;
    private final Map<String, ExportedMethod> methods;
    final Set<Call> calls = ConcurrentHashMap.newKeySet();
    volatile boolean withdrawn;

    ExportedService(String name, Object target, String origin, int ranking, long serviceId, int maxConcurrency,
            Placement placement, Map<String, ExportedMethod> methods) {
        this.name = name;
        this.target = target;
        this.origin = origin;
        this.ranking = ranking;
        this.serviceId = serviceId;
        this.maxConcurrency = maxConcurrency;
        this.placement = placement;
        this.methods = Map.copyOf(methods);
    }

    /** The name clients call it by, the part before the method's dot. */
    public String name() {
        return name;
    }

    /** The OSGi service ranking: of several services under one name the highest serves. */
    public int ranking() {
        return ranking;
    }

    /** The OSGi service id: among equal rankings the oldest (lowest) serves. */
    public long serviceId() {
        return serviceId;
    }

    /** The method called {@code name}, or null. */
    public ExportedMethod method(String methodName) {
        return methods.get(methodName);
    }

    /** The names of its methods. */
    public Set<String> methodNames() {
        return methods.keySet();
    }

    /** Calls of the service running or waiting for a worker now. */
    public int inFlight() {
        return calls.size();
    }

    /** How many calls of one method may be in flight: the service's own limit, or {@code configured}. */
    public int concurrencyLimit(int configured) {
        return maxConcurrency > 0 ? maxConcurrency : configured;
    }

    public ServiceInfo info() {
        List<MethodInfo> list = methods.values().stream().map(ExportedMethod::info)
                .sorted(Comparator.comparing(MethodInfo::name)).toList();
        return new ServiceInfo(name, "osgi:" + origin, list);
    }
}
