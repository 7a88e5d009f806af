package io.aldis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resume bench's counts rest on FrameTap finding every frame in a TCP byte stream however it is split. */
class FrameTapTest {
    /** What the tap reported: type, length, and the head's size. */
    private record Seen(int type, int length, int headBytes) {
    }

    private static byte[] frame(int type, int bodyBytes) {
        ByteBuffer frame = ByteBuffer.allocate(4 + 2 + bodyBytes);
        frame.putInt(2 + bodyBytes).put((byte) type).put((byte) 0);
        for (int i = 0; i < bodyBytes; i++) {
            frame.put((byte) i);
        }
        return frame.array();
    }

    private static List<Seen> tap(byte[] stream, int piece) {
        List<Seen> seen = new ArrayList<>();
        FrameTap tap = new FrameTap((head, length, start) -> seen.add(new Seen(head.get(0) & 0xFF, length,
                head.remaining())));
        for (int at = 0; at < stream.length; at += piece) {
            tap.feed(stream, at, Math.min(piece, stream.length - at));
        }
        return seen;
    }

    @Test
    void findsEveryFrameWhetherTheBytesComeOneByOneOrAllAtOnce() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(frame(0x13, 40));       // AUTH_OK, shorter than the head kept
        stream.writeBytes(frame(0x66, 1 << 16));  // CHUNK_DATA of 64 KiB
        stream.writeBytes(frame(0x67, 20));       // CHUNK_ACK
        List<Seen> expected = List.of(new Seen(0x13, 42, 42), new Seen(0x66, 2 + (1 << 16), FrameTap.HEAD_BYTES),
                new Seen(0x67, 22, 22));
        for (int piece : new int[] {1, 3, 97, 1 << 20}) {
            assertEquals(expected, tap(stream.toByteArray(), piece), "pieces of " + piece + " bytes");
        }
    }

    @Test
    void aLargeFrameCutOffAfterItsHeadCountsAsSentAndAShortOneCutOffDoesNot() {
        byte[] chunk = frame(0x66, 1 << 16);
        byte[] ack = frame(0x67, 20);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(chunk, 0, 4 + FrameTap.HEAD_BYTES + 10); // the connection broke mid-chunk
        assertEquals(List.of(new Seen(0x66, 2 + (1 << 16), FrameTap.HEAD_BYTES)), tap(stream.toByteArray(), 7));

        stream.reset();
        stream.write(ack, 0, ack.length - 1);
        assertEquals(List.of(), tap(stream.toByteArray(), 7));
    }
}
