package io.aldis.feature.rpc.internal.streams;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.params.ValueCheck;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.stream.StreamCredit;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.concurrent.Flow;

/**
 * How a method of an exported service streams (docs/protocol.md 6.4): a {@link Flow.Publisher}
 * result is a stream of the callee's items, a {@link Flow.Publisher} parameter (at most one) a
 * stream of the caller's items, both a stream in both directions; {@link StreamCredit} on the
 * method says how credit counts.
 */
public final class StreamDeclaration {
    private final StreamDirection direction;
    private final CreditMode mode;
    private final String sizeFunction;
    private final int highWaterMark;
    private final int parameter;
    private final ItemCodec received;
    private final ItemCodec sent;

    private StreamDeclaration(StreamDirection direction, CreditMode mode, String sizeFunction, int highWaterMark,
            int parameter, ItemCodec received, ItemCodec sent) {
        this.direction = direction;
        this.mode = mode;
        this.sizeFunction = sizeFunction;
        this.highWaterMark = highWaterMark;
        this.parameter = parameter;
        this.received = received;
        this.sent = sent;
    }

    /** Whether {@code type} is a publisher, the type of a streamed parameter or result. */
    public static boolean isStream(Type type) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType()
                : type instanceof Class<?> c ? c : null;
        return raw == Flow.Publisher.class;
    }

    /** The type of one item of a publisher type ({@code Object} when it names none). */
    public static Type itemType(Type publisher) {
        if (publisher instanceof ParameterizedType p) {
            Type item = p.getActualTypeArguments()[0];
            if (item instanceof WildcardType w) {
                item = w.getUpperBounds().length > 0 ? w.getUpperBounds()[0] : Object.class;
            }
            return item;
        }
        return Object.class;
    }

    /**
     * The streaming of {@code method}, or null when it does not stream.
     *
     * @param names the method's parameter names, as calls give them
     * @param checks the checks of each parameter's items (its constraint annotations)
     * @throws IllegalArgumentException in the words of the log, for a method declared in a way
     *         that cannot stream: two streamed parameters, a high-water mark missing or out of
     *         range, a size function where it does not belong or missing where it does
     */
    public static StreamDeclaration of(Method method, String[] names, ValueCheck checks) {
        Type[] parameters = method.getGenericParameterTypes();
        int streamed = -1;
        for (int i = 0; i < parameters.length; i++) {
            if (isStream(parameters[i])) {
                if (streamed >= 0) {
                    throw new IllegalArgumentException("it takes two streams ('" + names[streamed] + "' and '"
                            + names[i] + "'); a method streams at most one parameter");
                }
                streamed = i;
            }
        }
        boolean result = isStream(method.getGenericReturnType());
        StreamCredit credit = method.getAnnotation(StreamCredit.class);
        if (streamed < 0 && !result) {
            if (credit != null) {
                throw new IllegalArgumentException("@StreamCredit is on a method that streams nothing");
            }
            return null;
        }
        CreditMode mode = credit == null ? CreditMode.ITEMS : credit.mode();
        String sizeFunction = credit == null || credit.sizeFunction().isBlank() ? null : credit.sizeFunction().trim();
        if ((mode == CreditMode.CUSTOM) != (sizeFunction != null)) {
            throw new IllegalArgumentException(mode == CreditMode.CUSTOM
                    ? "custom credit mode needs @StreamCredit(sizeFunction = ...)"
                    : "a size function is named only in custom credit mode");
        }
        int highWaterMark = 0;
        if (streamed >= 0) {
            highWaterMark = credit == null ? 0 : credit.highWaterMark();
            if (highWaterMark == 0 && mode == CreditMode.ITEMS) {
                highWaterMark = StreamCredit.DEFAULT_ITEMS_HIGH_WATER_MARK;
            }
            if (highWaterMark < 1) {
                throw new IllegalArgumentException("a streamed parameter in " + mode.name().toLowerCase(java.util.Locale.ROOT)
                        + " credit mode needs @StreamCredit(highWaterMark = ...) of at least 1, got " + highWaterMark);
            }
        }
        StreamDirection direction = streamed >= 0 && result ? StreamDirection.BIDIRECTIONAL
                : result ? StreamDirection.CALLEE_TO_CALLER : StreamDirection.CALLER_TO_CALLEE;
        int index = streamed;
        ItemCodec received = streamed < 0 ? null : new ItemCodec(itemType(parameters[streamed]), names[streamed],
                (i, value, errors) -> checks.check(index, value, errors));
        ItemCodec sent = result ? new ItemCodec(itemType(method.getGenericReturnType()), "item", ValueCheck.NONE)
                : null;
        return new StreamDeclaration(direction, mode, sizeFunction, highWaterMark, streamed, received, sent);
    }

    /** Which way items flow. */
    public StreamDirection direction() {
        return direction;
    }

    /** The index of the streamed parameter, or -1. */
    public int parameter() {
        return parameter;
    }

    /** The codec of the caller's items (the streamed parameter's), or null. */
    public ItemCodec received() {
        return received;
    }

    /** The codec of the callee's items (the result's), or null. */
    public ItemCodec sent() {
        return sent;
    }

    /** What STREAM_OPEN announces for a call of {@code method}. */
    public StreamSpec spec(String method) {
        return new StreamSpec(method, direction, mode, sizeFunction, highWaterMark);
    }

    /** The method's {@code stream} member as a descriptor or a listing gives it. */
    @Override
    public String toString() {
        return mode.name().toLowerCase(java.util.Locale.ROOT) + (sizeFunction == null ? "" : "(" + sizeFunction + ")")
                + (highWaterMark > 0 ? ", high-water mark " + highWaterMark : "");
    }
}
