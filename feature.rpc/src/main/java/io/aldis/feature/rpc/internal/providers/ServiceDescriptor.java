package io.aldis.feature.rpc.internal.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.internal.export.ExportedMethod;
import io.aldis.feature.rpc.internal.export.Json;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.stream.StreamCredit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The descriptor of a SERVICE_PROVIDE: what listings show, and the signatures calls are checked
 * against. {@code {"methods":[{"name":"echo","params":["text: String"],"result":"String"}]}}; a
 * method may also be given by name alone, and then its parameters are not checked.
 *
 * @param methods    the methods announced, in order; empty when none were (any method is forwarded)
 * @param signatures the methods whose parameters were declared, by name
 * @param streamedParameters the methods that stream a parameter ({@code Stream<T>}, docs/protocol.md 5.5)
 * @param streams how each streaming method streams, by name; its {@code method} is the bare method name
 */
record ServiceDescriptor(List<MethodInfo> methods, Map<String, ExportedMethod> signatures,
        Set<String> streamedParameters, Map<String, StreamSpec> streams) {
    private static final Set<String> STREAM_MEMBERS = Set.of("creditMode", "highWaterMark", "sizeFunction");
    private static final Set<String> CREDIT_MODES = Set.of("items", "bytes", "custom");

    ServiceDescriptor {
        methods = List.copyOf(methods);
        signatures = Map.copyOf(signatures);
        streamedParameters = Set.copyOf(streamedParameters);
        streams = Map.copyOf(streams);
    }

    /**
     * Reads a descriptor; blank is a service without a method list.
     *
     * @throws IllegalArgumentException saying in the protocol's words what is wrong with it
     */
    static ServiceDescriptor parse(String descriptor) {
        if (descriptor == null || descriptor.isBlank()) {
            return new ServiceDescriptor(List.of(), Map.of(), Set.of(), Map.of());
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(descriptor);
        } catch (StreamConstraintsException e) {
            throw new IllegalArgumentException("the service descriptor passes this node's limits for JSON: at most 64 "
                    + "levels of nesting and 100000 values");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the service descriptor is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the service descriptor must be a JSON object");
        }
        List<MethodInfo> methods = new ArrayList<>();
        Map<String, ExportedMethod> signatures = new HashMap<>();
        Set<String> streamedParameters = new HashSet<>();
        Map<String, StreamSpec> streams = new HashMap<>();
        for (JsonNode m : root.path("methods")) {
            if (m.isTextual()) {
                methods.add(new MethodInfo(m.asText(), List.of(), "?"));
            } else if (m.isObject() && m.path("name").isTextual()) {
                List<String> params = new ArrayList<>();
                m.path("params").forEach(p -> params.add(p.asText()));
                MethodInfo info = new MethodInfo(m.get("name").asText(), params, m.path("result").asText("?"));
                methods.add(info);
                StreamSpec spec = checkStreaming(info, m.get("stream"));
                if (spec != null) {
                    streams.put(info.name(), spec);
                    if (spec.direction().callerSends()) {
                        streamedParameters.add(info.name());
                    }
                }
                if (m.path("params").isArray()) {
                    signatures.put(info.name(), ExportedMethod.declared(info));
                }
            } else {
                throw new IllegalArgumentException("each method of the descriptor needs a name");
            }
        }
        return new ServiceDescriptor(methods, signatures, streamedParameters, streams);
    }

    /**
     * Checks how a method streams against its {@code stream} member.
     *
     * @return how the method streams, or null when it does not
     */
    private static StreamSpec checkStreaming(MethodInfo info, JsonNode stream) {
        int streamed = 0;
        for (String parameter : info.parameters()) {
            int colon = parameter.indexOf(':');
            if (isStream(colon < 0 ? parameter : parameter.substring(colon + 1))) {
                streamed++;
            }
        }
        String method = "method " + info.name();
        if (streamed > 1) {
            throw new IllegalArgumentException(method + " streams " + streamed + " parameters; at most one may stream");
        }
        boolean streamsResult = isStream(info.result());
        if (stream == null) {
            return spec(info, streamed == 1, streamsResult, "items", null, 0);
        }
        if (streamed == 0 && !streamsResult) {
            throw new IllegalArgumentException(method + " has a stream member but streams nothing");
        }
        if (!stream.isObject()) {
            throw new IllegalArgumentException(method + ": stream must be an object");
        }
        stream.fieldNames().forEachRemaining(member -> {
            if (!STREAM_MEMBERS.contains(member)) {
                throw new IllegalArgumentException(method + ": unknown stream member '" + member + "'");
            }
        });
        JsonNode mode = stream.path("creditMode");
        String creditMode = mode.isMissingNode() ? "items" : mode.asText("");
        if (!mode.isMissingNode() && (!mode.isTextual() || !CREDIT_MODES.contains(creditMode))) {
            throw new IllegalArgumentException(method + ": creditMode must be \"items\", \"bytes\" or \"custom\"");
        }
        JsonNode mark = stream.path("highWaterMark");
        if (!mark.isMissingNode() && (!mark.canConvertToInt() || !mark.isIntegralNumber() || mark.intValue() < 1)) {
            throw new IllegalArgumentException(method + ": highWaterMark must be an integer from 1 to 2147483647");
        }
        if (streamed == 1 && mark.isMissingNode() && !creditMode.equals("items")) {
            throw new IllegalArgumentException(method + ": a streamed parameter in " + creditMode
                    + " mode needs a highWaterMark");
        }
        JsonNode function = stream.path("sizeFunction");
        if (creditMode.equals("custom") != !function.isMissingNode()) {
            throw new IllegalArgumentException(method + ": sizeFunction is given in custom mode and only there");
        }
        if (!function.isMissingNode() && (!function.isTextual() || function.asText().isBlank())) {
            throw new IllegalArgumentException(method + ": sizeFunction must be a name");
        }
        return spec(info, streamed == 1, streamsResult, creditMode, function.isMissingNode() ? null : function.asText(),
                mark.isMissingNode() ? 0 : mark.intValue());
    }

    /** The stream a method declares, or null when it streams nothing; {@code highWaterMark} 0 for the default. */
    private static StreamSpec spec(MethodInfo info, boolean streamsParameter, boolean streamsResult, String creditMode,
            String sizeFunction, int highWaterMark) {
        if (!streamsParameter && !streamsResult) {
            return null;
        }
        StreamDirection direction = streamsParameter && streamsResult ? StreamDirection.BIDIRECTIONAL
                : streamsResult ? StreamDirection.CALLEE_TO_CALLER : StreamDirection.CALLER_TO_CALLEE;
        int mark = !streamsParameter ? 0
                : highWaterMark > 0 ? highWaterMark : StreamCredit.DEFAULT_ITEMS_HIGH_WATER_MARK;
        return new StreamSpec(info.name(), direction, CreditMode.valueOf(creditMode.toUpperCase(Locale.ROOT)),
                sizeFunction, mark);
    }

    private static boolean isStream(String type) {
        String t = type.trim();
        return t.startsWith("Stream<") && t.endsWith(">");
    }
}
