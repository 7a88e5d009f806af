package io.aldis.feature.rpc.internal.calls;

/**
 * What works on a call in flight (a service method on a worker, a client provider, later a
 * stream), attached with {@link Call#attach}: told once when the call ends, and asked to stop
 * when the call ended without it.
 */
public interface CallWork {
    /** The call ended, however: release what it holds (slots, entries in maps). Called at most once. */
    void ended(Call call);

    /**
     * The call ended without this work finishing (cancel, deadline, the caller gone, the feature
     * stopping): stop it.
     *
     * @param tellPeer whether a peer doing the work should be told (not when the peer itself is gone)
     */
    void abandon(Call call, boolean tellPeer);
}
