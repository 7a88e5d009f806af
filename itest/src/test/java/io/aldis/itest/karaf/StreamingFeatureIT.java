package io.aldis.itest.karaf;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * The streaming feature in the distribution: an OSGi service's {@code Flow.Publisher} streams to
 * a caller under credit, and uninstalling, updating or refreshing {@code aldis-streaming} while it
 * streams ends that stream and its call cleanly, keeps the session, leaves the core and the RPC
 * feature untouched, answers calls with batches while streaming is away, and streams again once
 * it is back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StreamingFeatureIT extends AldisKarafTestSupport {
    private static final String USER = "streamuser";
    private static final String PASSWORD = "stream-Pa55word";
    private static final String ACTIVATOR = "io.aldis.itest.karaf.TickerActivator";
    private static final String INTERFACE = "io.aldis.itest.karaf.Ticker";
    private static final long CAPABILITIES = Capability.RPC.mask() | Capability.STREAMS.mask();
    private static final int CREDIT = 8;
    private static boolean prepared;

    private enum Swap {
        REINSTALL, UPDATE, REFRESH
    }

    @Before
    public void nodeIsUp() throws Exception {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        awaitCapability("rpc");
        awaitCapability("streams");
        synchronized (StreamingFeatureIT.class) {
            if (!prepared) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                TestBundles.install(bundleContext, "io.aldis.itest.ticker", ACTIVATOR, "org.osgi.framework",
                        List.of(ACTIVATOR, INTERFACE, ACTIVATOR + "$1")).start();
                prepared = true;
            }
        }
    }

    @Test
    public void aStreamIsListedAndAnOperatorCanCancelIt() throws Exception {
        try (FrameClient caller = login()) {
            StreamOpen open = startStream(caller, 1, 100);
            String listing = executeCommand("aldis:stream-list --no-format");
            assertTrue(listing, listing.contains("ticker.from") && listing.contains(String.valueOf(open.streamId())));
            executeCommand("aldis:stream-cancel " + open.streamId());
            assertEquals(ErrorCode.CANCELLED.code(), caller.next(StreamError.class).code());
            assertEquals(ErrorCode.CANCELLED.code(), caller.callError(1).code());
            String after = executeCommand("aldis:stream-list --no-format");
            assertTrue(after, !after.contains("ticker.from"));
            executeFailingCommand("aldis:stream-cancel " + open.streamId());
        }
    }

    @Test
    public void uninstallingStreamingEndsItsStreamsCleanlyAndCallsFallBackToBatches() throws Exception {
        streamAcross(Swap.REINSTALL);
    }

    @Test
    public void updatingStreamingEndsItsStreamsCleanly() throws Exception {
        streamAcross(Swap.UPDATE);
    }

    @Test
    public void refreshingStreamingEndsItsStreamsCleanly() throws Exception {
        streamAcross(Swap.REFRESH);
    }

    private void streamAcross(Swap swap) throws Exception {
        try (CoreWatch core = new CoreWatch(bundleContext, bundle("io.aldis.node.core"), bundle("io.aldis.protocol.api"));
                CoreWatch rpc = new CoreWatch(bundleContext, bundle("io.aldis.feature.rpc"), bundle("io.aldis.protocol.api"));
                FrameClient caller = login()) {
            StreamOpen open = startStream(caller, 1, 0);
            AtomicLong cancelled = cancelledCounter();
            long cancelledBefore = cancelled.get();

            swap(swap, () -> {
                StreamError ended = caller.next(StreamError.class);
                assertEquals(open.streamId(), ended.streamId());
                assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE.code(), ended.code());
                RpcError failed = caller.callError(1);
                assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE.code(), failed.code());
                await("the service's producer released", WAIT, () -> cancelled.get() == cancelledBefore + 1);
                if (swap == Swap.REINSTALL) {
                    callWithStreams(caller, 2, "ticker.range", "[5, 3]");
                    assertEquals("[5,6,7]", text(caller.next(RpcResponse.class)));
                }
                caller.send(new Ping(42));
                assertEquals(42, caller.next(Pong.class).nonce());
            });
            awaitCapability("streams");
            StreamOpen again = startStream(caller, 3, 1000);
            caller.send(new StreamCancel(again.streamId()));
            assertEquals(ErrorCode.CANCELLED.code(), caller.callError(3).code());
            core.assertUntouched();
            rpc.assertUntouched();
        }
    }

    private FrameClient login() throws Exception {
        FrameClient caller = FrameClient.tcp(DEFAULT_PORT);
        caller.login(USER, PASSWORD, CAPABILITIES);
        assertTrue("STREAMS announced", Capability.fromMask(caller.connectAck().capabilities())
                .contains(Capability.STREAMS));
        return caller;
    }

    /** Calls ticker.from(start) with streams, grants the credit, and reads that many items. */
    private static StreamOpen startStream(FrameClient caller, long callId, long start) throws Exception {
        callWithStreams(caller, callId, "ticker.from", "[" + start + "]");
        StreamOpen open = caller.next(StreamOpen.class);
        assertEquals(callId, open.callId());
        assertEquals(0, open.initialCredit());
        caller.send(new StreamCredit(open.streamId(), CREDIT));
        for (int i = 0; i < CREDIT; i++) {
            StreamData item = caller.next(StreamData.class);
            assertEquals(String.valueOf(start + i), new String(item.item(), StandardCharsets.UTF_8));
        }
        return open;
    }

    private static void callWithStreams(FrameClient caller, long callId, String method, String params) throws Exception {
        caller.send(new RpcRequest(true, callId, 0, method, params.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(RpcResponse response) {
        return new String(response.result(), StandardCharsets.UTF_8);
    }

    private AtomicLong cancelledCounter() {
        AtomicLong counter = awaitService(AtomicLong.class, "(ticker.cancelled=true)", WAIT);
        assertNotNull(counter);
        return counter;
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Swaps aldis-streaming as an operator would, running {@code meanwhile} once the streams ended. */
    private void swap(Swap swap, Step meanwhile) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        SynchronousBundleListener listener = event -> {
            if (event.getType() == BundleEvent.STARTED
                    && "io.aldis.feature.streaming".equals(event.getBundle().getSymbolicName())) {
                started.countDown();
            }
        };
        bundleContext.addBundleListener(listener);
        try {
            switch (swap) {
                case REINSTALL -> {
                    executeCommand("feature:uninstall aldis-streaming");
                    try {
                        meanwhile.run();
                    } finally {
                        executeCommand("feature:install aldis-streaming");
                    }
                }
                case UPDATE -> {
                    executeCommand("bundle:update " + streamingBundle().getBundleId());
                    meanwhile.run();
                }
                case REFRESH -> {
                    executeCommand("bundle:refresh " + streamingBundle().getBundleId());
                    meanwhile.run();
                }
            }
            assertTrue("io.aldis.feature.streaming started again", started.await(WAIT.toSeconds(), SECONDS));
        } finally {
            bundleContext.removeBundleListener(listener);
        }
    }

    private Bundle streamingBundle() {
        Bundle b = bundle("io.aldis.feature.streaming");
        assertNotNull("io.aldis.feature.streaming installed", b);
        return b;
    }
}
