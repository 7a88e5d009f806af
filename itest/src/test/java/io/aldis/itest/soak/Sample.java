package io.aldis.itest.soak;

import java.util.List;
import java.util.Locale;

/**
 * One reading of the node: heap in use right after a full GC, live threads, open file descriptors,
 * direct memory (the JVM's direct buffer pool and Netty's own count), open sessions, streams (of
 * which {@code streamsAwaitingResume} belong to connections that broke and wait for their client to
 * resume them) and transfers, taken {@code seconds} after the soak started, in {@code phase}.
 */
public record Sample(double seconds, Phase phase, long heapAfterGc, int threads, long openFds, long jvmDirect,
        long nettyDirect, int sessions, long streams, long streamsAwaitingResume, long transfers) {

    /** The part of the run a sample was taken in. */
    public enum Phase {
        /** The node is up and nobody is connected yet. */
        BASELINE,
        /** The sessions churn. */
        CHURN,
        /** The churn has stopped and every client has gone. */
        AFTER
    }

    /** The CSV header matching {@link #csvRow()}. */
    public static final String CSV_HEADER = "seconds,phase,heap_after_gc_bytes,threads,open_fds,jvm_direct_bytes,"
            + "netty_direct_bytes,sessions,streams,streams_awaiting_resume,transfers";

    /** This sample as a CSV row. */
    public String csvRow() {
        return String.format(Locale.ROOT, "%.1f,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d", seconds,
                phase.name().toLowerCase(Locale.ROOT), heapAfterGc, threads, openFds, jvmDirect, nettyDirect, sessions,
                streams, streamsAwaitingResume, transfers);
    }

    /** The samples of one phase, in order. */
    public static List<Sample> of(List<Sample> samples, Phase phase) {
        return samples.stream().filter(s -> s.phase() == phase).toList();
    }
}
