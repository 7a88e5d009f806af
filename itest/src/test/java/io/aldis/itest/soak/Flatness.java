package io.aldis.itest.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What "flat" means for the soak, checked on its samples. The first third of the churn is the
 * warm-up of caches, pools and the JIT and is not judged; leaks show as growth from the middle
 * third to the last one, and as figures that do not come back once the churn stops.
 *
 * <ul>
 * <li>Heap after a full GC: the median of the last third is at most 10% plus {@value #HEAP_SLACK_MIB} MiB
 *     above the median of the middle third.</li>
 * <li>Direct memory (the JVM's direct buffers plus Netty's own): the median of the last third is
 *     at most 10% plus {@value #DIRECT_SLACK_MIB} MiB above the median of the middle third (medians,
 *     because a file transfer in flight makes a short spike of a few MiB).</li>
 * <li>Live threads during the churn: the highest of the last third is at most
 *     {@value #THREAD_SLACK} above the highest of the middle third.</li>
 * <li>Once the churn stopped and every client went: no session, stream or transfer is left open,
 *     and threads, open file descriptors and direct memory are back to at most their baseline
 *     (taken after a warm-up, with nobody connected) plus {@value #THREAD_SLACK} threads,
 *     {@value #FD_SLACK} descriptors and 10% plus {@value #DIRECT_SLACK_MIB} MiB, in the last sample.</li>
 * </ul>
 */
final class Flatness {
    static final int HEAP_SLACK_MIB = 8;
    static final int DIRECT_SLACK_MIB = 4;
    static final int THREAD_SLACK = 4;
    static final int FD_SLACK = 4;
    static final int MIN_CHURN_SAMPLES = 6;
    private static final long MIB = 1024 * 1024;

    private Flatness() {
    }

    /** Whether the figures after the churn are back where the baseline had them. */
    static boolean settled(Sample baseline, Sample now) {
        long baselineDirect = baseline.jvmDirect() + Math.max(0, baseline.nettyDirect());
        return now.sessions() == 0 && now.streams() == 0 && now.transfers() == 0
                && now.threads() <= baseline.threads() + THREAD_SLACK
                && now.openFds() <= baseline.openFds() + FD_SLACK
                && now.jvmDirect() + Math.max(0, now.nettyDirect()) <= baselineDirect * 11 / 10 + DIRECT_SLACK_MIB * MIB;
    }

    /** The highest of each baseline figure, the bound the after-churn figures are held to. */
    static Sample baselineOf(List<Sample> baseline) {
        Sample first = baseline.get(0);
        return new Sample(first.seconds(), Sample.Phase.BASELINE,
                max(baseline, Sample::heapAfterGc), (int) max(baseline, Sample::threads), max(baseline, Sample::openFds),
                max(baseline, Sample::jvmDirect), max(baseline, Sample::nettyDirect),
                (int) max(baseline, Sample::sessions), max(baseline, Sample::streams),
                max(baseline, Sample::streamsAwaitingResume), max(baseline, Sample::transfers));
    }

    /** Every way the samples are not flat, in words; empty when they are. */
    static List<String> problems(List<Sample> samples) {
        List<String> problems = new ArrayList<>();
        List<Sample> baseline = Sample.of(samples, Sample.Phase.BASELINE);
        List<Sample> churn = Sample.of(samples, Sample.Phase.CHURN);
        List<Sample> after = Sample.of(samples, Sample.Phase.AFTER);
        if (baseline.isEmpty() || after.isEmpty() || churn.size() < MIN_CHURN_SAMPLES) {
            problems.add("too few samples to judge: " + baseline.size() + " baseline, " + churn.size() + " churn, "
                    + after.size() + " after (at least 1, " + MIN_CHURN_SAMPLES + ", 1)");
            return problems;
        }
        int third = churn.size() / 3;
        List<Sample> middle = churn.subList(third, 2 * third);
        List<Sample> last = churn.subList(churn.size() - third, churn.size());

        long heapMiddle = median(middle, Sample::heapAfterGc);
        long heapLast = median(last, Sample::heapAfterGc);
        if (heapLast > heapMiddle * 11 / 10 + HEAP_SLACK_MIB * MIB) {
            problems.add("heap after GC grew: median " + mib(heapMiddle) + " in the middle third, " + mib(heapLast)
                    + " in the last");
        }
        ToLongFunction<Sample> direct = s -> s.jvmDirect() + Math.max(0, s.nettyDirect());
        long directMiddle = median(middle, direct);
        long directLast = median(last, direct);
        if (directLast > directMiddle * 11 / 10 + DIRECT_SLACK_MIB * MIB) {
            problems.add("direct memory grew: median " + mib(directMiddle) + " in the middle third, " + mib(directLast)
                    + " in the last");
        }
        long threadsMiddle = max(middle, Sample::threads);
        long threadsLast = max(last, Sample::threads);
        if (threadsLast > threadsMiddle + THREAD_SLACK) {
            problems.add("threads grew: at most " + threadsMiddle + " in the middle third, " + threadsLast + " in the last");
        }
        Sample base = baselineOf(baseline);
        Sample end = after.get(after.size() - 1);
        if (end.sessions() != 0 || end.streams() != 0 || end.transfers() != 0) {
            problems.add("left open after the churn: " + end.sessions() + " sessions, " + end.streams() + " streams, "
                    + end.transfers() + " transfers");
        }
        if (end.threads() > base.threads() + THREAD_SLACK) {
            problems.add("threads did not come back: " + base.threads() + " at the baseline, " + end.threads() + " after");
        }
        if (end.openFds() > base.openFds() + FD_SLACK) {
            problems.add("file descriptors did not come back: " + base.openFds() + " at the baseline, " + end.openFds()
                    + " after");
        }
        long baseDirect = direct.applyAsLong(base);
        long endDirect = direct.applyAsLong(end);
        if (endDirect > baseDirect * 11 / 10 + DIRECT_SLACK_MIB * MIB) {
            problems.add("direct memory did not come back: " + mib(baseDirect) + " at the baseline, " + mib(endDirect)
                    + " after");
        }
        return problems;
    }

    static long median(List<Sample> samples, ToLongFunction<Sample> figure) {
        long[] values = samples.stream().mapToLong(figure).sorted().toArray();
        return values[values.length / 2];
    }

    static long max(List<Sample> samples, ToLongFunction<Sample> figure) {
        return samples.stream().mapToLong(figure).max().orElseThrow();
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }
}
