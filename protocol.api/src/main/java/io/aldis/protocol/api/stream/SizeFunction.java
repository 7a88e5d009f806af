package io.aldis.protocol.api.stream;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A named cost function for streams in {@code custom} credit mode (docs/protocol.md 6.4.4). Both
 * sides of a stream look the function up by the name the callee puts in STREAM_OPEN's metadata
 * and compute every item's cost themselves, so the cost must depend on the item's bytes alone:
 * the same bytes give the same cost on every side and in every language.
 *
 * <p>The node finds size functions as OSGi services carrying {@link #NAME_PROPERTY}; a client
 * library takes them from its application. Implementations must be thread-safe: one instance
 * serves every stream that names it.
 */
@ConsumerType
public interface SizeFunction {
    /** The service property under which the node finds a size function by its name. */
    String NAME_PROPERTY = "aldis.stream.sizeFunction";

    /** The name STREAM_OPEN metadata and method declarations use for this function; not empty. */
    String name();

    /**
     * The cost of one item. Values below 1 count as 1 and values above 2<sup>31</sup>-1 as
     * 2<sup>31</sup>-1 ({@link CreditMeter} clamps them).
     *
     * @param item the item's bytes, as in STREAM_DATA, from position to limit; a read-only view
     *        whose position the function may move
     */
    long sizeOf(ByteBuffer item);
}
