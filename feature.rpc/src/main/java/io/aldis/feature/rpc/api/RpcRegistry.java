package io.aldis.feature.rpc.api;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The RPC feature as an OSGi service: what is callable right now, a way to call it from inside
 * the node (as the shell does), and the per-method statistics also published over JMX.
 */
@ProviderType
public interface RpcRegistry {
    /** The services callable right now: OSGi services and services provided by connected clients. */
    List<ServiceInfo> services();

    /**
     * Calls {@code service.method} with parameters given as UTF-8 JSON, as a trusted caller inside
     * the node (no permission check). The future completes with the result as JSON, or
     * exceptionally with an {@link RpcException} carrying the error code.
     *
     * @param timeout the deadline, or {@code null} or zero for none
     */
    CompletableFuture<String> call(String method, String paramsJson, Duration timeout);

    /** Statistics of every method called since the feature started, sorted by method. */
    List<MethodStats> stats();

    /** Statistics of the streams of every method that opened one since the feature started, sorted by method. */
    List<StreamStats> streamStats();
}
