package io.aldis.feature.streaming.internal;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.util.Set;

/**
 * The feature's limits and scheduling, read key by key from the configuration of
 * {@link StreamingConfig} in Karaf or built directly in tests.
 *
 * @param maxStreamsPerSession  streams one session may have open
 * @param maxStreams            streams the node may have open over all sessions
 * @param maxHighWaterMarkItems the largest high-water mark a method may declare in items mode
 * @param maxHighWaterMarkBytes the same in bytes and custom mode
 * @param bytesPerTurn          stream bytes a connection writes in one turn
 * @param workerThreads         threads that talk to the services' publishers and subscribers
 * @param rapidResetMaxCancels  client cancels within the window past which the session is closed
 * @param rapidResetWindowMillis the window over which client cancels are counted
 * @param resumeWindowMillis    how long the streams of a lost connection wait for the client to
 *                              resume its session; 0 ends them with the connection
 * @param maxResendBytes        bytes of sent, not yet consumed items the node keeps over all streams
 *                              so that resumed sessions get again what a break lost; a stream that
 *                              would pass it is not kept when its connection breaks
 * @param publisherOnLoopMicros the longest a service's publisher may keep a connection's event loop
 *                              in one {@code request(n)} before its method's requests move to the
 *                              workers (see {@code OnLoopPolicy}); 0 asks publishers on the workers only
 */
public record StreamingSettings(int maxStreamsPerSession, int maxStreams, int maxHighWaterMarkItems,
        int maxHighWaterMarkBytes, int bytesPerTurn, int workerThreads, int rapidResetMaxCancels,
        int rapidResetWindowMillis, int resumeWindowMillis, long maxResendBytes, int publisherOnLoopMicros) {

    /** The keys of {@link StreamingConfig}, the only ones a streaming configuration may have. */
    public static final Set<String> KEYS = Set.of("maxStreamsPerSession", "maxStreams", "maxHighWaterMarkItems",
            "maxHighWaterMarkBytes", "bytesPerTurn", "workerThreads", "rapidResetMaxCancels",
            "rapidResetWindowMillis", "resumeWindowMillis", "maxResendBytes", "publisherOnLoopMicros");

    public StreamingSettings {
        atLeast("maxStreamsPerSession", maxStreamsPerSession, 1);
        atLeast("maxStreams", maxStreams, 1);
        atLeast("maxHighWaterMarkItems", maxHighWaterMarkItems, 1);
        atLeast("maxHighWaterMarkBytes", maxHighWaterMarkBytes, 1);
        atLeast("bytesPerTurn", bytesPerTurn, 1);
        atLeast("workerThreads", workerThreads, 1);
        atLeast("rapidResetMaxCancels", rapidResetMaxCancels, 2);
        atLeast("rapidResetWindowMillis", rapidResetWindowMillis, 1);
        atLeast("resumeWindowMillis", resumeWindowMillis, 0);
        atLeast("maxResendBytes", maxResendBytes, 0);
        atLeast("publisherOnLoopMicros", publisherOnLoopMicros, 0);
    }

    private static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " = " + value + ": must be at least " + min);
        }
    }

    /** The defaults of {@link StreamingConfig}. */
    public static StreamingSettings defaults() {
        return new StreamingSettings(64, 10_000, 4096, 16 * 1024 * 1024, 64 * 1024, 8, 200, 1000, 30_000, 128L * 1024 * 1024, 500);
    }

    /**
     * Settings read key by key from a configuration, each missing key taking its default.
     *
     * @throws InvalidConfigurationException naming the file, the key and the value of the first bad key
     */
    public static StreamingSettings from(ConfigValues c) {
        StreamingSettings d = defaults();
        int max = Integer.MAX_VALUE;
        return new StreamingSettings(c.integer("maxStreamsPerSession", d.maxStreamsPerSession(), 1, max),
                c.integer("maxStreams", d.maxStreams(), 1, max),
                c.integer("maxHighWaterMarkItems", d.maxHighWaterMarkItems(), 1, max),
                c.integer("maxHighWaterMarkBytes", d.maxHighWaterMarkBytes(), 1, max),
                c.integer("bytesPerTurn", d.bytesPerTurn(), 1, max),
                c.integer("workerThreads", d.workerThreads(), 1, 1024),
                c.integer("rapidResetMaxCancels", d.rapidResetMaxCancels(), 2, max),
                c.integer("rapidResetWindowMillis", d.rapidResetWindowMillis(), 1, max),
                c.integer("resumeWindowMillis", d.resumeWindowMillis(), 0, max),
                c.number("maxResendBytes", d.maxResendBytes(), 0, Long.MAX_VALUE),
                c.integer("publisherOnLoopMicros", d.publisherOnLoopMicros(), 0, 1_000_000));
    }

    /** The largest high-water mark a method may declare for the items it receives in {@code mode}. */
    public int maxHighWaterMark(CreditMode mode) {
        return mode == CreditMode.ITEMS ? maxHighWaterMarkItems : maxHighWaterMarkBytes;
    }

    public StreamingSettings withMaxStreamsPerSession(int max) {
        return new StreamingSettings(max, maxStreams, maxHighWaterMarkItems, maxHighWaterMarkBytes, bytesPerTurn,
                workerThreads, rapidResetMaxCancels, rapidResetWindowMillis, resumeWindowMillis,
                maxResendBytes, publisherOnLoopMicros);
    }

    public StreamingSettings withMaxStreams(int max) {
        return new StreamingSettings(maxStreamsPerSession, max, maxHighWaterMarkItems, maxHighWaterMarkBytes,
                bytesPerTurn, workerThreads, rapidResetMaxCancels, rapidResetWindowMillis, resumeWindowMillis,
                maxResendBytes, publisherOnLoopMicros);
    }

    public StreamingSettings withBytesPerTurn(int bytes) {
        return new StreamingSettings(maxStreamsPerSession, maxStreams, maxHighWaterMarkItems, maxHighWaterMarkBytes,
                bytes, workerThreads, rapidResetMaxCancels, rapidResetWindowMillis, resumeWindowMillis,
                maxResendBytes, publisherOnLoopMicros);
    }

    public StreamingSettings withResumeWindowMillis(int millis) {
        return new StreamingSettings(maxStreamsPerSession, maxStreams, maxHighWaterMarkItems, maxHighWaterMarkBytes,
                bytesPerTurn, workerThreads, rapidResetMaxCancels, rapidResetWindowMillis, millis,
                maxResendBytes, publisherOnLoopMicros);
    }

    public StreamingSettings withMaxResendBytes(long bytes) {
        return new StreamingSettings(maxStreamsPerSession, maxStreams, maxHighWaterMarkItems, maxHighWaterMarkBytes,
                bytesPerTurn, workerThreads, rapidResetMaxCancels, rapidResetWindowMillis, resumeWindowMillis,
                bytes, publisherOnLoopMicros);
    }

    public StreamingSettings withRapidReset(int maxCancels, int windowMillis) {
        return new StreamingSettings(maxStreamsPerSession, maxStreams, maxHighWaterMarkItems, maxHighWaterMarkBytes,
                bytesPerTurn, workerThreads, maxCancels, windowMillis, resumeWindowMillis,
                maxResendBytes, publisherOnLoopMicros);
    }

    public StreamingSettings withPublisherOnLoopMicros(int micros) {
        return new StreamingSettings(maxStreamsPerSession, maxStreams, maxHighWaterMarkItems, maxHighWaterMarkBytes,
                bytesPerTurn, workerThreads, rapidResetMaxCancels, rapidResetWindowMillis, resumeWindowMillis,
                maxResendBytes, micros);
    }
}
