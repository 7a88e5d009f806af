/**
 * Typed RPC as other bundles see it.
 *
 * <p><b>Exporting a service.</b> Register any OSGi service with the {@value
 * io.aldis.feature.rpc.api.RpcConstants#SERVICE} property (in a DS component, annotate it with
 * {@link io.aldis.feature.rpc.api.RpcService}); every public method of the interfaces it is registered
 * under becomes callable by authenticated clients as {@code service.method}. Parameters arrive
 * as JSON, an array by position or an object by parameter name, and are decoded with Jackson into
 * the declared parameter types (records, lists, maps, enums, nested objects). The constraint
 * annotations of this package ({@link io.aldis.feature.rpc.api.Required}, {@link io.aldis.feature.rpc.api.Min},
 * {@link io.aldis.feature.rpc.api.Max}, {@link io.aldis.feature.rpc.api.Size}, {@link io.aldis.feature.rpc.api.Pattern})
 * are checked on parameters and, recursively, on record components and fields; violations are
 * answered with {@code INVALID_PARAMS} and one entry per field path. A method may return a value,
 * nothing, or a {@link java.util.concurrent.CompletionStage}; it may throw
 * {@link io.aldis.feature.rpc.api.RpcException} to choose the error code, and any other exception is
 * answered with {@code SERVICE_ERROR} without a stack trace. Where methods run is the service's
 * choice ({@value io.aldis.feature.rpc.api.RpcConstants#DIRECT}): on a bounded pool of workers
 * ({@code false}), on the I/O thread that read the call ({@code true}, or
 * {@link io.aldis.feature.rpc.api.RpcDirect}), or, when it does not say, on that I/O thread while
 * each method's calls return promptly and on the workers otherwise.
 *
 * <p><b>Calling from inside the node.</b> The {@link io.aldis.feature.rpc.api.RpcRegistry} service lists
 * the callable services, calls them, and reports per-method statistics of calls and of their streams.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.aldis.feature.rpc.api;
