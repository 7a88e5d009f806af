package io.aldis.protocol.api;

import java.util.Objects;

/**
 * SERVICE_WITHDRAW: a client stops providing a service.
 *
 * @param requestId answered by ACK or ERROR
 * @param service the service name
 */
public record ServiceWithdraw(long requestId, String service) implements Frame {
    public ServiceWithdraw {
        Objects.requireNonNull(service, "service");
    }

    @Override
    public FrameType type() {
        return FrameType.SERVICE_WITHDRAW;
    }
}
