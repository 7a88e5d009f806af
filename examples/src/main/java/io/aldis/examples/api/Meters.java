package io.aldis.examples.api;

import io.aldis.feature.rpc.api.Max;
import io.aldis.feature.rpc.api.Min;
import io.aldis.feature.rpc.api.Pattern;
import io.aldis.feature.rpc.api.Required;
import io.aldis.protocol.api.stream.StreamCredit;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Electricity meters, exported by the examples bundle as the remote service {@value #SERVICE}:
 * two streaming methods, one in each direction.
 *
 * <p>A method that returns a {@link Flow.Publisher} streams its items to the caller; one that
 * takes a {@link Flow.Publisher} parameter receives the caller's items. How the items travel is
 * the node's business: on a credit-controlled stream when the caller takes streams and the
 * streaming feature is installed, otherwise as a batch (a streamed result as one JSON array, a
 * streamed parameter given as a JSON array). The implementation is the same in both cases.
 */
@ProviderType
public interface Meters {
    /** The name the methods are called under ({@code examples.meters.readings}). */
    String SERVICE = "examples.meters";

    /** What a meter's name may be. */
    String METER_NAME = "[a-z][a-z0-9-]{0,31}";

    /**
     * The first {@code count} readings of a simulated meter, the i-th (from 1) being
     * {@code 10 × i} watt-hours. They are made only as the caller asks for them, so a caller
     * that stops reading stops the meter.
     *
     * @param meter the meter's name, such as {@code kitchen}
     * @param count how many readings, 1 to 1 000 000
     * @return the readings, made as they are requested
     */
    Flow.Publisher<Reading> readings(@Required @Pattern(METER_NAME) String meter, @Min(1) @Max(1_000_000) int count);

    /**
     * Totals the readings the caller sends, per meter and overall, once the caller has sent them
     * all. Each reading is checked against {@link Reading}'s constraints as it arrives; a
     * reading that breaks one fails the call with {@code INVALID_PARAMS}.
     *
     * <p>{@link StreamCredit} sets the high-water mark of this method's stream: on a stream the
     * node holds at most 32 readings of one call that this method has not yet taken, and the
     * caller never gets ahead of that (in a batch the caller has sent them all at once). Without
     * the annotation a streaming method counts items with a high-water mark of
     * {@value StreamCredit#DEFAULT_ITEMS_HIGH_WATER_MARK}; {@code mode = CreditMode.BYTES} would
     * count bytes instead.
     *
     * @param readings the caller's readings
     * @return the totals, once the last reading has arrived
     */
    @StreamCredit(highWaterMark = 32)
    CompletionStage<Totals> total(Flow.Publisher<Reading> readings);
}
