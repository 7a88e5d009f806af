package io.aldis.examples.api;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link Meters#total} answers.
 *
 * @param readings  how many readings were totalled
 * @param wattHours their sum
 * @param perMeter  the sum of each meter, by meter name in alphabetical order
 */
public record Totals(long readings, long wattHours, Map<String, Long> perMeter) {
    public Totals {
        perMeter = Collections.unmodifiableMap(new TreeMap<>(perMeter));
    }
}
