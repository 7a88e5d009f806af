package io.aldis.itest.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak: several hundred sessions of mixed churn against a node in its own JVM with Netty's
 * leak detection at paranoid, sampled all along, which must end with no leak report, no promise of
 * the protocol broken, no action failed and flat figures ({@link Flatness}). The full run is
 * {@code mvn -B -pl itest verify -Psoak -DskipITs} (tag {@code soak}, 10 minutes); a short one in the
 * default build proves the soak itself works.
 */
class SoakTest {

    /**
     * Proves the soak itself works, kept short: fewer sessions, a shorter warm-up, and a resume
     * window of 5 s instead of the default 30 s, which the figures wait out before they settle. A
     * minute of churn: with 25 s, a third of the run held 8 samples, too few for the median of a
     * figure that swings from moment to moment between idle and busy (direct memory from 5.8 to
     * 12 MiB while transfers come and go), and one run in about seventeen was judged not flat.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aShortSoakEndsCleanAndFlat() throws Exception {
        soak(new SoakSettings(Duration.ofSeconds(60), 40, 6, 19, Duration.ofSeconds(1), Path.of("target", "soak-short"),
                Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    /** Settings: {@code -Daldis.soak.duration=600 -Daldis.soak.sessions=300 ...} ({@link SoakSettings}). */
    @Test
    @Tag("soak")
    @Timeout(value = 3, unit = TimeUnit.HOURS)
    void tenMinutesOfChurnEndCleanAndFlat() throws Exception {
        soak(SoakSettings.fromSystemProperties(
                new SoakSettings(Duration.ofMinutes(10), 300, 16, 19, Duration.ofSeconds(5), Path.of("target", "soak"),
                        Duration.ofSeconds(10), Duration.ofSeconds(30))));
    }

    private static void soak(SoakSettings settings) throws Exception {
        SoakReport report = SoakRun.run(settings);
        for (Map.Entry<String, Long> action : report.actions().entrySet()) {
            System.out.printf("soak figures: %s %d%n", action.getKey(), action.getValue());
        }
        System.out.printf("soak figures: %d samples, %d broken promises, %d failed actions, %d leak reports%n",
                report.samples().size(), report.brokenCount(), report.failedCount(), report.leaks().size());
        assertThat(report.clean()).as(report.problems()).isTrue();
    }
}
