package io.aldis.feature.rpc.internal;

/**
 * One reason why parameters do not validate.
 *
 * @param path   where: the parameter name, then {@code .field} and {@code [index]} steps
 * @param reason why, for a person to read
 */
record FieldError(String path, String reason) {
}
