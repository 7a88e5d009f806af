package io.aldis.feature.streaming.internal;

import io.aldis.feature.streaming.internal.stats.StreamingView;

/**
 * What the feature's shell commands use, registered as a service of this bundle only: the view of
 * the streams and the operator's cancel.
 */
public interface StreamAdmin {
    /** The open streams and the counters. */
    StreamingView view();

    /**
     * Ends stream {@code streamId} with STREAM_ERROR {@code CANCELLED} to its caller; its call fails
     * with "cancelled by an operator".
     *
     * @return false when no stream of that id is open
     */
    boolean cancel(long streamId);
}
