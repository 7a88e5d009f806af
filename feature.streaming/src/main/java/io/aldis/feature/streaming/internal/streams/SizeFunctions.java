package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.SizeFunction;

/** Finds the size functions the node knows by name: in Karaf, the registered {@link SizeFunction} services. */
@FunctionalInterface
public interface SizeFunctions {
    /** The function named {@code name}, or null when the node knows none of that name. */
    SizeFunction find(String name);

    /** What a stream's error says when the size function of {@code meter} threw {@code failure} on an item. */
    static String failedOnAnItem(CreditMeter meter, RuntimeException failure) {
        String why = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return "stream processing failed: the size function " + meter.sizeFunctionName().orElse(meter.toString())
                + " failed on an item: " + why;
    }
}
