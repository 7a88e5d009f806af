package io.aldis.feature.rpc.internal.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.internal.export.ExportedMethod;
import io.aldis.feature.rpc.internal.export.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The descriptor of a SERVICE_PROVIDE: what listings show, and the signatures calls are checked
 * against. {@code {"methods":[{"name":"echo","params":["text: String"],"result":"String"}]}}; a
 * method may also be given by name alone, and then its parameters are not checked.
 *
 * @param methods    the methods announced, in order; empty when none were (any method is forwarded)
 * @param signatures the methods whose parameters were declared, by name
 */
record ServiceDescriptor(List<MethodInfo> methods, Map<String, ExportedMethod> signatures) {
    ServiceDescriptor {
        methods = List.copyOf(methods);
        signatures = Map.copyOf(signatures);
    }

    /**
     * Reads a descriptor; blank is a service without a method list.
     *
     * @throws IllegalArgumentException saying in the protocol's words what is wrong with it
     */
    static ServiceDescriptor parse(String descriptor) {
        if (descriptor == null || descriptor.isBlank()) {
            return new ServiceDescriptor(List.of(), Map.of());
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(descriptor);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the service descriptor is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the service descriptor must be a JSON object");
        }
        List<MethodInfo> methods = new ArrayList<>();
        Map<String, ExportedMethod> signatures = new HashMap<>();
        for (JsonNode m : root.path("methods")) {
            if (m.isTextual()) {
                methods.add(new MethodInfo(m.asText(), List.of(), "?"));
            } else if (m.isObject() && m.path("name").isTextual()) {
                List<String> params = new ArrayList<>();
                m.path("params").forEach(p -> params.add(p.asText()));
                MethodInfo info = new MethodInfo(m.get("name").asText(), params, m.path("result").asText("?"));
                methods.add(info);
                if (m.path("params").isArray()) {
                    signatures.put(info.name(), ExportedMethod.declared(info));
                }
            } else {
                throw new IllegalArgumentException("each method of the descriptor needs a name");
            }
        }
        return new ServiceDescriptor(methods, signatures);
    }
}
