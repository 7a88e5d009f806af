package io.aldis.feature.rpc.internal;

import java.util.List;

/** Parameters that could not be decoded or did not validate, with every field error found. */
final class InvalidParamsException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;

    InvalidParamsException(List<FieldError> errors) {
        super(errors.size() == 1 ? describe(errors.get(0))
                : errors.size() + " invalid parameters, first " + describe(errors.get(0)), null, false, false);
        this.errors = List.copyOf(errors);
    }

    List<FieldError> errors() {
        return errors;
    }

    private static String describe(FieldError error) {
        return (error.path().isEmpty() ? "" : "parameter '" + error.path() + "': ") + error.reason();
    }
}
