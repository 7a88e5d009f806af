package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.Fixtures.encode;
import static io.aldis.protocol.api.codec.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.RpcRequest;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RepeatedStringsTest {
    private final RepeatedStrings strings = new RepeatedStrings();

    private Frame decode(byte[] wire) {
        return FrameCodec.decode(Unpooled.wrappedBuffer(wire), strings);
    }

    @Test
    void theSameBytesGiveTheSameInstance() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("trace", "1");
        byte[] wire = encode(new Publish("orders.eu.created", "reply.7", headers, new byte[] {1, 2}));
        Publish first = (Publish) decode(wire);
        Publish second = (Publish) decode(wire);
        Fixtures.assertSameFrame(second, first);
        assertThat(second.subject()).isSameAs(first.subject());
        assertThat(second.replyTo()).isSameAs(first.replyTo());
        assertThat(second.headers().keySet().iterator().next()).isSameAs(first.headers().keySet().iterator().next());
    }

    @Test
    void everyFrameFamilyThatRepeatsNamesSharesThem() {
        Deliver d1 = (Deliver) decode(encode(new Deliver(1, "a.b", "", Map.of(), new byte[0])));
        Deliver d2 = (Deliver) decode(encode(new Deliver(2, "a.b", "", Map.of(), new byte[0])));
        assertThat(d2.subject()).isSameAs(d1.subject());
        Message m1 = (Message) decode(encode(new Message(false, 1, "chat.text", new byte[] {1})));
        Message m2 = (Message) decode(encode(new Message(false, 2, "chat.text", new byte[] {2})));
        assertThat(m2.messageType()).isSameAs(m1.messageType());
        RpcRequest r1 = (RpcRequest) decode(encode(new RpcRequest(1, 0, "calc.add", new byte[0])));
        RpcRequest r2 = (RpcRequest) decode(encode(new RpcRequest(2, 0, "calc.add", new byte[0])));
        assertThat(r2.method()).isSameAs(r1.method());
        // A publish of the same subject shares it with the earlier DELIVER: one table per connection.
        Publish p = (Publish) decode(encode(new Publish("a.b", "", Map.of(), new byte[0])));
        assertThat(p.subject()).isSameAs(d1.subject());
    }

    private byte[] encodeWithTable(Frame frame) {
        io.netty.buffer.ByteBuf out = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, out, strings);
            return io.netty.buffer.ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    @Test
    void encodingThroughTheTableWritesTheSameBytesAsWithout() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("tr\u00e4ce", "v");
        Random random = new Random(7);
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            subjects.add("s" + random.nextInt(300) + ".x");
        }
        subjects.add("\u00e9t\u00e9.\u65e5\u672c");         // non-ASCII
        subjects.add("a".repeat(RepeatedStrings.MAX_LENGTH));       // the longest remembered
        subjects.add("b".repeat(RepeatedStrings.MAX_LENGTH + 1));   // too long to remember
        subjects.add("broken\ud800pair");                        // a lone surrogate, as Netty writes it
        for (int round = 0; round < 2; round++) {
            for (String subject : subjects) {
                List<Frame> frames = List.of(
                        new Deliver(9, subject, round == 0 ? "" : subject, headers, new byte[] {1, 2, 3}),
                        new Publish(subject, "r." + subject, Map.of(), new byte[0]),
                        new Message(true, 3, subject, new byte[] {4}),
                        new RpcRequest(4, 10, subject, new byte[] {5}));
                for (Frame frame : frames) {
                    assertThat(encodeWithTable(frame)).as("%s", frame).isEqualTo(encode(frame));
                }
            }
        }
        // An equal string that is another instance is encoded afresh, still to the same bytes.
        String again = new String("s1.x".toCharArray());
        Publish p = new Publish(again, "", Map.of(), new byte[0]);
        assertThat(encodeWithTable(p)).isEqualTo(encode(p));
    }

    @Test
    void stringsOfEveryLengthThatDifferInOneByteStayApart() {
        for (int length = 1; length <= RepeatedStrings.MAX_LENGTH + 1; length++) {
            String base = "abcdefghij".repeat(7).substring(0, length);
            List<String> variants = List.of(base, base.substring(0, length - 1) + "Z", "Z" + base.substring(1));
            // Interleaved, so each lookup meets the others' entries (or evicts them: direct-mapped).
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < variants.size(); i++) {
                    String got = ((Publish) decode(encode(new Publish(variants.get(i), "", Map.of(), new byte[0])))).subject();
                    assertThat(got).as("length %d, variant %d", length, i).isEqualTo(variants.get(i));
                }
            }
            String once = ((Publish) decode(encode(new Publish(base, "", Map.of(), new byte[0])))).subject();
            String twice = ((Publish) decode(encode(new Publish(base, "", Map.of(), new byte[0])))).subject();
            if (length <= RepeatedStrings.MAX_LENGTH) {
                assertThat(twice).as("length %d repeated", length).isSameAs(once);
            }
        }
    }

    @Test
    void manyDistinctStringsAllDecodeToTheirOwnValue() {
        // Far more strings than slots, several times over, in a random order: a slot taken by
        // another string must never answer for this one.
        Random random = new Random(42);
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            subjects.add("s." + Integer.toString(random.nextInt(5000), 36) + "." + i % 7);
        }
        subjects.add("x".repeat(RepeatedStrings.MAX_LENGTH));
        subjects.add("y".repeat(RepeatedStrings.MAX_LENGTH + 1));
        subjects.add("\u00e9t\u00e9.\u65e5\u672c.\uD83D\uDE00");
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < subjects.size(); i++) {
                String subject = subjects.get(random.nextInt(subjects.size()));
                Publish p = (Publish) decode(encode(new Publish(subject, "", Map.of(), new byte[] {(byte) i})));
                assertThat(p.subject()).isEqualTo(subject);
            }
        }
    }

    @Test
    void invalidUtf8IsRejectedWhetherOrNotTheTableIsInUse() {
        // PUBLISH with subject bytes c3 28 (bad continuation), then the same after valid publishes.
        byte[] bad = hex("33 00 | 0002 c328 | 0000");
        byte[] longBad = hex("33 00 | 0041 " + "61".repeat(64) + "ff | 0000");
        for (int i = 0; i < 3; i++) {
            assertMalformed(bad);
            assertMalformed(longBad);
            decode(encode(new Publish("ok", "", Map.of(), new byte[0])));
        }
    }

    @Test
    void aStringCutShortByTheFrameIsMalformed() {
        assertMalformed(hex("33 00 | 0005 6162"));
    }

    private void assertMalformed(byte[] wire) {
        assertThatThrownBy(() -> decode(wire)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME));
    }
}
