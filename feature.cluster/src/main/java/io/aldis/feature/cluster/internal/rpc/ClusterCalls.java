package io.aldis.feature.cluster.internal.rpc;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.aldis.feature.cluster.internal.links.DataPath;
import io.aldis.feature.cluster.internal.links.PeerMessages;
import io.aldis.feature.cluster.internal.membership.MemberEvents;
import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.feature.rpc.spi.LocalCalls;
import io.aldis.feature.rpc.spi.RemoteCalls;
import io.aldis.feature.rpc.spi.RunningCall;
import io.aldis.feature.rpc.spi.StreamOpener;
import io.aldis.feature.rpc.spi.StreamedAnswer;
import io.aldis.feature.rpc.spi.StreamingPeer;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.ErrorCode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * RPC's link to the other nodes. For a call made here, chooses the node that serves the service
 * with the fewest calls in flight (this node when it is among the fewest) from the
 * {@link ServiceTable}, and sends the call to that node through the {@link DataPath}; for a call
 * another node sent, runs it through RPC's {@link LocalCalls} and sends the answer back. Calls,
 * cancels and answers to one node all go the same way, in order. A call with streams crosses the
 * same way, its stream's messages (opened, items, end, credit) on the same way too, so
 * that they keep their order with the call's answer: {@link CallerStream} on the calling node,
 * {@link CalleeStream} on the serving node.
 */
