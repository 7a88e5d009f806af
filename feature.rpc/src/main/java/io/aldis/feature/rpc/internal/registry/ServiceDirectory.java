package io.aldis.feature.rpc.internal.registry;

import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.feature.rpc.internal.export.ExportedMethod;
import io.aldis.feature.rpc.internal.export.ExportedService;
import io.aldis.feature.rpc.internal.providers.ClientProviders;
import io.aldis.feature.rpc.internal.providers.Provider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every service callable right now, by name: OSGi services exported inside the node (of several
 * under one name, the highest ranking, then the oldest, serves) and services provided by connected
 * clients. Calls are resolved here, and listings read it.
 */
public final class ServiceDirectory {
    /** OSGi services by name, best first; guarded by {@code this}. */
    private final Map<String, List<ExportedService>> registered = new HashMap<>();
    /** The OSGi service that serves each name right now. */
    private final Map<String, ExportedService> active = new ConcurrentHashMap<>();
    private final ClientProviders clients;

    public ServiceDirectory(ClientProviders clients) {
        this.clients = clients;
    }

    /** Adds an exported service; it serves its name if it ranks best. */
    public synchronized void add(ExportedService service) {
        List<ExportedService> list = registered.computeIfAbsent(service.name(), k -> new ArrayList<>());
        list.add(service);
        list.sort(Comparator.comparingInt(ExportedService::ranking).reversed()
                .thenComparingLong(ExportedService::serviceId));
        active.put(service.name(), list.get(0));
    }

    /** Removes an exported service; the next best under its name, if any, serves it from now on. */
    public synchronized void remove(ExportedService service) {
        List<ExportedService> list = registered.get(service.name());
        if (list == null || !list.remove(service)) {
            return;
        }
        if (list.isEmpty()) {
            registered.remove(service.name());
            active.remove(service.name());
        } else {
            active.put(service.name(), list.get(0));
        }
    }

    /** Whether an OSGi service serves {@code name} inside the node. */
    public boolean exportedInside(String name) {
        return active.containsKey(name);
    }

    /** The names of the services OSGi services export inside the node. */
    public Set<String> exportedNames() {
        return Set.copyOf(active.keySet());
    }

    /** What {@code service.method} calls right now. */
    public Target resolve(String method) {
        int dot = method.lastIndexOf('.');
        if (dot <= 0 || dot == method.length() - 1) {
            return new Target.NotFound("a method is called as service.method, not '" + method + "'");
        }
        String service = method.substring(0, dot);
        String name = method.substring(dot + 1);
        ExportedService exported = active.get(service);
        if (exported != null) {
            ExportedMethod m = exported.method(name);
            return m != null ? new Target.Exported(exported, m)
                    : new Target.NotFound("service " + service + " has no method " + name);
        }
        List<Provider> providers = clients.of(service);
        if (providers.isEmpty()) {
            return new Target.NotFound("no service named " + service);
        }
        List<Provider> serving = providers.stream().filter(p -> p.serves(name)).toList();
        return serving.isEmpty() ? new Target.NotFound("service " + service + " has no method " + name)
                : new Target.Provided(serving);
    }

    /**
     * The calls in flight on {@code service} here, counting only the side that serves it (the
     * OSGi service, else its client providers), or -1 when nothing here serves it.
     */
    public int inFlight(String service) {
        ExportedService exported = active.get(service);
        if (exported != null) {
            return exported.inFlight();
        }
        List<Provider> providers = clients.of(service);
        if (providers.isEmpty()) {
            return -1;
        }
        int sum = 0;
        for (Provider p : providers) {
            sum += p.inFlight();
        }
        return sum;
    }

    /** Every service served here, with its calls in flight ({@link #inFlight}). */
    public Map<String, Integer> inFlightByService() {
        Map<String, Integer> out = new HashMap<>();
        for (ExportedService svc : active.values()) {
            out.put(svc.name(), svc.inFlight());
        }
        for (String name : clients.serviceNames()) {
            out.computeIfAbsent(name, n -> Math.max(0, inFlight(n)));
        }
        return out;
    }

    /** Every callable service, sorted by name, then provider. */
    public List<ServiceInfo> services() {
        List<ServiceInfo> list = new ArrayList<>();
        for (ExportedService svc : active.values()) {
            list.add(svc.info());
        }
        list.addAll(clients.infos());
        list.sort(Comparator.comparing(ServiceInfo::name).thenComparing(ServiceInfo::provider));
        return list;
    }
}
