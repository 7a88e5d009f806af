package io.aldis.feature.rpc.internal;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.stream.StreamRelay;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;

/**
 * The streaming feature as the RPC feature sees it, recording what is asked of it: which sessions
 * take streams, the streams opened (each a {@link Stream}) and the relays asked for.
 */
public final class RecordingStreams implements CallStreams {
    /** The sessions that take streams; every session when null. */
    public volatile Set<Session> streaming;
    public volatile ProtocolException refusal;
    /** Whether each stream tells its listener how its items ended, as the streaming feature would. */
    public volatile boolean loopback;
    /** Items each stream's caller sends, once the method subscribed to them, then their end. */
    public final List<byte[]> callerItems = new CopyOnWriteArrayList<>();
    public final BlockingQueue<Stream> opened = new LinkedBlockingQueue<>();
    public volatile Relay relay;

    /** Only these sessions take streams. */
    public RecordingStreams only(Session... sessions) {
        Set<Session> set = ConcurrentHashMap.newKeySet();
        set.addAll(List.of(sessions));
        streaming = set;
        return this;
    }

    @Override
    public boolean streams(Session session) {
        Set<Session> set = streaming;
        return set == null || set.contains(session);
    }

    @Override
    public CallStream open(Session session, long callId, StreamSpec spec, CallStreamListener listener) {
        if (refusal != null) {
            throw refusal;
        }
        Stream stream = new Stream(session, callId, spec, listener);
        if (!callerItems.isEmpty()) {
            stream.subscribed.thenRun(() -> {
                callerItems.forEach(stream.callerItems::submit);
                stream.callerItems.close();
            });
        }
        opened.add(stream);
        return stream;
    }

    @Override
    public StreamRelay relay(Session caller, long callId, Session provider, long forwardedCallId, StreamSpec declared,
            CallStreamListener listener) {
        Relay r = new Relay(caller, callId, forwardedCallId, declared, listener);
        relay = r;
        return r;
    }

    /** One call's stream: what the method sent, the answers given to it, how it was closed. */
    public final class Stream implements CallStream {
        public final Session session;
        public final long callId;
        public final StreamSpec spec;
        public final CallStreamListener listener;
        /** The answers given to the stream, which sends them on as the streaming feature does. */
        public final List<Frame> answers = new CopyOnWriteArrayList<>();
        public final SubmissionPublisher<byte[]> callerItems = new SubmissionPublisher<>(Runnable::run, 16);
        public final CompletableFuture<List<String>> sent = new CompletableFuture<>();
        public final CompletableFuture<String> closed = new CompletableFuture<>();
        /** Completes once the method subscribed to the caller's items, which are sent only then. */
        public final CompletableFuture<Void> subscribed = new CompletableFuture<>();

        Stream(Session session, long callId, StreamSpec spec, CallStreamListener listener) {
            this.session = session;
            this.callId = callId;
            this.spec = spec;
            this.listener = listener;
        }

        @Override
        public long streamId() {
            return 2 * callId;
        }

        @Override
        public void send(Flow.Publisher<byte[]> items) {
            List<String> got = new CopyOnWriteArrayList<>();
            items.subscribe(new Flow.Subscriber<byte[]>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(byte[] item) {
                    got.add(new String(item, StandardCharsets.UTF_8));
                }

                @Override
                public void onError(Throwable failure) {
                    sent.completeExceptionally(failure);
                    if (loopback) {
                        listener.failed(ErrorCode.STREAM_FAILED.code(), "stream processing failed");
                    }
                }

                @Override
                public void onComplete() {
                    sent.complete(got);
                    if (loopback) {
                        listener.ended();
                    }
                }
            });
        }

        @Override
        public Flow.Publisher<byte[]> received() {
            return subscriber -> {
                callerItems.subscribe(subscriber);
                subscribed.complete(null);
            };
        }

        @Override
        public void answer(Frame answer) {
            answers.add(answer);
            session.send(answer);
        }

        @Override
        public void close(int code, String message) {
            closed.complete(code + " " + message);
        }
    }

    /** One relayed call: what the RPC feature told the relay, and the listener it gave. */
    public final class Relay implements StreamRelay {
        public final Session caller;
        public final long callId;
        public final long forwardedCallId;
        public final StreamSpec declared;
        public final CallStreamListener listener;
        public volatile int closedWith = Integer.MIN_VALUE;

        Relay(Session caller, long callId, long forwardedCallId, StreamSpec declared, CallStreamListener listener) {
            this.caller = caller;
            this.callId = callId;
            this.forwardedCallId = forwardedCallId;
            this.declared = declared;
            this.listener = listener;
        }

        /** The provider's STREAM_OPEN came: the caller's stream opens, as the streaming feature opens it. */
        public Stream callerStreamOpens() {
            Stream stream = new Stream(caller, callId, declared, listener);
            listener.opened(stream);
            return stream;
        }

        @Override
        @Deprecated
        public boolean providerAnswered() {
            throw new AssertionError("the RPC feature tells the relay of the provider's answer with close(0)");
        }

        @Override
        public void close(int code, String message) {
            closedWith = code;
        }
    }
}
