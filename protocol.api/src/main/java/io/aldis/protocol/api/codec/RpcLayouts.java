package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.WireFields.readJson;
import static io.aldis.protocol.api.codec.WireFields.readRest;
import static io.aldis.protocol.api.codec.WireFields.readStr;
import static io.aldis.protocol.api.codec.WireFields.readU31;
import static io.aldis.protocol.api.codec.WireFields.writeJson;
import static io.aldis.protocol.api.codec.WireFields.writeRest;
import static io.aldis.protocol.api.codec.WireFields.writeStr;
import static io.aldis.protocol.api.codec.WireFields.writeU31;

import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Layouts of RPC calls and client-provided services (section 5.5). RPC_REQUEST is on the hot
 * path: its method name goes through the connection's {@link RepeatedStrings}.
 */
final class RpcLayouts {

    static final FrameLayout<RpcRequest> RPC_REQUEST = new FrameLayout<>(FrameType.RPC_REQUEST) {
        @Override
        int flags(RpcRequest f) {
            return f.streams() ? RpcRequest.FLAG_STREAMS : 0;
        }

        @Override
        void write(RpcRequest f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.callId());
            writeU31(out, f.timeoutMillis(), "timeoutMillis");
            writeStr(out, f.method(), strings);
            writeRest(out, f.params());
        }

        @Override
        RpcRequest read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new RpcRequest((flags & RpcRequest.FLAG_STREAMS) != 0, in.readLong(), readU31(in, "timeoutMillis"),
                    readStr(in, strings), readRest(in));
        }
    };

    static final FrameLayout<RpcResponse> RPC_RESPONSE = new FrameLayout<>(FrameType.RPC_RESPONSE) {
        @Override
        void write(RpcResponse f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.callId());
            writeRest(out, f.result());
        }

        @Override
        RpcResponse read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new RpcResponse(in.readLong(), readRest(in));
        }
    };

    static final FrameLayout<RpcError> RPC_ERROR = new FrameLayout<>(FrameType.RPC_ERROR) {
        @Override
        void write(RpcError f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.callId());
            out.writeInt(f.code());
            writeStr(out, f.message());
            writeJson(out, f.details());
        }

        @Override
        RpcError read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new RpcError(in.readLong(), in.readInt(), readStr(in), readJson(in));
        }
    };

    static final FrameLayout<RpcCancel> RPC_CANCEL = new FrameLayout<>(FrameType.RPC_CANCEL) {
        @Override
        void write(RpcCancel f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.callId());
        }

        @Override
        RpcCancel read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new RpcCancel(in.readLong());
        }
    };

    static final FrameLayout<ServiceProvide> SERVICE_PROVIDE = new FrameLayout<>(FrameType.SERVICE_PROVIDE) {
        @Override
        void write(ServiceProvide f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeStr(out, f.service());
            writeJson(out, f.descriptor());
        }

        @Override
        ServiceProvide read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new ServiceProvide(in.readLong(), readStr(in), readJson(in));
        }
    };

    static final FrameLayout<ServiceWithdraw> SERVICE_WITHDRAW = new FrameLayout<>(FrameType.SERVICE_WITHDRAW) {
        @Override
        void write(ServiceWithdraw f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeStr(out, f.service());
        }

        @Override
        ServiceWithdraw read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new ServiceWithdraw(in.readLong(), readStr(in));
        }
    };

    static final List<FrameLayout<?>> ALL =
            List.of(RPC_REQUEST, RPC_RESPONSE, RPC_ERROR, RPC_CANCEL, SERVICE_PROVIDE, SERVICE_WITHDRAW);

    private RpcLayouts() {
    }
}
