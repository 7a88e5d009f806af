package io.aldis.itest.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The soak's definition of flat, on made-up samples: flat series pass, each kind of growth fails. */
class FlatnessTest {
    private static final long MIB = 1024 * 1024;

    /** Baseline, 30 churn samples from {@code churn}, and an after-churn sample like the baseline unless given. */
    private static List<Sample> run(IntFunction<Sample> churn, Sample after) {
        List<Sample> samples = new ArrayList<>();
        samples.add(sample(0, Sample.Phase.BASELINE, 40 * MIB, 40, 170, 0, 0));
        for (int i = 0; i < 30; i++) {
            samples.add(churn.apply(i));
        }
        samples.add(after);
        return samples;
    }

    private static Sample sample(double seconds, Sample.Phase phase, long heap, int threads, long fds, int sessions,
            long streams) {
        return new Sample(seconds, phase, heap, threads, fds, 8 * MIB, 4 * MIB, sessions, streams, 0, 0);
    }

    private static Sample quietAfter() {
        return sample(100, Sample.Phase.AFTER, 40 * MIB, 41, 171, 0, 0);
    }

    @Test
    void aNoisyButLevelRunIsFlat() {
        List<Sample> samples = run(i -> sample(i, Sample.Phase.CHURN, (60 + (i % 3) * 4) * MIB, 60 + i % 2, 480, 300, 20),
                quietAfter());
        assertThat(Flatness.problems(samples)).isEmpty();
    }

    @Test
    void aHeapThatKeepsGrowingIsNotFlat() {
        List<Sample> samples = run(i -> sample(i, Sample.Phase.CHURN, (60 + 2L * i) * MIB, 60, 480, 300, 20),
                quietAfter());
        assertThat(Flatness.problems(samples)).singleElement().asString().startsWith("heap after GC grew");
    }

    @Test
    void directMemoryThatKeepsGrowingIsNotFlat() {
        List<Sample> samples = run(i -> new Sample(i, Sample.Phase.CHURN, 60 * MIB, 60, 480, 8 * MIB, (4 + 2L * i) * MIB,
                300, 20, 0, 0), quietAfter());
        assertThat(Flatness.problems(samples)).singleElement().asString().startsWith("direct memory grew");
    }

    @Test
    void threadsThatKeepGrowingAreNotFlat() {
        List<Sample> samples = run(i -> sample(i, Sample.Phase.CHURN, 60 * MIB, 60 + i, 480, 300, 20), quietAfter());
        assertThat(Flatness.problems(samples)).singleElement().asString().startsWith("threads grew");
    }

    @Test
    void whatIsLeftOpenAfterTheChurnIsNotFlat() {
        IntFunction<Sample> level = i -> sample(i, Sample.Phase.CHURN, 60 * MIB, 60, 480, 300, 20);
        assertThat(Flatness.problems(run(level, sample(100, Sample.Phase.AFTER, 40 * MIB, 41, 171, 0, 1))))
                .singleElement().asString().startsWith("left open after the churn");
        assertThat(Flatness.problems(run(level, sample(100, Sample.Phase.AFTER, 40 * MIB, 50, 171, 0, 0))))
                .singleElement().asString().startsWith("threads did not come back");
        assertThat(Flatness.problems(run(level, sample(100, Sample.Phase.AFTER, 40 * MIB, 41, 190, 0, 0))))
                .singleElement().asString().startsWith("file descriptors did not come back");
    }

    @Test
    void tooFewSamplesAreNotJudgedFlat() {
        List<Sample> samples = List.of(sample(0, Sample.Phase.BASELINE, 40 * MIB, 40, 170, 0, 0),
                sample(1, Sample.Phase.CHURN, 40 * MIB, 40, 170, 0, 0), quietAfter());
        assertThat(Flatness.problems(samples)).singleElement().asString().startsWith("too few samples");
    }

    @Test
    void directMemoryThatDoesNotComeBackAfterTheChurnIsAProblem() {
        List<Sample> samples = run(i -> sample(i, Sample.Phase.CHURN, 60 * MIB, 60, 480, 300, 20),
                new Sample(100, Sample.Phase.AFTER, 40 * MIB, 41, 171, 20 * MIB, 4 * MIB, 0, 0, 0, 0));
        assertThat(Flatness.problems(samples)).singleElement().asString().startsWith("direct memory did not come back");
    }

    @Test
    void settledMeansNothingOpenAndBackToTheBaseline() {
        Sample baseline = sample(0, Sample.Phase.BASELINE, 40 * MIB, 40, 170, 0, 0);
        assertThat(Flatness.settled(baseline, quietAfter())).isTrue();
        assertThat(Flatness.settled(baseline, sample(1, Sample.Phase.AFTER, 40 * MIB, 41, 171, 0, 3))).isFalse();
        assertThat(Flatness.settled(baseline, sample(1, Sample.Phase.AFTER, 40 * MIB, 41, 171, 1, 0))).isFalse();
        assertThat(Flatness.settled(baseline, sample(1, Sample.Phase.AFTER, 40 * MIB, 45, 171, 0, 0))).isFalse();
        // direct memory: 12 MiB at the baseline, so at most 17.2 MiB once settled
        assertThat(Flatness.settled(baseline, new Sample(1, Sample.Phase.AFTER, 40 * MIB, 41, 171, 14 * MIB, 3 * MIB,
                0, 0, 0, 0))).isTrue();
        assertThat(Flatness.settled(baseline, new Sample(1, Sample.Phase.AFTER, 40 * MIB, 41, 171, 14 * MIB, 4 * MIB,
                0, 0, 0, 0))).as("direct memory not back").isFalse();
    }
}
