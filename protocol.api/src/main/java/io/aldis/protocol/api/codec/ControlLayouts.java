package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.WireFields.malformed;
import static io.aldis.protocol.api.codec.WireFields.readJson;
import static io.aldis.protocol.api.codec.WireFields.readStr;
import static io.aldis.protocol.api.codec.WireFields.writeJson;
import static io.aldis.protocol.api.codec.WireFields.requireAtLeast;
import static io.aldis.protocol.api.codec.WireFields.writeStr;
import static io.aldis.protocol.api.codec.WireFields.writeU8;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Resume;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
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

    static final FrameLayout<NodeAddresses> NODE_ADDRESSES = new FrameLayout<>(FrameType.NODE_ADDRESSES) {
        // An empty str is the smallest address on the wire: its u16 length alone.
        private static final int MIN_ADDRESS_BYTES = 2;

        @Override
        void write(NodeAddresses f, ByteBuf out, RepeatedStrings strings) {
            writeU8(out, f.addresses().size(), "address count");
            for (String address : f.addresses()) {
                writeStr(out, address);
            }
        }

        @Override
        NodeAddresses read(int flags, ByteBuf in, RepeatedStrings strings) {
            int count = in.readUnsignedByte();
            if (count > NodeAddresses.MAX_ADDRESSES) {
                throw malformed("address count above " + NodeAddresses.MAX_ADDRESSES + ": " + count);
            }
            requireAtLeast(in, count * (long) MIN_ADDRESS_BYTES, "addresses");
            List<String> addresses = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                addresses.add(readStr(in));
            }
            try {
                return new NodeAddresses(addresses);
            } catch (IllegalArgumentException tooLong) {
                throw malformed(tooLong.getMessage());
            }
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
            List.of(PING, PONG, PAUSE, RESUME, CLOSE, CLOSE_ACK, CAPABILITY_CHANGE, NODE_ADDRESSES, ACK,
                    ERROR);

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
