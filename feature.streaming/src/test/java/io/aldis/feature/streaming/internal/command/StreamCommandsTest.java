package io.aldis.feature.streaming.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.streaming.internal.StreamAdmin;
import io.aldis.feature.streaming.internal.stats.StreamingView;
import io.aldis.feature.streaming.internal.streams.StreamRig;
import io.aldis.feature.streaming.internal.streams.TestSession;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.io.ByteArrayOutputStream;
import org.apache.karaf.shell.api.console.CommandLine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shell commands against real streams of a test session. */
class StreamCommandsTest {
    private final StreamRig rig = new StreamRig();
    private final TestSession session = TestSession.withStreams();
    private final StreamRig.Told told = new StreamRig.Told();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private final StreamAdmin admin = new StreamAdmin() {
        @Override
        public StreamingView view() {
            return rig.streams.view();
        }

        @Override
        public boolean cancel(long streamId) {
            return rig.streams.cancel(streamId);
        }
    };

    @BeforeEach
    void setUp() {
        oldOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setOut(oldOut);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private CallStream streamOfThreeItemsWithCreditFive() {
        CallStream stream = rig.open(session, 9, StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, 0, told);
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            items.add(new byte[] {1});
        }
        StreamRig.Source source = new StreamRig.Source(items);
        source.completeWhenEmpty = false;
        stream.send(source);
        ((io.aldis.feature.streaming.internal.streams.NodeStream) stream).credit(5);
        rig.settle(session);
        return stream;
    }

    @Test
    void streamListShowsEachStreamWithItsCreditAndCounts() {
        CallStream stream = streamOfThreeItemsWithCreditFive();
        StreamListCommand list = new StreamListCommand();
        list.admin = admin;
        list.noFormat = true;
        list.execute();
        List<String> columns = out().trim().lines().flatMap(line -> java.util.Arrays.stream(line.split("\t")))
                .map(String::trim).toList();
        assertThat(columns).containsSequence(Long.toString(stream.streamId()), session.id().toString(), "alice",
                "test.method", "to caller", "bytes", "2", "-", "3", "3", "0", "0");
    }

    @Test
    void streamCancelEndsTheStreamAsAnOperatorAndFailsForAnUnknownId() {
        CallStream stream = streamOfThreeItemsWithCreditFive();
        StreamCancelCommand cancel = new StreamCancelCommand();
        cancel.admin = admin;
        cancel.id = stream.streamId();
        cancel.execute();
        rig.settle(session);
        assertThat(session.sent(StreamError.class))
                .containsExactly(new StreamError(stream.streamId(), -403, "cancelled by an operator"));
        assertThat(told.message).isEqualTo("cancelled by an operator");
        cancel.id = 4242;
        assertThatThrownBy(cancel::execute).hasMessage("no open stream has the id 4242");
        cancel.id = 4243;
        assertThatThrownBy(cancel::execute).hasMessage("no open stream has the id 4243");
    }

    @Test
    void aRelayedCallIsListedOnBothSidesAndCancelledThroughItsCallersSide() {
        TestSession provider = TestSession.withStreams();
        rig.streams.relay(session, 7, provider, 1,
                new StreamSpec("feed.ticks", StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, null, 0), told);
        rig.streams.relays().opened(provider, new StreamOpen(11, 1, StreamDirection.CALLEE_TO_CALLER,
                CreditMode.ITEMS, 0, ""));
        rig.settle(session, provider);
        long callerSide = session.sent(StreamOpen.class).get(0).streamId();

        StreamListCommand list = new StreamListCommand();
        list.admin = admin;
        list.noFormat = true;
        list.execute();
        List<String> lines = out().trim().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith(Long.toString(callerSide)).endsWith("to provider's 11");
        assertThat(lines.get(1)).startsWith("11").contains(provider.id().toString())
                .endsWith("provider side of " + callerSide);

        StreamCancelCommand cancel = new StreamCancelCommand();
        cancel.admin = admin;
        cancel.id = 11;
        assertThatThrownBy(cancel::execute).hasMessageStartingWith("stream 11 is a provider's id; cancel the caller's");
        cancel.id = callerSide;
        cancel.execute();
        rig.settle(session, provider);
        assertThat(provider.sent(StreamCancel.class)).as("the provider is told to stop").hasSize(1);
    }

    @Test
    void theCompleterOffersTheOpenStreamIds() {
        CallStream stream = streamOfThreeItemsWithCreditFive();
        StreamIdCompleter completer = new StreamIdCompleter();
        completer.admin = admin;
        List<String> candidates = new ArrayList<>();
        completer.complete(null, new CommandLine() {
            @Override
            public int getCursorArgumentIndex() {
                return 1;
            }

            @Override
            public String getCursorArgument() {
                return "";
            }

            @Override
            public int getArgumentPosition() {
                return 0;
            }

            @Override
            public String[] getArguments() {
                return new String[] {"aldis:stream-cancel", ""};
            }

            @Override
            public int getBufferPosition() {
                return 20;
            }

            @Override
            public String getBuffer() {
                return "aldis:stream-cancel ";
            }
        }, candidates);
        assertThat(candidates).extracting(String::trim).containsExactly(Long.toString(stream.streamId()));
    }
}
