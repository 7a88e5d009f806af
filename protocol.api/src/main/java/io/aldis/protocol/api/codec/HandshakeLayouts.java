package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.WireFields.readRest;
import static io.aldis.protocol.api.codec.WireFields.readSize64;
import static io.aldis.protocol.api.codec.WireFields.readStr;
import static io.aldis.protocol.api.codec.WireFields.readU31;
import static io.aldis.protocol.api.codec.WireFields.readUuid;
import static io.aldis.protocol.api.codec.WireFields.requireAtLeast;
import static io.aldis.protocol.api.codec.WireFields.writeRest;
import static io.aldis.protocol.api.codec.WireFields.writeSize64;
import static io.aldis.protocol.api.codec.WireFields.writeStr;
import static io.aldis.protocol.api.codec.WireFields.writeU16;
import static io.aldis.protocol.api.codec.WireFields.writeU31;
import static io.aldis.protocol.api.codec.WireFields.writeU8;
import static io.aldis.protocol.api.codec.WireFields.writeUuid;

import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.FrameType;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Layouts of the handshake and authentication frames (sections 5.1 and 5.2). */
final class HandshakeLayouts {
    // An empty mechanism name still takes its u16 length.
    private static final int MIN_MECHANISM_BYTES = 2;

    static final FrameLayout<Connect> CONNECT = new FrameLayout<>(FrameType.CONNECT) {
        @Override
        void write(Connect f, ByteBuf out, RepeatedStrings strings) {
            writeU16(out, f.version(), "version");
            out.writeLong(f.capabilities());
            writeUuid(out, f.clientId());
            writeStr(out, f.resumeToken());
            writeStr(out, f.clientName());
        }

        @Override
        Connect read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new Connect(in.readUnsignedShort(), in.readLong(), readUuid(in), readStr(in), readStr(in));
        }
    };

    static final FrameLayout<ConnectAck> CONNECT_ACK = new FrameLayout<>(FrameType.CONNECT_ACK) {
        @Override
        int flags(ConnectAck f) {
            return f.flags() & ConnectAck.FLAG_AUTHENTICATED;
        }

        @Override
        void write(ConnectAck f, ByteBuf out, RepeatedStrings strings) {
            writeU16(out, f.version(), "version");
            out.writeLong(f.capabilities());
            writeUuid(out, f.sessionId());
            writeU31(out, f.maxFrameSize(), "maxFrameSize");
            writeU31(out, f.heartbeatMillis(), "heartbeatMillis");
            writeSize64(out, f.maxFileSize(), "maxFileSize");
            writeU31(out, f.maxChunkSize(), "maxChunkSize");
            List<String> mechanisms = f.mechanisms();
            writeU8(out, mechanisms.size(), "mechanism count");
            for (String mechanism : mechanisms) {
                writeStr(out, mechanism);
            }
            writeStr(out, f.nodeName());
        }

        @Override
        ConnectAck read(int flags, ByteBuf in, RepeatedStrings strings) {
            int version = in.readUnsignedShort();
            long capabilities = in.readLong();
            UUID sessionId = readUuid(in);
            int maxFrameSize = readU31(in, "maxFrameSize");
            int heartbeatMillis = readU31(in, "heartbeatMillis");
            long maxFileSize = readSize64(in, "maxFileSize");
            int maxChunkSize = readU31(in, "maxChunkSize");
            int count = in.readUnsignedByte();
            requireAtLeast(in, count * (long) MIN_MECHANISM_BYTES, "mechanisms");
            List<String> mechanisms = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                mechanisms.add(readStr(in));
            }
            return new ConnectAck(flags & ConnectAck.FLAG_AUTHENTICATED, version, capabilities, sessionId,
                    maxFrameSize, heartbeatMillis, maxFileSize, maxChunkSize, mechanisms, readStr(in));
        }
    };

    static final FrameLayout<AuthStart> AUTH_START = new FrameLayout<>(FrameType.AUTH_START) {
        @Override
        void write(AuthStart f, ByteBuf out, RepeatedStrings strings) {
            writeStr(out, f.mechanism());
            writeRest(out, f.data());
        }

        @Override
        AuthStart read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new AuthStart(readStr(in), readRest(in));
        }
    };

    static final FrameLayout<AuthChallenge> AUTH_CHALLENGE = new FrameLayout<>(FrameType.AUTH_CHALLENGE) {
        @Override
        void write(AuthChallenge f, ByteBuf out, RepeatedStrings strings) {
            writeRest(out, f.data());
        }

        @Override
        AuthChallenge read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new AuthChallenge(readRest(in));
        }
    };

    static final FrameLayout<AuthResponse> AUTH_RESPONSE = new FrameLayout<>(FrameType.AUTH_RESPONSE) {
        @Override
        void write(AuthResponse f, ByteBuf out, RepeatedStrings strings) {
            writeRest(out, f.data());
        }

        @Override
        AuthResponse read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new AuthResponse(readRest(in));
        }
    };

    static final FrameLayout<AuthOk> AUTH_OK = new FrameLayout<>(FrameType.AUTH_OK) {
        @Override
        void write(AuthOk f, ByteBuf out, RepeatedStrings strings) {
            writeStr(out, f.user());
            writeStr(out, f.resumeToken());
            writeSize64(out, f.tokenExpiresAt(), "tokenExpiresAt");
            writeRest(out, f.data());
        }

        @Override
        AuthOk read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new AuthOk(readStr(in), readStr(in), readSize64(in, "tokenExpiresAt"), readRest(in));
        }
    };

    static final List<FrameLayout<?>> ALL =
            List.of(CONNECT, CONNECT_ACK, AUTH_START, AUTH_CHALLENGE, AUTH_RESPONSE, AUTH_OK);

    private HandshakeLayouts() {
    }
}
