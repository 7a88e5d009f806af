package io.aldis.feature.streaming.internal.streams;

import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.stream.SizeFunction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * The streams of one node on a test's thread: the session's event loop is an
 * {@link io.netty.channel.embedded.EmbeddedChannel}'s, and the pool that talks to services runs its
 * tasks when {@link #settle()} says so, so every run is the same and needs no waiting.
 */
public final class StreamRig {
    final ArrayDeque<Runnable> poolTasks = new ArrayDeque<>();
    /** How often a task was handed to the pool: each is a hand-over between threads on a real node. */
    int poolHandOvers;
    /** Whether the test's thread runs a task of the pool now, rather than one of a loop. */
    boolean poolRunning;
    final Executor pool = task -> {
        poolHandOvers++;
        poolTasks.add(task);
    };
    final Map<String, SizeFunction> sizeFunctions = new HashMap<>();
    public final Streams streams;

    public StreamRig(StreamingSettings settings) {
        streams = new Streams(settings, sizeFunctions::get, pool);
    }

    /**
     * The default settings, except that a prompt publisher is asked on the loop with a limit no run
     * of a test reaches, so that where a request runs never depends on how busy the machine is.
     */
    public StreamRig() {
        this(StreamingSettings.defaults().withPublisherOnLoopMicros(1_000_000));
    }

    /** Runs the loops' and the pool's tasks until none is left. */
    public void settle(TestSession... sessions) {
        boolean ran = true;
        while (ran) {
            ran = false;
            for (TestSession s : sessions) {
                s.channel.runPendingTasks();
            }
            Runnable task;
            while ((task = poolTasks.poll()) != null) {
                poolRunning = true;
                try {
                    task.run();
                } finally {
                    poolRunning = false;
                }
                ran = true;
            }
            for (TestSession s : sessions) {
                if (s.channel.hasPendingTasks()) {
                    ran = true;
                }
            }
        }
    }

    public CallStream open(TestSession session, long callId, StreamDirection direction, CreditMode mode, int highWaterMark,
            CallStreamListener listener) {
        String function = mode == CreditMode.CUSTOM ? sizeFunctions.keySet().iterator().next() : null;
        int h = direction.callerSends() ? highWaterMark : 0;
        return streams.open(session, callId, new StreamSpec("test.method", direction, mode, function, h), listener);
    }

    /** What a listener was told. */
    public static final class Told implements CallStreamListener {
        final List<String> events = new ArrayList<>();
        public int code;
        public String message;

        @Override
        public void ended() {
            events.add("ended");
        }

        @Override
        public void failed(int failedCode, String failedMessage) {
            events.add("failed");
            this.code = failedCode;
            this.message = failedMessage;
        }
    }

    /** A publisher of given items that records what it was asked for and whether it was cancelled. */
    public static final class Source implements Flow.Publisher<byte[]> {
        final ArrayDeque<byte[]> items;
        long requested;
        long emitted;
        boolean cancelled;
        public boolean completeWhenEmpty = true;
        RuntimeException failWith;
        private Flow.Subscriber<? super byte[]> subscriber;
        private long demand;
        private boolean done;

        public Source(List<byte[]> items) {
            this.items = new ArrayDeque<>(items);
        }

        @Override
        public void subscribe(Flow.Subscriber<? super byte[]> s) {
            subscriber = s;
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requested += n;
                    demand += n;
                    emit();
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
            emit();
        }

        void emit() {
            while (!done && !cancelled && demand > 0 && !items.isEmpty()) {
                demand--;
                emitted++;
                subscriber.onNext(items.poll());
            }
            if (!done && !cancelled && items.isEmpty()) {
                if (failWith != null) {
                    done = true;
                    subscriber.onError(failWith);
                } else if (completeWhenEmpty) {
                    done = true;
                    subscriber.onComplete();
                }
            }
        }
    }

    /** A subscriber that requests what the test tells it to and records what it got. */
    public static class Sink implements Flow.Subscriber<byte[]> {
        public final List<byte[]> items = new ArrayList<>();
        public Flow.Subscription subscription;
        boolean completed;
        Throwable failure;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(byte[] item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }
}
