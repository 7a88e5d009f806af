package io.aldis.protocol.api;

import java.util.Objects;

/**
 * SERVICE_PROVIDE: a client offers a service that others may call through the node.
 *
 * @param requestId answered by ACK or ERROR
 * @param service the service name
 * @param descriptor a JSON object describing the methods, or the empty string
 */
public record ServiceProvide(long requestId, String service, String descriptor) implements Frame {
    public ServiceProvide {
        Objects.requireNonNull(service, "service");
        descriptor = descriptor == null ? "" : descriptor;
    }

    @Override
    public FrameType type() {
        return FrameType.SERVICE_PROVIDE;
    }
}
