package io.aldis.protocol.api.params;

import java.util.Objects;

/**
 * One reason why parameters do not decode or validate.
 *
 * @param path   where: the parameter name, then {@code .field} and {@code [index]} steps; empty for
 *               the parameters as a whole
 * @param reason why, for a person to read
 */
public record FieldError(String path, String reason) {
    public FieldError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
    }
}
