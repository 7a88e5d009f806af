package io.aldis.feature.rpc.spi;

import org.osgi.annotation.versioning.ConsumerType;

/** Where the answer of a call that crosses between nodes goes; it gets one answer, later ones are ignored. */
@ConsumerType
public interface CallAnswer {
    /** The call's result, as UTF-8 JSON. */
    void result(byte[] json);

    /** The call failed, with an error code of docs/protocol.md 6, a message and details (possibly empty). */
    void error(int code, String message, String details);
}
