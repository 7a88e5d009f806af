package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.WireFields.known;
import static io.aldis.protocol.api.codec.WireFields.readJson;
import static io.aldis.protocol.api.codec.WireFields.readRest;
import static io.aldis.protocol.api.codec.WireFields.readSize64;
import static io.aldis.protocol.api.codec.WireFields.readStr;
import static io.aldis.protocol.api.codec.WireFields.readU31;
import static io.aldis.protocol.api.codec.WireFields.writeJson;
import static io.aldis.protocol.api.codec.WireFields.writeRest;
import static io.aldis.protocol.api.codec.WireFields.writeSize64;
import static io.aldis.protocol.api.codec.WireFields.writeStr;
import static io.aldis.protocol.api.codec.WireFields.writeU31;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** Layouts of the stream frames (section 5.6). */
final class StreamLayouts {

    static final FrameLayout<StreamOpen> STREAM_OPEN = new FrameLayout<>(FrameType.STREAM_OPEN) {
        @Override
        void write(StreamOpen f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.streamId());
            out.writeLong(f.callId());
            out.writeByte(f.direction().code());
            out.writeByte(f.creditMode().code());
            writeU31(out, f.initialCredit(), "initialCredit");
            writeJson(out, f.metadata());
        }

        @Override
        StreamOpen read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new StreamOpen(in.readLong(), in.readLong(),
                    known(StreamDirection.of(in.readUnsignedByte()), "stream direction"),
                    known(CreditMode.of(in.readUnsignedByte()), "credit mode"), readU31(in, "initialCredit"),
                    readJson(in));
        }
    };

    static final FrameLayout<StreamData> STREAM_DATA = new FrameLayout<>(FrameType.STREAM_DATA) {
        @Override
        int flags(StreamData f) {
            return f.last() ? StreamData.FLAG_LAST : 0;
        }

        @Override
        void write(StreamData f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.streamId());
            writeRest(out, f.item());
        }

        @Override
        StreamData read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new StreamData((flags & StreamData.FLAG_LAST) != 0, in.readLong(), readRest(in));
        }
    };

    static final FrameLayout<StreamCredit> STREAM_CREDIT = new FrameLayout<>(FrameType.STREAM_CREDIT) {
        @Override
        void write(StreamCredit f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.streamId());
            writeU31(out, f.credit(), "credit");
        }

        @Override
        StreamCredit read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new StreamCredit(in.readLong(), readU31(in, "credit"));
        }
    };

    static final FrameLayout<StreamEnd> STREAM_END = new FrameLayout<>(FrameType.STREAM_END) {
        @Override
        void write(StreamEnd f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.streamId());
        }

        @Override
        StreamEnd read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new StreamEnd(in.readLong());
        }
    };

    static final FrameLayout<StreamCancel> STREAM_CANCEL = new FrameLayout<>(FrameType.STREAM_CANCEL) {
        @Override
        void write(StreamCancel f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.streamId());
        }

        @Override
        StreamCancel read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new StreamCancel(in.readLong());
        }
    };

    static final FrameLayout<StreamError> STREAM_ERROR = new FrameLayout<>(FrameType.STREAM_ERROR) {
        @Override
        void write(StreamError f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.streamId());
            out.writeInt(f.code());
            writeStr(out, f.message());
        }

        @Override
        StreamError read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new StreamError(in.readLong(), in.readInt(), readStr(in));
        }
    };

    static final FrameLayout<StreamResume> STREAM_RESUME = new FrameLayout<>(FrameType.STREAM_RESUME) {
        @Override
        int flags(StreamResume f) {
            return (f.receiving() ? StreamResume.FLAG_RECEIVING : 0) | (f.ended() ? StreamResume.FLAG_ENDED : 0);
        }

        @Override
        void write(StreamResume f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.streamId());
            writeSize64(out, f.received(), "received");
            writeU31(out, f.credit(), "credit");
        }

        @Override
        StreamResume read(int flags, ByteBuf in, RepeatedStrings strings) {
            // The record refuses a side without RECEIVING that reports items, credit or an end.
            return new StreamResume((flags & StreamResume.FLAG_RECEIVING) != 0, (flags & StreamResume.FLAG_ENDED) != 0,
                    in.readLong(), readSize64(in, "received"), readU31(in, "credit"));
        }
    };

    static final List<FrameLayout<?>> ALL = List.of(STREAM_OPEN, STREAM_DATA, STREAM_CREDIT, STREAM_END, STREAM_CANCEL,
            STREAM_ERROR, STREAM_RESUME);

    private StreamLayouts() {
    }
}
