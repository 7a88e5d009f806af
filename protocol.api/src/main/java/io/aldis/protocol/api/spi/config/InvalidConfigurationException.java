package io.aldis.protocol.api.spi.config;

/**
 * A configuration that was rejected; the message is one line for the operator, naming the file
 * (or PID), the key, the value and what is wrong with it.
 */
public final class InvalidConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** A rejection with its one-line message. */
    public InvalidConfigurationException(String message) {
        super(message);
    }
}
