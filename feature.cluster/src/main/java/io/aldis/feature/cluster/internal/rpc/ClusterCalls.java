package io.aldis.feature.cluster.internal.rpc;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.MessageListener;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * RPC's link to the other nodes. For a call made here, chooses the node that serves the service
 * with the fewest calls in flight (this node when it is among the fewest) from the
 * {@link ServiceTable}, and sends the call to that node's Hazelcast topic; for a call another node
 * sent, runs it through RPC's {@link LocalCalls} and sends the answer back. Each node receives on
 * a topic of its own ({@link #topicOf}): calls, cancels and answers alike. A call with streams
 * crosses the same way, its stream's messages (opened, items, end, credit) on the same topics, so
 * that they keep their order with the call's answer: {@link CallerStream} on the calling node,
 * {@link CalleeStream} on the serving node.
 */
public final class ClusterCalls implements RemoteCalls, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");
    private static final String PREFIX = "aldis.rpc.";

    private final HazelcastInstance hazelcast;
    private final ServiceTable table;
    private final LocalCalls local;
    private final ITopic<byte[]> inbox;
    private final UUID registration;
    private final SentCalls sent = new SentCalls();
    private final ServedCalls served = new ServedCalls();
    /** The streams of calls this node sent, by the call's id, until the call's answer came. */
    private final Map<Long, CallerStream> callerStreams = new ConcurrentHashMap<>();
    /** The streams of calls other nodes sent and that run here, by node and call id, until answered. */
    private final Map<String, CalleeStream> calleeStreams = new ConcurrentHashMap<>();
    private final Map<String, ITopic<byte[]>> topics = new ConcurrentHashMap<>();
    private final Map<String, ClusterPeer> peers = new ConcurrentHashMap<>();
    private final AtomicInteger rotation = new AtomicInteger();

    public ClusterCalls(HazelcastInstance hazelcast, ServiceTable table, LocalCalls local) {
        this.hazelcast = hazelcast;
        this.table = table;
        this.local = local;
        this.inbox = hazelcast.getTopic(topicOf(hazelcast.getCluster().getLocalMember().getUuid().toString()));
        this.registration = inbox.addMessageListener(new Receiver());
    }

    /** The topic a node with this member id receives RPC on. */
    static String topicOf(String memberId) {
        return PREFIX + memberId;
    }

    @Override
    public Peer choose(String service, int localInFlight) {
        String id = NodeChoice.choose(table.peers(), service, localInFlight, sent::outstanding, rotation.getAndIncrement());
        return id == null ? null : peers.computeIfAbsent(id, peer -> new ClusterPeer(peer, nameOf(peer)));
    }

    /** A member left: the calls sent to it fail with PROVIDER_GONE, and the calls it made here stop. */
    public void memberLeft(String peer) {
        sent.failAll(peer);
        served.cancelAll(peer);
        calleeStreams.keySet().removeIf(k -> k.startsWith(peer + "\n"));
        topics.remove(peer);
        peers.remove(peer);
    }

    /** Unlinks RPC: calls sent to other nodes fail with PROVIDER_GONE, calls of other nodes here stop. */
    @Override
    public void close() {
        try {
            inbox.removeMessageListener(registration);
        } catch (RuntimeException alreadyDown) {
            // Hazelcast is shutting down
        }
        sent.failAll(null);
        served.cancelAll(null);
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
        topics.computeIfAbsent(peer, id -> hazelcast.getTopic(topicOf(id))).publish(message.encode());
    }

    /** Sends to a node, dropping the message when it cannot be reached (it is leaving: its calls end with it). */
    private void sendQuietly(String peer, RpcMessage message) {
        try {
            send(peer, message);
        } catch (RuntimeException unreachable) {
            // The node is leaving; its calls end with it.
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
            try {
                if (streamed != null) {
                    streamed.accept(callId);
                }
                ClusterCalls.this.send(id, streamed != null ? RpcMessage.streamedCall(callId, timeoutMillis, method, params)
                        : RpcMessage.call(callId, timeoutMillis, method, params));
            } catch (RuntimeException unreachable) {
                SentCalls.Sent call = sent.take(callId);
                if (call != null) {
                    answer.error(ErrorCode.PROVIDER_GONE.code(), "node " + name + " could not be reached for the call of "
                            + method + ": " + unreachable.getMessage(), "");
                }
                return () -> { };
            }
            return () -> {
                if (sent.waiting(callId)) {
                    try {
                        ClusterCalls.this.send(id, RpcMessage.cancel(callId));
                    } catch (RuntimeException unreachable) {
                        // The node is leaving; its calls stop with it.
                    }
                }
            };
        }
    }

    private final class Receiver implements MessageListener<byte[]> {
        @Override
        public void onMessage(Message<byte[]> message) {
            Member from = message.getPublishingMember();
            if (from == null) {
                return;
            }
            String peer = from.getUuid().toString();
            RpcMessage m;
            try {
                m = RpcMessage.decode(message.getMessageObject());
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "Dropped an RPC message from member {0}: {1}", peer, e.getMessage());
                return;
            }
            switch (m.kind()) {
                case CALL -> run(peer, m, false);
                case STREAMED_CALL -> run(peer, m, true);
                case CANCEL -> served.cancel(peer, m.callId());
                case RESULT -> {
                    SentCalls.Sent call = sent.take(m.callId());
                    if (call != null) {
                        call.answer().result(m.body());
                    }
                }
                case ERROR -> {
                    SentCalls.Sent call = sent.take(m.callId());
                    if (call != null) {
                        call.answer().error(m.code(), m.message(), m.details());
                    }
                }
                case OPENED, CALLEE_ITEM, CALLEE_END, CALLEE_FAILED, CALLEE_CREDIT -> toCaller(peer, m);
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
                case CALLER_CREDIT -> stream.credit(m.code());
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
            String key = streamKey(peer, callId);
            ServedCalls.Served call = served.add(peer, callId);
            CallAnswer back = new CallAnswer() {
                @Override
                public void result(byte[] json) {
                    served.answered(peer, callId);
                    calleeStreams.remove(key);
                    reply(peer, RpcMessage.result(callId, json));
                }

                @Override
                public void error(int code, String message, String details) {
                    served.answered(peer, callId);
                    calleeStreams.remove(key);
                    reply(peer, RpcMessage.error(callId, code, message, details));
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
            } catch (RuntimeException unreachable) {
                // The caller's node is leaving: its calls fail there with PROVIDER_GONE.
            }
        }
    }
}
