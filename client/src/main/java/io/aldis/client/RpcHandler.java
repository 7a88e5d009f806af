package io.aldis.client;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Serves the calls of a service this client provides ({@link AldisClient#provide(String, RpcHandler)}),
 * at the level of JSON bytes. Called on a worker thread of the client, never on a network thread,
 * so it may block.
 */
@ConsumerType
@FunctionalInterface
public interface RpcHandler {
    /**
     * Answers one call.
     *
     * @param method  the method name without the service, such as {@code add} for {@code calculator.add}
     * @param params  the caller's parameters as UTF-8 JSON (an array by position or an object by
     *                name, as the caller sent them); empty when the caller sent none
     * @param context the call's deadline and cancellation
     * @return the result as UTF-8 JSON ({@code null} or an empty array mean JSON {@code null}); a
     *         failed stage, or an exception thrown here, becomes an RPC_ERROR: an
     *         {@link RpcCallException} with its code, message and details, anything else
     *         {@code SERVICE_ERROR} with the exception's message
     */
    CompletionStage<byte[]> handle(String method, byte[] params, CallContext context) throws Exception;
}
