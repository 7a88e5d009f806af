package io.aldis.feature.rpc.api;

import java.util.List;

/**
 * A callable service.
 *
 * @param name     the service name, the part of {@code service.method} before the last dot
 * @param provider who serves it: {@code osgi:<bundle symbolic name>} or {@code client:<session id>}
 * @param methods  its methods; for a client provider, the methods its descriptor announced
 */
public record ServiceInfo(String name, String provider, List<MethodInfo> methods) {
    public ServiceInfo {
        methods = List.copyOf(methods);
    }
}
