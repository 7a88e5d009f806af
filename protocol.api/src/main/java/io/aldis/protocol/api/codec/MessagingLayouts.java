package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.WireFields.readHeaders;
import static io.aldis.protocol.api.codec.WireFields.readJson;
import static io.aldis.protocol.api.codec.WireFields.readRest;
import static io.aldis.protocol.api.codec.WireFields.readStr;
import static io.aldis.protocol.api.codec.WireFields.writeHeaders;
import static io.aldis.protocol.api.codec.WireFields.writeJson;
import static io.aldis.protocol.api.codec.WireFields.writeRest;
import static io.aldis.protocol.api.codec.WireFields.writeStr;

import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Layouts of typed messages and publish/subscribe (section 5.4). MESSAGE, PUBLISH and DELIVER are
 * the hot path: their subjects, reply subjects, message types and header names go through the
 * connection's {@link RepeatedStrings}.
 */
final class MessagingLayouts {

    static final FrameLayout<Message> MESSAGE = new FrameLayout<>(FrameType.MESSAGE) {
        @Override
        int flags(Message f) {
            return f.reply() ? Message.FLAG_REPLY : 0;
        }

        @Override
        void write(Message f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.correlationId());
            writeStr(out, f.messageType(), strings);
            writeRest(out, f.payload());
        }

        @Override
        Message read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new Message((flags & Message.FLAG_REPLY) != 0, in.readLong(), readStr(in, strings),
                    readRest(in));
        }
    };

    static final FrameLayout<Subscribe> SUBSCRIBE = new FrameLayout<>(FrameType.SUBSCRIBE) {
        @Override
        void write(Subscribe f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.subscriptionId());
            writeStr(out, f.subject());
            writeStr(out, f.queueGroup());
            writeJson(out, f.options());
        }

        @Override
        Subscribe read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new Subscribe(in.readLong(), readStr(in), readStr(in), readJson(in));
        }
    };

    static final FrameLayout<Unsubscribe> UNSUBSCRIBE = new FrameLayout<>(FrameType.UNSUBSCRIBE) {
        @Override
        void write(Unsubscribe f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.subscriptionId());
        }

        @Override
        Unsubscribe read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new Unsubscribe(in.readLong());
        }
    };

    static final FrameLayout<Publish> PUBLISH = new FrameLayout<>(FrameType.PUBLISH) {
        @Override
        int flags(Publish f) {
            return f.headers().isEmpty() ? 0 : Publish.FLAG_HEADERS;
        }

        @Override
        void write(Publish f, ByteBuf out, RepeatedStrings strings) {
            writeStr(out, f.subject(), strings);
            writeStr(out, f.replyTo(), strings);
            writeHeaders(out, f.headers(), strings);
            writeRest(out, f.payload());
        }

        @Override
        Publish read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new Publish(readStr(in, strings), readStr(in, strings),
                    readHeaders(in, flags & Publish.FLAG_HEADERS, strings), readRest(in));
        }
    };

    static final FrameLayout<Deliver> DELIVER = new FrameLayout<>(FrameType.DELIVER) {
        @Override
        int flags(Deliver f) {
            return f.headers().isEmpty() ? 0 : Deliver.FLAG_HEADERS;
        }

        @Override
        void write(Deliver f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.subscriptionId());
            writeStr(out, f.subject(), strings);
            writeStr(out, f.replyTo(), strings);
            writeHeaders(out, f.headers(), strings);
            writeRest(out, f.payload());
        }

        @Override
        Deliver read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new Deliver(in.readLong(), readStr(in, strings), readStr(in, strings),
                    readHeaders(in, flags & Deliver.FLAG_HEADERS, strings), readRest(in));
        }
    };

    static final List<FrameLayout<?>> ALL = List.of(MESSAGE, SUBSCRIBE, UNSUBSCRIBE, PUBLISH, DELIVER);

    private MessagingLayouts() {
    }
}
