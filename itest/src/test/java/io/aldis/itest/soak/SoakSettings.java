package io.aldis.itest.soak;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How long and how wide a soak runs.
 *
 * @param churn       how long the sessions churn
 * @param sessions    Java client sessions held open at once (each closed and replaced now and then)
 * @param workers     threads that act on the sessions, each one action at a time
 * @param seed        the seed of every random choice, so that a run can be repeated
 * @param sampleEvery the time between two samples of the node
 * @param out         the directory the CSV, the plot and the node's log are written to
 * @param warmUp      how long the warm-up before the baseline lasts
 * @param resumeWindow how long the node keeps the streams of a killed session for a resume (its
 *                    setting {@code resumeWindowMillis}, 30 s by default); the figures settle only
 *                    after it
 */
public record SoakSettings(Duration churn, int sessions, int workers, long seed, Duration sampleEvery, Path out,
        Duration warmUp, Duration resumeWindow) {

    /**
     * The settings from the system properties {@code aldis.soak.duration} (seconds),
     * {@code aldis.soak.sessions}, {@code aldis.soak.workers}, {@code aldis.soak.seed},
     * {@code aldis.soak.sampleSeconds} and {@code aldis.soak.out}, each falling back to the
     * given default.
     */
    public static SoakSettings fromSystemProperties(SoakSettings defaults) {
        return new SoakSettings(
                Duration.ofSeconds(Long.getLong("aldis.soak.duration", defaults.churn().toSeconds())),
                Integer.getInteger("aldis.soak.sessions", defaults.sessions()),
                Integer.getInteger("aldis.soak.workers", defaults.workers()),
                Long.getLong("aldis.soak.seed", defaults.seed()),
                Duration.ofSeconds(Long.getLong("aldis.soak.sampleSeconds", defaults.sampleEvery().toSeconds())),
                Path.of(System.getProperty("aldis.soak.out", defaults.out().toString())),
                defaults.warmUp(), defaults.resumeWindow());
    }
}
