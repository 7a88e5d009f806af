package io.aldis.protocol.api.params;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aldis.protocol.api.QuotedText;
import java.util.List;

/**
 * Parameters that could not be decoded or did not validate, with every field error found. The
 * message names the first error; {@link #details()} is the RPC_ERROR details of docs/protocol.md.
 */
public final class InvalidParamsException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;

    /** @param errors at least one */
    public InvalidParamsException(List<FieldError> errors) {
        super(message(errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    /** Every error found, in the order of the parameters. */
    public List<FieldError> errors() {
        return errors;
    }

    /** {@code {"errors":[{"path":...,"reason":...}]}}, the details of an INVALID_PARAMS error. */
    public String details() {
        ObjectNode root = StrictJson.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("errors");
        for (FieldError e : errors) {
            list.addObject().put("path", e.path()).put("reason", e.reason());
        }
        return root.toString();
    }

    private static String message(List<FieldError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("invalid parameters need at least one error");
        }
        return errors.size() == 1 ? describe(errors.get(0))
                : errors.size() + " invalid parameters, first " + describe(errors.get(0));
    }

    private static String describe(FieldError error) {
        // the path is made of the caller's own JSON keys
        return (error.path().isEmpty() ? "" : "parameter '" + QuotedText.of(error.path(), 64) + "': ") + error.reason();
    }
}
