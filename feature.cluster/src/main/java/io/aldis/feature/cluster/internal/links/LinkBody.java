package io.aldis.feature.cluster.internal.links;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * What a link frame carries, written straight into the link's buffer on the link's thread, so
 * that the thread that sends it spends no time encoding it into an array first.
 */
public interface LinkBody {
    /** The bytes {@link #writeTo} writes; the same every time it is asked. */
    int length();

    /** Writes exactly {@link #length()} bytes. */
    void writeTo(ByteBuf out);

    /** The body as an array, for a Hazelcast topic. */
    default byte[] toBytes() {
        byte[] bytes = new byte[length()];
        writeTo(Unpooled.wrappedBuffer(bytes).writerIndex(0));
        return bytes;
    }

    /** A body that is already an array. */
    static LinkBody of(byte[] bytes) {
        return new Bytes(bytes);
    }

    /** A body that is already an array. */
    record Bytes(byte[] bytes) implements LinkBody {
        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public void writeTo(ByteBuf out) {
            out.writeBytes(bytes);
        }

        @Override
        public byte[] toBytes() {
            return bytes;
        }
    }
}
