package io.aldis.feature.cluster.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.pubsub.api.PublishedMessage;
import io.aldis.feature.pubsub.spi.Interest;
import io.aldis.protocol.api.codec.RepeatedStrings;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WireMessageTest {
    @Test
    void aMessageCrossesWhole() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("trace", "ä-1");
        headers.put("kind", "x");
        WireMessage sent = new WireMessage(new PublishedMessage("a.b", "_inbox.1", headers, new byte[] {0, 1, -1}),
                Set.of("workers", "auditors"));

        WireMessage got = WireMessage.decode(sent.encode());

        assertThat(got.message().subject()).isEqualTo("a.b");
        assertThat(got.message().replyTo()).isEqualTo("_inbox.1");
        assertThat(got.message().headers()).containsExactly(Map.entry("trace", "ä-1"), Map.entry("kind", "x"));
        assertThat(got.message().payload()).containsExactly(0, 1, -1);
        assertThat(got.queueGroups()).containsExactlyInAnyOrder("workers", "auditors");
    }

    @Test
    void aSubjectThatRepeatsIsTheSameStringAndEverythingElseAsDecodedAfresh() {
        Map<String, String> headers = Map.of("trace", "ä-1");
        byte[] bytes = new WireMessage(new PublishedMessage("orders.eu", "_inbox.7", headers, new byte[] {5}),
                Set.of("workers")).encode();
        RepeatedStrings strings = new RepeatedStrings();

        WireMessage first = WireMessage.decode(bytes, strings);
        WireMessage second = WireMessage.decode(bytes.clone(), strings);

        assertThat(second.message().subject()).isSameAs(first.message().subject()).isEqualTo("orders.eu");
        assertThat(second.message().replyTo()).isSameAs(first.message().replyTo()).isEqualTo("_inbox.7");
        assertThat(second).usingRecursiveComparison().isEqualTo(WireMessage.decode(bytes));
        assertThat(second.message().headers()).containsExactly(Map.entry("trace", "ä-1"));
        assertThat(second.message().payload()).containsExactly(5);
        assertThat(second.queueGroups()).containsExactly("workers");
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 1);
        assertThatThrownBy(() -> WireMessage.decode(cut, strings)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writtenToALinkAMessageTakesExactlyTheLengthItAnnounces() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("trace", "ä-€-😀");
        headers.put("", "");
        headers.put("lone", "a\uD800b");
        for (WireMessage m : new WireMessage[] {
                new WireMessage(new PublishedMessage("a.b", "", Map.of(), new byte[0]), Set.of()),
                new WireMessage(new PublishedMessage("ünï.😀", "_inbox.ß", headers, new byte[] {1, 2}), Set.of("g1", "gé")),
        }) {
            io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer();
            try {
                m.writeTo(out);
                assertThat(out.readableBytes()).isEqualTo(m.length());
                byte[] bytes = new byte[out.readableBytes()];
                out.readBytes(bytes);
                assertThat(bytes).isEqualTo(m.encode());
                assertThat(WireMessage.decode(bytes).message().subject()).isEqualTo(m.message().subject());
            } finally {
                out.release();
            }
        }
    }

    @Test
    void truncatedOrForeignBytesAreRefused() {
        byte[] whole = new WireMessage(new PublishedMessage("a", "", Map.of(), new byte[10]), Set.of()).encode();
        assertThatThrownBy(() -> WireMessage.decode(Arrays.copyOf(whole, whole.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] foreign = whole.clone();
        foreign[0] = 9;
        assertThatThrownBy(() -> WireMessage.decode(foreign)).hasMessageContaining("version 9");
        byte[] huge = whole.clone();
        huge[1] = 0x7f; // the subject's length
        assertThatThrownBy(() -> WireMessage.decode(huge)).hasMessageContaining("bad length");
    }

    @Test
    void interestTextRoundTrips() {
        Set<Interest> interest = Set.of(new Interest("a.*", ""), new Interest("b.>", "g"));
        assertThat(InterestCodec.decode(InterestCodec.encode(interest))).isEqualTo(interest);
        assertThat(InterestCodec.decode("")).isEmpty();
    }

    @Test
    void theBytesFollowTheLayoutEveryNodeReads() throws Exception {
        // The layout written out by hand, field by field, big-endian: nodes of an older build read
        // exactly this, so a faster encoder must not change a byte of it.
        PublishedMessage m = new PublishedMessage("a.b", "r", new LinkedHashMap<>(Map.of("k", "v")), new byte[] {7, 8});
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(expected)) {
            out.writeByte(1);
            out.writeInt(3);
            out.write("a.b".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.writeInt(1);
            out.write('r');
            out.writeInt(1);
            out.writeInt(1);
            out.write('k');
            out.writeInt(1);
            out.write('v');
            out.writeInt(1);
            out.writeInt(1);
            out.write('g');
            out.writeInt(2);
            out.write(new byte[] {7, 8});
        }
        assertThat(new WireMessage(m, Set.of("g")).encode()).containsExactly(expected.toByteArray());
    }
}
