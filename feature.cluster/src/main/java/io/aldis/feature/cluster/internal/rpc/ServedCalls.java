package io.aldis.feature.cluster.internal.rpc;

import io.aldis.feature.rpc.spi.RunningCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The calls other nodes sent this one and that run here, by the calling node and its id for the
 * call, so that the caller's cancel reaches them, and so do the caller's node leaving and this
 * node leaving the cluster.
 */
final class ServedCalls {
    /** A call that runs here; cancelled once, even when the cancel comes before the call started. */
    static final class Served {
        final String peer;
        final long callId;
        private RunningCall running;
        private boolean cancelled;
        /** Whether the answer the call gives from now on goes nowhere: its caller had one already, or is gone. */
        private volatile boolean silenced;

        Served(String peer, long callId) {
            this.peer = peer;
            this.callId = callId;
        }

        boolean silenced() {
            return silenced;
        }

        synchronized void started(RunningCall call) {
            running = call;
            if (cancelled) {
                call.cancel();
            }
        }

        void cancel() {
            RunningCall r;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                r = running;
            }
            if (r != null) {
                r.cancel();
            }
        }
    }

    private final Map<String, Served> running = new ConcurrentHashMap<>();

    /** Records a call a peer sent, before it starts; null when a call of that peer with that id runs already. */
    Served add(String peer, long callId) {
        Served s = new Served(peer, callId);
        return running.putIfAbsent(key(peer, callId), s) == null ? s : null;
    }

    /** The call was answered: forgets it. */
    void answered(String peer, long callId) {
        running.remove(key(peer, callId));
    }

    /** The caller cancelled the call (its RPC_CANCEL, its deadline, its session gone). */
    void cancel(String peer, long callId) {
        Served s = running.remove(key(peer, callId));
        if (s != null) {
            s.cancel();
        }
    }

    /**
     * Cancels every call of {@code peer} (or of every node, for null), whose answers then go
     * nowhere: {@code first} gets each call before it is cancelled, to tell its caller.
     */
    void cancelAll(String peer, Consumer<Served> first) {
        List<String> keys = new ArrayList<>();
        for (String k : running.keySet()) {
            if (peer == null || k.startsWith(peer + "\n")) {
                keys.add(k);
            }
        }
        for (String k : keys) {
            Served s = running.remove(k);
            if (s != null) {
                s.silenced = true;
                first.accept(s);
                s.cancel();
            }
        }
    }

    private static String key(String peer, long callId) {
        return peer + "\n" + callId;
    }
}
