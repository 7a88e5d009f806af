package io.aldis.client.internal.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aldis.client.RpcCallException;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.params.TypeNames;
import io.aldis.protocol.api.stream.ListPublisher;
import io.aldis.protocol.api.stream.StreamCredit;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * What makes a provided method a streaming one (docs/protocol.md 5.5): it returns a
 * {@code Flow.Publisher<T>} (a streamed result), takes one (a streamed parameter, at most one), or
 * both, and its {@link StreamCredit} says how its stream counts credit. This client serves such
 * methods with batches (6.4.1): a streamed parameter arrives as a JSON array and is handed to the
 * method as a publisher of its items; a streamed result is collected from the publisher the method
 * returns into one JSON array, bounded by the frame size.
 */
public final class StreamingMethod {
    /** RPC_RESPONSE without its result: type, flags and callId. */
    public static final int RESPONSE_OVERHEAD = 2 + 8;

    private final String name;
    private final int streamedParam;
    private final Type paramItemType;
    private final Type resultItemType;
    private final StreamCredit credit;

    private StreamingMethod(String name, int streamedParam, Type paramItemType, Type resultItemType,
            StreamCredit credit) {
        this.name = name;
        this.streamedParam = streamedParam;
        this.paramItemType = paramItemType;
        this.resultItemType = resultItemType;
        this.credit = credit;
    }

    /**
     * The streaming part of {@code method}; empty for a method that streams nothing.
     *
     * @throws IllegalArgumentException for a declaration the protocol does not allow: two streamed
     *         parameters, {@link StreamCredit} on a method that streams nothing, or credit settings
     *         that do not go together (6.4.3, 5.5)
     */
    public static Optional<StreamingMethod> of(Method method) {
        Class<?>[] types = method.getParameterTypes();
        int streamed = -1;
        for (int i = 0; i < types.length; i++) {
            if (types[i] == Flow.Publisher.class) {
                if (streamed >= 0) {
                    throw new IllegalArgumentException(method.getName() + " takes two Flow.Publisher parameters; "
                            + "a method may stream one parameter at most");
                }
                streamed = i;
            }
        }
        boolean streamsResult = method.getReturnType() == Flow.Publisher.class;
        StreamCredit credit = method.getAnnotation(StreamCredit.class);
        if (streamed < 0 && !streamsResult) {
            if (credit != null) {
                throw new IllegalArgumentException(method.getName() + " has @StreamCredit but streams nothing");
            }
            return Optional.empty();
        }
        if (credit != null) {
            check(method.getName(), credit, streamed >= 0);
        }
        Type paramItem = streamed < 0 ? null : StreamCalls.itemTypeOf(method.getGenericParameterTypes()[streamed]);
        Type resultItem = streamsResult ? StreamCalls.itemTypeOf(method.getGenericReturnType()) : null;
        return Optional.of(new StreamingMethod(method.getName(), streamed, paramItem, resultItem, credit));
    }

    private static void check(String method, StreamCredit credit, boolean takesStream) {
        boolean custom = credit.mode() == CreditMode.CUSTOM;
        if (credit.highWaterMark() < 0) {
            throw new IllegalArgumentException(method + ": @StreamCredit highWaterMark must not be negative");
        }
        if (custom && credit.sizeFunction().isEmpty()) {
            throw new IllegalArgumentException(method + ": custom credit mode needs a sizeFunction");
        }
        if (!custom && !credit.sizeFunction().isEmpty()) {
            throw new IllegalArgumentException(method + ": a sizeFunction is only allowed in custom credit mode");
        }
        if (takesStream && credit.mode() != CreditMode.ITEMS && credit.highWaterMark() == 0) {
            throw new IllegalArgumentException(method + ": a streamed parameter in " + modeName(credit.mode())
                    + " mode needs a highWaterMark");
        }
    }

