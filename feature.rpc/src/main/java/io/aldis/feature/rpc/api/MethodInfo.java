package io.aldis.feature.rpc.api;

import java.util.List;

/**
 * One callable method.
 *
 * @param name       the method name (without the service)
 * @param parameters the parameters as {@code name: type}, in order
 * @param result     the result type ({@code void} for none; the value type of a CompletionStage)
 */
public record MethodInfo(String name, List<String> parameters, String result) {
    public MethodInfo {
        parameters = List.copyOf(parameters);
    }
}
