package io.aldis.protocol.api.spi.stream;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.StreamDirection;
import java.util.Objects;

/**
 * How the callee's method streams, as its declaration says: what STREAM_OPEN announces.
 *
 * @param method the call's {@code service.method}, for listings and messages
 * @param direction which way items flow, relative to the call
 * @param creditMode the unit of credit, for both directions
 * @param sizeFunction the name of the size function in {@code custom} mode, else null
 * @param highWaterMark the callee's high-water mark for the items it receives (direction 2 or 3,
 *        at least 1); 0 for direction 1, where only the caller's grant counts
 */
public record StreamSpec(String method, StreamDirection direction, CreditMode creditMode, String sizeFunction,
        int highWaterMark) {
    public StreamSpec {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(creditMode, "creditMode");
        if (direction.callerSends() ? highWaterMark < 1 : highWaterMark != 0) {
            throw new IllegalArgumentException("a stream of direction " + direction.code()
                    + (direction.callerSends() ? " needs a high-water mark of at least 1" : " has no high-water mark")
                    + ": " + highWaterMark);
        }
        if ((creditMode == CreditMode.CUSTOM) != (sizeFunction != null && !sizeFunction.isEmpty())) {
            throw new IllegalArgumentException("a size function is named in custom mode and only there");
        }
    }
}
