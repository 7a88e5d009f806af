package io.aldis.protocol.api.params;

import java.util.List;

/**
 * A further check of each decoded parameter, such as constraint annotations; its errors are
 * reported together with the decoding errors of the other parameters.
 */
@FunctionalInterface
public interface ValueCheck {
    /** No check beyond decoding. */
    ValueCheck NONE = (index, value, errors) -> {
    };

    /**
     * Checks the decoded value of parameter {@code index} (null when absent), adding what is wrong
     * to {@code errors}. Not called for a parameter that could not be decoded.
     */
    void check(int index, Object value, List<FieldError> errors);
}
