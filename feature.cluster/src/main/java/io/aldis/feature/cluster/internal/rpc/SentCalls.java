package io.aldis.feature.cluster.internal.rpc;

import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.protocol.api.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The calls this node sent to other nodes and that were not answered yet, by an id of this node's,
 * and how many of them each node has of each service (which the choice of a node counts until that
 * node's own count has caught up). Each call is answered once: by its node, or with
 * {@code PROVIDER_GONE} when that node leaves first.
 */
final class SentCalls {
    /** A call sent and not answered yet. */
    record Sent(String peer, String peerName, String service, String method, CallAnswer answer) {
    }

    /**
     * Starts at a random epoch in the high 32 bits, so the ids of a link made again (RPC updated
     * while the member stays) do not meet the ids of the link before, whose answers may still come.
     */
    private final AtomicLong ids = new AtomicLong((long) ThreadLocalRandom.current().nextInt() << 32);
    private final Map<Long, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> outstanding = new ConcurrentHashMap<>();

    /** Records a call about to be sent; returns its id. */
    long add(Sent call) {
        long id = ids.incrementAndGet();
        outstanding.computeIfAbsent(key(call.peer(), call.service()), k -> new AtomicInteger()).incrementAndGet();
        sent.put(id, call);
        return id;
    }

    /** Takes the call out for an answer from {@code peer}; null when it was answered already or went to another node. */
    Sent take(long id, String peer) {
        Sent call = sent.get(id);
        return call == null || !call.peer().equals(peer) ? null : take(id);
    }

    /** Each call still waiting, its id and its node, to tell those nodes that nobody waits any more. */
    void forEachWaiting(BiConsumer<Long, String> idAndPeer) {
        sent.forEach((id, call) -> idAndPeer.accept(id, call.peer()));
    }

    /** Takes the call out for its answer; null when it was answered already. */
    Sent take(long id) {
        Sent call = sent.remove(id);
        if (call != null) {
            AtomicInteger n = outstanding.get(key(call.peer(), call.service()));
            if (n != null) {
                n.decrementAndGet();
            }
        }
        return call;
    }

    /** Whether the call is still waiting for its answer from {@code peer}. */
    boolean sentTo(long id, String peer) {
        Sent call = sent.get(id);
        return call != null && call.peer().equals(peer);
    }

    /** Whether the call is still waiting for its answer. */
    boolean waiting(long id) {
        return sent.containsKey(id);
    }

    /** Calls of {@code service} sent to {@code peer} and not answered yet. */
    int outstanding(String peer, String service) {
        AtomicInteger n = outstanding.get(key(peer, service));
        return n == null ? 0 : n.get();
    }

    /**
     * Fails every call sent to {@code peer} with PROVIDER_GONE, as that node left the cluster; or,
     * for null, every call sent to any node, as this node left it.
     */
    void failAll(String peer) {
        failAll(peer, false);
    }

    /**
     * Fails every call sent to {@code peer} with PROVIDER_GONE, as the link between this node and
     * that one broke: what was on its way in either direction may be lost.
     */
    void failAllOnLinkLoss(String peer) {
        failAll(peer, true);
    }

    private void failAll(String peer, boolean linkLost) {
        List<Long> ids = new ArrayList<>();
        sent.forEach((id, call) -> {
            if (peer == null || call.peer().equals(peer)) {
                ids.add(id);
            }
        });
        for (long id : ids) {
            Sent call = take(id);
            if (call != null) {
                String what = linkLost ? "the link between this node and node " + call.peerName()
                        + " broke before it answered"
                        : peer != null ? "node " + call.peerName() + " left the cluster before it answered"
                        : "this node left the cluster before node " + call.peerName() + " answered";
                call.answer().error(ErrorCode.PROVIDER_GONE.code(), what + " the call of " + call.method()
                        + "; the call may have run there: make it again if that is safe", "");
            }
        }
        if (peer != null && !linkLost) {
            outstanding.keySet().removeIf(k -> k.startsWith(peer + "\n"));
        }
    }

    private static String key(String peer, String service) {
        return peer + "\n" + service;
    }
}
