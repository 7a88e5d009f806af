package io.aldis.itest.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The streaming feature in the distribution: it boots with the node and offers STREAMS; a stream
 * it runs shows in {@code aldis:stream-list} and {@code aldis:stream-cancel} ends it; and
 * {@code feature:uninstall aldis-streaming} ends running streams with STREAM_ERROR
 * CAPABILITY_UNAVAILABLE while the session and the core stay, until {@code feature:install} brings
 * streams back. The test opens streams through the CallStreams service, as the RPC feature does
 * for a streaming method, on the session of a frame-level client.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StreamingFeatureIT extends AldisKarafTestSupport {
    private static final String STREAMING_BUNDLE = "io.aldis.feature.streaming";
    private static final String USER = "streamer";
    private static final String PASSWORD = "streamer-pw-42";
    private static boolean prepared;

    @Before
    public void streamingIsServed() {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        awaitStreaming();
        synchronized (StreamingFeatureIT.class) {
            if (!prepared) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                prepared = true;
            }
        }
    }

    private void awaitStreaming() {
        await(STREAMING_BUNDLE + " active", WAIT, () -> {
            Bundle b = bundle(STREAMING_BUNDLE);
            return b != null && b.getState() == Bundle.ACTIVE;
        });
        await("a frame handler for streams", WAIT, () -> capabilityServed("streams"));
    }

    /** Items numbered from 0, as many as asked for. */
    private static final class Endless implements Flow.Publisher<byte[]> {
        final CompletableFuture<Void> cancelled = new CompletableFuture<>();

        @Override
        public void subscribe(Flow.Subscriber<? super byte[]> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private long next;

                @Override
                public synchronized void request(long n) {
                    for (long i = 0; i < n && !cancelled.isDone(); i++) {
                        subscriber.onNext(Long.toString(next++).getBytes());
                    }
                }

                @Override
                public void cancel() {
                    cancelled.complete(null);
                }
            });
        }
    }

    /** How the stream's call ended, as RPC would hear it. */
    private static final class Outcome implements CallStreamListener {
        final CompletableFuture<String> told = new CompletableFuture<>();

        @Override
        public void ended() {
            told.complete("ended");
        }

        @Override
        public void failed(int code, String message) {
            told.complete(code + " " + message);
        }
    }

    private Session sessionOf(FrameClient client) {
        return awaitService(SessionRegistry.class, null, WAIT).find(client.sessionId()).orElseThrow();
    }

    private StreamOpen openStream(FrameClient client, long callId, Endless items, Outcome outcome) throws Exception {
        CallStreams streams = awaitService(CallStreams.class, null, WAIT);
        CallStream stream = streams.open(sessionOf(client), callId,
                new StreamSpec("probe.numbers", StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, null, 0), outcome);
        stream.send(items);
        StreamOpen open = client.next(f -> f instanceof StreamOpen o && o.callId() == callId);
        client.send(new StreamCredit(open.streamId(), 4));
        client.next(StreamData.class);
        return open;
    }

    @Test
    public void anOperatorSeesAndCancelsARunningStream() throws Exception {
        try (FrameClient client = FrameClient.tcp(DEFAULT_PORT)) {
            client.login(USER, PASSWORD);
            Endless items = new Endless();
            Outcome outcome = new Outcome();
            StreamOpen open = openStream(client, 21, items, outcome);

            String list = executeCommand("aldis:stream-list --no-format");
            assertTrue(list, list.contains("probe.numbers") && list.contains(USER)
                    && list.contains(Long.toString(open.streamId())));

            executeCommand("aldis:stream-cancel " + open.streamId());
            StreamError error = client.next(StreamError.class);
            assertEquals(ErrorCode.CANCELLED.code(), error.code());
            assertEquals("cancelled by an operator", error.message());
            assertEquals("-403 cancelled by an operator", outcome.told.get(30, TimeUnit.SECONDS));
            items.cancelled.get(30, TimeUnit.SECONDS);
            String unknown = executeFailingCommand("aldis:stream-cancel " + open.streamId());
            assertTrue(unknown, unknown.contains("no open stream has the id " + open.streamId()));
        }
    }

    @Test
    public void uninstallEndsRunningStreamsKeepsTheSessionAndInstallBringsStreamsBack() throws Exception {
        try (FrameClient client = FrameClient.tcp(DEFAULT_PORT)) {
            client.login(USER, PASSWORD);
            assertNotEquals(0, client.connectAck().capabilities() & Capability.STREAMS.mask());
            Endless items = new Endless();
            Outcome outcome = new Outcome();
            StreamOpen open = openStream(client, 11, items, outcome);
            Bundle core = bundle("io.aldis.node.core");
            long coreId = core.getBundleId();
            long coreModified = core.getLastModified();

            executeCommand("feature:uninstall aldis-streaming");
            try {
                StreamError error = client.next(StreamError.class);
                assertEquals(open.streamId(), error.streamId());
                assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE.code(), error.code());
                assertEquals("-106 streaming was uninstalled", outcome.told.get(30, TimeUnit.SECONDS));
                items.cancelled.get(30, TimeUnit.SECONDS);
                CapabilityChange without = client.next(CapabilityChange.class);
                assertEquals(0, without.capabilities() & Capability.STREAMS.mask());
                client.send(new Ping(3));
                assertEquals(3, client.next(Pong.class).nonce());
                Bundle sameCore = bundle("io.aldis.node.core");
                assertEquals("the core was not refreshed", coreId, sameCore.getBundleId());
                assertEquals(coreModified, sameCore.getLastModified());
                assertEquals(Bundle.ACTIVE, sameCore.getState());
            } finally {
                executeCommand("feature:install aldis-streaming");
            }
            awaitStreaming();
            CapabilityChange with = client.next(f -> f instanceof CapabilityChange c
                    && (c.capabilities() & Capability.STREAMS.mask()) != 0);
            assertNotEquals(0, with.capabilities() & Capability.STREAMS.mask());
            Outcome again = new Outcome();
            StreamOpen reopened = openStream(client, 12, new Endless(), again);
            assertEquals(12, reopened.callId());
        }
    }
}
