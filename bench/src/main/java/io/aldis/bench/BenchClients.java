package io.aldis.bench;

import io.aldis.client.AldisClient;
import java.time.Duration;
import java.util.Map;

/**
 * The product's Java client as the messaging and stream benchmarks build it: with its defaults,
 * but for the run's option {@value #CALLBACK_OPTION}, so that one run can set the client's
 * callbacks apart from the defaults and a second run compare.
 */
final class BenchClients {
    /**
     * Option: the microseconds a callback may hold a client's I/O thread
     * ({@code AldisClient.Builder.callbackOnIoThreadLimit}; 0: every callback on the client's pool,
     * as before December 2026); empty: the client's default.
     */
    static final String CALLBACK_OPTION = "clientCallbackMicros";

    private static volatile Duration callbackLimit;

    private BenchClients() {
    }

    /** Takes the run's options. */
    static void configure(Map<String, String> opts) {
        String micros = opts.getOrDefault(CALLBACK_OPTION, "").trim();
        callbackLimit = micros.isEmpty() ? null : Duration.ofNanos(1000L * Long.parseLong(micros));
    }

    /** A builder with the client's defaults and the run's options. */
    static AldisClient.Builder builder() {
        AldisClient.Builder builder = AldisClient.builder();
        Duration limit = callbackLimit;
        if (limit != null) {
            builder.callbackOnIoThreadLimit(limit);
        }
        return builder;
    }
}
