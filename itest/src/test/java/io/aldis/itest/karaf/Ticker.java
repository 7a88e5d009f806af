package io.aldis.itest.karaf;

import java.util.concurrent.Flow;

/** The streaming service {@link StreamingFeatureIT} installs: numbers from a start, without end. */
public interface Ticker {
    /** start, start + 1, … as the caller asks for them. */
    Flow.Publisher<Long> from(long start);

    /** {@code count} numbers from {@code start}. */
    Flow.Publisher<Long> range(long start, int count);
}