public final class ClusterCalls implements RemoteCalls, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");

    private final HazelcastInstance hazelcast;
    private final ServiceTable table;
    private final LocalCalls local;
    private final SentCalls sent = new SentCalls();
    private final ServedCalls served = new ServedCalls();
    /** The streams of calls this node sent, by the call's id, until the call's answer came. */
    private final Map<Long, CallerStream> callerStreams = new ConcurrentHashMap<>();
    /** The streams of calls other nodes sent and that run here, by node and call id, until answered. */
    private final Map<String, CalleeStream> calleeStreams = new ConcurrentHashMap<>();
    private final Map<String, ClusterPeer> peers = new ConcurrentHashMap<>();
    private final AtomicInteger rotation = new AtomicInteger();
    /** Members that left, so a call sent to one chosen just before it left is not left waiting. */
    private final Set<String> departed = ConcurrentHashMap.newKeySet();

    private final DataPath path;

    public ClusterCalls(HazelcastInstance hazelcast, DataPath path, ServiceTable table, LocalCalls local) {
        this.hazelcast = hazelcast;
        this.path = path;
        this.table = table;
        this.local = local;
    }

    /** What reads the RPC messages of other nodes while RPC is linked; {@link RpcInbox} hands it every one. */
    public PeerMessages receiver() {
        return new Receiver();
    }

    /**
     * The streams of calls other nodes sent here that this node still holds: a stream is held from
     * its opening until the call's answer went back, or the calling node cancelled the call, left,
     * or lost its link to this node.
     */
    public int servedStreams() {
        return calleeStreams.size();
    }

    /** The calls sent to other nodes that wait for their answers. */
    int waitingCalls() {
        int[] n = {0};
        sent.forEachWaiting((callId, peer) -> n[0]++);
        return n[0];
    }

    @Override
    public Peer choose(String service, int localInFlight) {
        // A client here that provides a name another node exports as an OSGi service does not serve it.
        int here = localInFlight >= 0 && table.exportedByPeer(service) && !local.exportedServices().contains(service)
                ? -1 : localInFlight;
        Map<String, Map<String, Integer>> serving = table.peers();
        Set<String> impostors = impostors(service);
        // A node whose link is down would fail the call at once, and it looks the least busy since
        // none of its calls stay in flight: it is chosen only when no other node serves the service.
        // The set is made only when a link is down, which is rare: a call costs no allocation for it.
        Set<String> avoided = impostors;
        for (String peer : serving.keySet()) {
            if (path.linkDown(peer)) {
                if (avoided == impostors) {
                    avoided = new java.util.HashSet<>(impostors);
                }
                avoided.add(peer);
            }
        }
        String id = NodeChoice.choose(serving, service, here, sent::outstanding, rotation.getAndIncrement(), avoided);
        if (id == null && here < 0 && avoided != impostors) {
            id = NodeChoice.choose(serving, service, here, sent::outstanding, rotation.getAndIncrement(), impostors);
        }
        return id == null ? null : peers.computeIfAbsent(id, peer -> new ClusterPeer(peer, nameOf(peer)));
    }

    @Override
    public boolean exportedElsewhere(String service) {
        return table.exportedByPeer(service);
    }

    /**
     * The nodes whose clients provide {@code service} while an OSGi service exports that name on
     * some node (one of the two was there first, or they came during a split): the export serves.
     */
    private Set<String> impostors(String service) {
        Set<String> clients = table.clientProviders(service);
        if (clients.isEmpty() || !(table.exportedByPeer(service) || local.exportedServices().contains(service))) {
            return Set.of();
        }
        return clients;
    }

    /** A member left: the calls sent to it fail with PROVIDER_GONE, and the calls it made here stop. */
    public void memberLeft(String peer) {
        departed.add(peer);
        sent.failAll(peer);
        served.cancelAll(peer, call -> { });
        stopStreamsOf(peer, "node " + nameOf(peer) + " left the cluster");
        peers.remove(peer);
    }

    /**
     * The link to or from a member broke, or a message to it could not be queued, while it stays a
     * member: calls, answers, stream items or credit between the two may be lost, so the calls
     * sent to it fail with PROVIDER_GONE and the calls it made here stop, as when it leaves; later
     * calls go to it again.
     */
    public void linkLost(String peer) {
        sent.failAllOnLinkLoss(peer);
        served.cancelAll(peer, call -> { });
        stopStreamsOf(peer, "the link to node " + nameOf(peer) + " broke");
    }

    /**
     * Forgets and stops the streams of the calls {@code peer} sent here. A call whose work already
     * answered it (a relayed provider's, whose items still wait for the caller's credit) is no
     * longer RPC's to cancel: only closing its stream releases the items and the answer it holds.
     */
    private void stopStreamsOf(String peer, String why) {
        for (String key : calleeStreams.keySet()) {
            if (key.startsWith(peer + "\n")) {
                stopStream(key, why);
            }
        }
    }

    private void stopStream(String key, String why) {
        CalleeStream stream = calleeStreams.remove(key);
        if (stream != null) {
            stream.close(ErrorCode.CANCELLED.code(), why);
        }
    }

    /**
     * A member is in the cluster again under an id this node saw leave (this node and it were on
     * two sides of a split that healed): its calls run here again.
     */
    public void memberJoined(String peer) {
        departed.remove(peer);
    }

    /** Unlinks RPC: calls sent to other nodes fail with PROVIDER_GONE, calls of other nodes here stop. */
    @Override
    public void close() {
        // The serving nodes stop what nobody here will wait for any more.
        sent.forEachWaiting((callId, peer) -> {
            try {
                send(peer, RpcMessage.cancel(callId));
            } catch (RuntimeException unreachable) {
                // that node is leaving: its calls stop with it
            }
        });
        sent.failAll(null);
        // The callers learn that this node left, as when it dies, not that someone cancelled their calls.
        served.cancelAll(null, this::answerGone);
        // Calls whose work already answered still hold their streams' items and answers.
        for (String key : calleeStreams.keySet()) {
            stopStream(key, "this node stopped serving other nodes");
        }
    }

    /** Answers a call another node sent with PROVIDER_GONE, as this node stops serving it. */
    private void answerGone(ServedCalls.Served call) {
        try {
            send(call.peer, RpcMessage.error(call.callId, ErrorCode.PROVIDER_GONE.code(), "node "
                    + nameOf(hazelcast.getCluster().getLocalMember().getUuid().toString()) + " stopped serving other nodes"
                    + " (it left the cluster, or its RPC stopped) before it answered; the call may have run there:"
                    + " make it again if that is safe", ""));
        } catch (RuntimeException unreachable) {
            // the caller's node is leaving too
        }
    }

    private String nameOf(String memberId) {
        for (Member m : hazelcast.getCluster().getMembers()) {
            if (m.getUuid().toString().equals(memberId)) {
                return MemberEvents.nodeName(m);
            }
        }
        return memberId;
    }

    private void send(String peer, RpcMessage message) {
        path.rpc(peer, message.encode());
    }

    /**
     * Sends to a node a message of a call that is under way (a stream's item, credit or end, an
     * answer): when it cannot be sent, the node is leaving, or its link is full or down, and since
     * the call cannot go on without it, the calls between the two nodes end as when the link breaks.
     */
    private void sendQuietly(String peer, RpcMessage message) {
        try {
            send(peer, message);
        } catch (RuntimeException unreachable) {
            if (!departed.contains(peer)) {
                linkLost(peer);
            }
        }
    }

    private static String streamKey(String peer, long callId) {
        return peer + "\n" + callId;
    }

    /** Another node as a call's destination. */
    private final class ClusterPeer implements StreamingPeer {
        private final String id;
        private final String name;

        ClusterPeer(String id, String name) {
            this.id = id;
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public RunningCall send(String method, byte[] params, int timeoutMillis, CallAnswer answer) {
            return send(method, params, timeoutMillis, answer, null);
        }

        @Override
        public RunningCall send(String method, byte[] params, int timeoutMillis, StreamedAnswer answer) {
            long[] idOf = new long[1];
            // The stream is forgotten when the call's answer comes, whichever it is.
            CallAnswer forgetting = new CallAnswer() {
                @Override
                public void result(byte[] json) {
                    forget(idOf[0]);
                    answer.result(json);
                }

                @Override
                public void error(int code, String message, String details) {
                    CallerStream stream = forget(idOf[0]);
                    if (stream != null && stream.answersFailure(code)) {
                        // The caller's stream fails the call with this code once its STREAM_ERROR went out.
                        return;
                    }
                    answer.error(code, message, details);
                }
            };
            return send(method, params, timeoutMillis, forgetting, callId -> {
                idOf[0] = callId;
                callerStreams.put(callId, new CallerStream(callId, answer, m -> sendQuietly(id, m)));
            });
        }

        private CallerStream forget(long callId) {
            CallerStream stream = callerStreams.remove(callId);
            if (stream != null) {
                stream.callEnded();
            }
            return stream;
        }

        /** @param streamed for a call with streams, records its stream under the call's id before it is sent */
        private RunningCall send(String method, byte[] params, int timeoutMillis, CallAnswer answer,
                java.util.function.LongConsumer streamed) {
            String service = method.substring(0, Math.max(0, method.lastIndexOf('.')));
            long callId = sent.add(new SentCalls.Sent(id, name, service, method, answer));
            if (departed.contains(id)) {
                // The node left between the choice and the add: failAll did not see this call.
                if (sent.take(callId) != null) {
                    answer.error(ErrorCode.PROVIDER_GONE.code(), "node " + name + " left the cluster before the call of "
                            + method + " could be sent there", "");
                }
                return () -> { };
            }
            try {
                if (streamed != null) {
                    streamed.accept(callId);
                }
                ClusterCalls.this.send(id, streamed != null ? RpcMessage.streamedCall(callId, timeoutMillis, method, params)
                        : RpcMessage.call(callId, timeoutMillis, method, params));
            } catch (DataPath.TooLarge tooLarge) {
                if (sent.take(callId) != null) {
                    answer.error(ErrorCode.MESSAGE_TOO_LARGE.code(), "the call of " + method + " is too large to cross to node "
                            + name + ": " + tooLarge.getMessage(), "");
                }
                return () -> { };
            } catch (RuntimeException unreachable) {
                SentCalls.Sent call = sent.take(callId);
                if (call != null) {
                    answer.error(ErrorCode.PROVIDER_GONE.code(), "node " + name + " could not be reached for the call of "
                            + method + ": " + unreachable.getMessage(), "");
                }
                return () -> { };
            }
            return () -> {
                // The call ended here (cancel, deadline, session gone): an answer would find nobody.
                if (sent.take(callId) != null) {
                    try {
                        ClusterCalls.this.send(id, RpcMessage.cancel(callId));
                    } catch (RuntimeException unreachable) {
                        // The node is leaving; its calls stop with it.
                    }
                }
            };
        }
    }

    private final class Receiver implements PeerMessages {
        @Override
        public void received(String peer, byte[] bytes) {
            RpcMessage m;
            try {
                m = RpcMessage.decode(bytes);
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "Dropped an RPC message from member {0}: {1}", peer, e.getMessage());
                RpcMessage.callIdOfCall(bytes).ifPresent(callId -> reply(peer, RpcMessage.error(callId,
                        ErrorCode.INTERNAL_ERROR.code(), "the serving node could not read the call: " + e.getMessage(), "")));
                return;
            }
            switch (m.kind()) {
                case CALL -> run(peer, m, false);
                case STREAMED_CALL -> run(peer, m, true);
                case CANCEL -> {
                    served.cancel(peer, m.callId());
                    // RPC's cancel does nothing to a call its work answered while the items still go.
                    stopStream(streamKey(peer, m.callId()), "cancelled by the calling node");
                }
                case RESULT -> {
                    SentCalls.Sent call = sent.take(m.callId(), peer);
                    if (call != null) {
                        call.answer().result(m.body());
                    }
                }
                case ERROR -> {
                    SentCalls.Sent call = sent.take(m.callId(), peer);
                    if (call != null) {
                        call.answer().error(m.code(), m.message(), m.details());
                    }
                }
                case OPENED, CALLEE_ITEM, CALLEE_END, CALLEE_FAILED, CALLEE_CREDIT, CALLEE_CANCEL -> toCaller(peer, m);
                case CALLER_ITEM, CALLER_END, CALLER_CREDIT -> toCallee(peer, m);
            }
        }

        /** A message of the stream of a call this node sent: only the node it was sent to may say it. */
        private void toCaller(String peer, RpcMessage m) {
            CallerStream stream = callerStreams.get(m.callId());
            if (stream == null || !sent.sentTo(m.callId(), peer)) {
                return;
            }
            switch (m.kind()) {
                case OPENED -> {
                    StreamSpec spec;
                    try {
                        spec = m.spec();
                    } catch (IllegalArgumentException e) {
                        LOG.log(System.Logger.Level.WARNING, "Dropped a stream from member {0}: {1}", peer, e.getMessage());
                        return;
                    }
                    stream.opened(spec);
                }
                case CALLEE_ITEM -> stream.item(m.body());
                case CALLEE_END -> stream.end();
                case CALLEE_FAILED -> stream.failed(m.code(), m.message());
                case CALLEE_CREDIT -> stream.credit(m.code());
                case CALLEE_CANCEL -> stream.callerItemsCancelled();
                default -> {
                    // not a message to the caller
                }
            }
        }

        /** A message of the stream of a call that node sent here. */
        private void toCallee(String peer, RpcMessage m) {
            CalleeStream stream = calleeStreams.get(streamKey(peer, m.callId()));
            if (stream == null) {
                return;
            }
            switch (m.kind()) {
                case CALLER_ITEM -> stream.item(m.body());
                case CALLER_END -> stream.end();
                case CALLER_CREDIT -> {
                    // Before the credit, which may make the relay grant the provider that mark.
                    stream.callerMark(m.callerMark());
                    stream.credit(m.code());
                }
                default -> {
                    // not a message to the callee
                }
            }
        }

        /**
         * Runs a call a peer sent, and sends its answer back to that peer; with {@code streamed},
         * the method's stream, if it has one, crosses to that peer.
         */
        private void run(String peer, RpcMessage m, boolean streamed) {
            long callId = m.callId();
            if (departed.contains(peer)) {
                // Sent before it left, read after: nobody waits for the answer any more.
                return;
            }
            String key = streamKey(peer, callId);
            ServedCalls.Served call = served.add(peer, callId);
            if (call == null) {
                LOG.log(System.Logger.Level.WARNING, "Dropped a second call {0} from member {1} while the first runs", callId, peer);
                return;
            }
            CallAnswer back = new CallAnswer() {
                @Override
                public void result(byte[] json) {
                    served.answered(peer, callId);
                    calleeStreams.remove(key);
                    if (!call.silenced()) {
                        reply(peer, RpcMessage.result(callId, json));
                    }
                }

                @Override
                public void error(int code, String message, String details) {
                    served.answered(peer, callId);
                    calleeStreams.remove(key);
                    if (!call.silenced()) {
                        reply(peer, RpcMessage.error(callId, code, message, details));
                    }
                }
            };
            if (!streamed) {
                call.started(local.run(m.method(), m.body(), m.timeoutMillis(), back));
                return;
            }
            StreamOpener opener = new StreamOpener() {
                @Override
                public CallStream open(StreamSpec spec, CallStreamListener listener) {
                    CalleeStream stream = new CalleeStream(callId, spec, listener, back, out -> sendQuietly(peer, out));
                    calleeStreams.put(key, stream);
                    if (departed.contains(peer) || call.silenced()) {
                        // Its peer's streams were stopped (it left, or the link broke) while this one opened.
                        stopStream(key, "the calling node is gone");
                        return stream;
                    }
                    // Before any item: the calling node opens its caller's stream on this.
                    sendQuietly(peer, RpcMessage.opened(callId, spec));
                    return stream;
                }
            };
            call.started(local.run(m.method(), m.body(), m.timeoutMillis(), opener, back));
        }

        private void reply(String peer, RpcMessage answer) {
            try {
                send(peer, answer);
            } catch (DataPath.TooLarge tooLarge) {
                // That answer alone cannot cross: the caller learns why, and the other calls go on.
                sendQuietly(peer, RpcMessage.error(answer.callId(), ErrorCode.MESSAGE_TOO_LARGE.code(),
                        "the answer is too large to cross between nodes: " + tooLarge.getMessage(), ""));
            } catch (RuntimeException unreachable) {
                if (!departed.contains(peer)) {
                    linkLost(peer);
                }
            }
        }
    }
}
