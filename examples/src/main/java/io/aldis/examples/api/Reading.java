package io.aldis.examples.api;

import io.aldis.feature.rpc.api.Max;
import io.aldis.feature.rpc.api.Min;
import io.aldis.feature.rpc.api.Pattern;
import io.aldis.feature.rpc.api.Required;

/**
 * One reading of an electricity meter.
 *
 * @param meter     the meter's name, such as {@code kitchen} (see {@link Meters#METER_NAME})
 * @param wattHours the energy measured since the previous reading, 0 to 1 000 000
 */
public record Reading(
        @Required @Pattern(Meters.METER_NAME) String meter,
        @Min(0) @Max(1_000_000) long wattHours) {
}
