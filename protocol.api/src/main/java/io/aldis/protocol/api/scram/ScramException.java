package io.aldis.protocol.api.scram;

/**
 * A SCRAM message was malformed, violated RFC 5802, or failed verification. The message is meant
 * for logs; a server never forwards it to the peer.
 */
public class ScramException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a description of what was wrong. */
    public ScramException(String message) {
        super(message);
    }

    /** Creates an exception with a description and the underlying cause. */
    public ScramException(String message, Throwable cause) {
        super(message, cause);
    }
}
