package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.stream.SizeFunction;

/** Finds the size functions the node knows by name: in Karaf, the registered {@link SizeFunction} services. */
@FunctionalInterface
public interface SizeFunctions {
    /** The function named {@code name}, or null when the node knows none of that name. */
    SizeFunction find(String name);
}