    private static String modeName(CreditMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /** The index of the streamed parameter among the method's parameters, or -1. */
    public int streamedParam() {
        return streamedParam;
    }

    /** Whether the method returns a streamed result. */
    public boolean streamsResult() {
        return resultItemType != null;
    }

    /** Which way the method's stream carries items, relative to the call. */
    public StreamDirection direction() {
        return streamedParam >= 0 && streamsResult() ? StreamDirection.BIDIRECTIONAL
                : streamsResult() ? StreamDirection.CALLEE_TO_CALLER : StreamDirection.CALLER_TO_CALLEE;
    }

    /** The stream's credit mode ({@code items} without {@link StreamCredit}). */
    public CreditMode creditMode() {
        return credit == null ? CreditMode.ITEMS : credit.mode();
    }

    /** The name of the stream's size function in {@code custom} mode, else null. */
    public String sizeFunction() {
        return credit == null || credit.sizeFunction().isEmpty() ? null : credit.sizeFunction();
    }

    /** The high-water mark for the items of the streamed parameter, as the descriptor announces it. */
    public int parameterHighWaterMark() {
        return credit == null || credit.highWaterMark() == 0 ? StreamCredit.DEFAULT_ITEMS_HIGH_WATER_MARK
                : credit.highWaterMark();
    }

    /** The type of one item of the streamed parameter, or null. */
    public Type parameterItemType() {
        return paramItemType;
    }

    /** The type of one item of the streamed result, or null. */
    public Type resultItemType() {
        return resultItemType;
    }

    /** The method's name. */
    public String name() {
        return name;
    }

    /** The type a batched streamed parameter is decoded into (and checked as) before it becomes a publisher. */
    public Type batchType() {
        return new ListOf(ItemCodec.isRaw(paramItemType) ? int[].class : paramItemType);
    }

    /** The items of a batched streamed parameter, decoded as {@link #batchType()}, as the publisher the method takes. */
    public Flow.Publisher<?> publisherOf(Object batch) {
        List<?> items = batch == null ? List.of() : (List<?>) batch;
        int nullAt = items.indexOf(null);
        if (nullAt >= 0) {
            throw new RpcCallException(ErrorCode.INVALID_PARAMS, "item " + nullAt
                    + " of the streamed parameter is null, which a Flow.Publisher cannot pass on");
        }
        if (!ItemCodec.isRaw(paramItemType)) {
            return new ListPublisher<>(items);
        }
        List<Object> raw = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            int[] values = (int[]) items.get(i);
            byte[] bytes = new byte[values.length];
            for (int k = 0; k < values.length; k++) {
                if (values[k] < 0 || values[k] > 255) {
                    throw new RpcCallException(ErrorCode.INVALID_PARAMS, "item " + i
                            + " of the streamed parameter: expected bytes as integers 0-255");
                }
                bytes[k] = (byte) values[k];
            }
            raw.add(paramItemType == ByteBuffer.class ? ByteBuffer.wrap(bytes) : bytes);
        }
        return new ListPublisher<>(raw);
    }

    /** The descriptor's type of the streamed parameter, {@code Stream<T>}. */
    public String paramTypeName() {
        return streamName(paramItemType);
    }

    /** The descriptor's result type, {@code Stream<T>}. */
    public String resultTypeName() {
        return streamName(resultItemType);
    }

    private static String streamName(Type item) {
        return "Stream<" + (ItemCodec.isRaw(item) ? "bytes" : TypeNames.shortName(item)) + ">";
    }

    /** The descriptor's {@code stream} object, from {@link StreamCredit}; empty without the annotation. */
    public Optional<ObjectNode> streamObject(ObjectMapper mapper) {
        if (credit == null) {
            return Optional.empty();
        }
        ObjectNode stream = mapper.createObjectNode().put("creditMode", modeName(credit.mode()));
        if (credit.highWaterMark() > 0) {
            stream.put("highWaterMark", credit.highWaterMark());
        }
        if (!credit.sizeFunction().isEmpty()) {
            stream.put("sizeFunction", credit.sizeFunction());
        }
        return Optional.of(stream);
    }

    /**
     * The batch of the streamed result the method returned: its items as one JSON array that fits in
     * an RPC_RESPONSE of at most {@code maxFrameSize} bytes. Fails with {@code MESSAGE_TOO_LARGE}
     * naming the limit when it does not, with {@code STREAM_FAILED} when the publisher fails;
     * cancelling the future cancels the publisher's subscription.
     */
    public CompletableFuture<byte[]> collectResult(Object returned, ObjectMapper mapper, int maxFrameSize) {
        if (!(returned instanceof Flow.Publisher<?> publisher)) {
            return CompletableFuture.failedFuture(new RpcCallException(ErrorCode.SERVICE_ERROR,
                    name + " returned no publisher for its streamed result"));
        }
        String tooLarge = "the items of the streamed result of " + name + " do not fit in one frame of maxFrameSize ("
                + maxFrameSize + " bytes)";
        return BatchCollector.collect(publisher, new ItemCodec(mapper, resultItemType),
                maxFrameSize - RESPONSE_OVERHEAD, tooLarge);
    }

    /** {@code List<T>}, for decoding a batch with the node's own parameter decoder. */
    private record ListOf(Type item) implements ParameterizedType {
        @Override
        public Type[] getActualTypeArguments() {
            return new Type[] {item};
        }

        @Override
        public Type getRawType() {
            return List.class;
        }

        @Override
        public Type getOwnerType() {
            return null;
        }

        @Override
        public String getTypeName() {
            return "java.util.List<" + item.getTypeName() + ">";
        }
    }
}
