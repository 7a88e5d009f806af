package io.aldis.feature.pubsub.internal.routing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.aldis.protocol.api.Subscribe;
import java.io.IOException;

/**
 * The options of a SUBSCRIBE as the client wrote them (docs/protocol.md 6.2), before the node's
 * defaults and limits apply.
 *
 * @param policy      the policy's wire name as sent, or {@code null} when none was asked for
 * @param budgetBytes the budget asked for, or -1 when none was
 */
public record SubscriptionOptions(String policy, long budgetBytes) {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final SubscriptionOptions NONE = new SubscriptionOptions(null, -1);

    /**
     * Reads the options of a SUBSCRIBE; the empty string means none.
     *
     * @throws IllegalArgumentException saying, in the protocol's words, what is wrong with them
     */
    public static SubscriptionOptions parse(String json) {
        if (json.isBlank()) {
            return NONE;
        }
        String policy = null;
        long budget = -1;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("options must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case Subscribe.OPTION_POLICY -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new IllegalArgumentException("'" + Subscribe.OPTION_POLICY + "' must be a string");
                        }
                        policy = p.getText();
                    }
                    case Subscribe.OPTION_BUDGET_BYTES -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() <= 0) {
                            throw new IllegalArgumentException("'" + Subscribe.OPTION_BUDGET_BYTES
                                    + "' must be a positive integer");
                        }
                        budget = p.getLongValue();
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + field + "'");
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException("options must be one JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("options are not well-formed JSON");
        } catch (IOException e) {
            throw new IllegalArgumentException("options could not be read");
        }
        return new SubscriptionOptions(policy, budget);
    }
}
