package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.WireFields.readJson;
import static io.aldis.protocol.api.codec.WireFields.readStr;
import static io.aldis.protocol.api.codec.WireFields.writeJson;
import static io.aldis.protocol.api.codec.WireFields.writeStr;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Resume;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Layouts of the connection-level frames (section 5.3): heartbeats, flow control, close,
 * capability changes, and the generic ACK and ERROR answers.
 */
final class ControlLayouts {

    static final FrameLayout<Ping> PING = new FrameLayout<>(FrameType.PING) {
        @Override
        void write(Ping f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.nonce());
        }

        @Override
        Ping read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new Ping(in.readLong());
        }
    };

    static final FrameLayout<Pong> PONG = new FrameLayout<>(FrameType.PONG) {
        @Override
        void write(Pong f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.nonce());
        }

        @Override
        Pong read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new Pong(in.readLong());
        }
    };

    static final FrameLayout<Pause> PAUSE = empty(FrameType.PAUSE, Pause.INSTANCE);
    static final FrameLayout<Resume> RESUME = empty(FrameType.RESUME, Resume.INSTANCE);
    static final FrameLayout<CloseAck> CLOSE_ACK = empty(FrameType.CLOSE_ACK, CloseAck.INSTANCE);

    static final FrameLayout<Close> CLOSE = new FrameLayout<>(FrameType.CLOSE) {
        @Override
        void write(Close f, ByteBuf out, RepeatedStrings strings) {
            out.writeInt(f.code());
            writeStr(out, f.message());
        }

        @Override
        Close read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new Close(in.readInt(), readStr(in));
        }
    };

    static final FrameLayout<CapabilityChange> CAPABILITY_CHANGE =
            new FrameLayout<>(FrameType.CAPABILITY_CHANGE) {
                @Override
                void write(CapabilityChange f, ByteBuf out, RepeatedStrings strings) {
                    out.writeLong(f.capabilities());
                }

                @Override
                CapabilityChange read(int flags, ByteBuf in, RepeatedStrings strings) {
                    return new CapabilityChange(in.readLong());
                }
            };

    static final FrameLayout<Ack> ACK = new FrameLayout<>(FrameType.ACK) {
        @Override
        void write(Ack f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeJson(out, f.json());
        }

        @Override
        Ack read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new Ack(in.readLong(), readJson(in));
        }
    };

    static final FrameLayout<ErrorFrame> ERROR = new FrameLayout<>(FrameType.ERROR) {
        @Override
        void write(ErrorFrame f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            out.writeInt(f.code());
            writeStr(out, f.message());
            writeJson(out, f.details());
        }

        @Override
        ErrorFrame read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new ErrorFrame(in.readLong(), in.readInt(), readStr(in), readJson(in));
        }
    };

    static final List<FrameLayout<?>> ALL =
            List.of(PING, PONG, PAUSE, RESUME, CLOSE, CLOSE_ACK, CAPABILITY_CHANGE, ACK, ERROR);

    private ControlLayouts() {
    }

    /** A frame with no body, always decoded to its one instance. */
    private static <F extends Frame> FrameLayout<F> empty(FrameType type, F instance) {
        return new FrameLayout<>(type) {
            @Override
            void write(F f, ByteBuf out, RepeatedStrings strings) {
                // The type and flags bytes are the whole frame.
            }

            @Override
            F read(int flags, ByteBuf in, RepeatedStrings strings) {
                return instance;
            }
        };
    }
}
