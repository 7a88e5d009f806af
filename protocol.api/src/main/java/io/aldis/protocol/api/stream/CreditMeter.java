package io.aldis.protocol.api.stream;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.QuotedText;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one item of a stream costs in its credit mode (docs/protocol.md 6.4.3): 1 in
 * {@code items} mode, the item's byte length in {@code bytes} mode, the size function's value in
 * {@code custom} mode; never less than 1, so no item is free. Immutable and thread-safe.
 */
public final class CreditMeter {
    /** The STREAM_OPEN metadata member that names the size function in {@code custom} mode. */
    public static final String SIZE_FUNCTION_MEMBER = "sizeFunction";

    private static final CreditMeter ITEMS = new CreditMeter(CreditMode.ITEMS, null);
    private static final CreditMeter BYTES = new CreditMeter(CreditMode.BYTES, null);

    private final CreditMode mode;
    private final SizeFunction function;

    private CreditMeter(CreditMode mode, SizeFunction function) {
        this.mode = mode;
        this.function = function;
    }

    /** One credit per item. */
    public static CreditMeter items() {
        return ITEMS;
    }

    /** One credit per byte of the item (at least 1). */
    public static CreditMeter bytes() {
        return BYTES;
    }

    /** Credit by {@code function}, whose name goes into STREAM_OPEN. */
    public static CreditMeter custom(SizeFunction function) {
        Objects.requireNonNull(function, "function");
        if (function.name() == null || function.name().isEmpty()) {
            throw new IllegalArgumentException("a size function needs a name");
        }
        return new CreditMeter(CreditMode.CUSTOM, function);
    }

    /**
     * The meter for a stream as STREAM_OPEN announced it.
     *
     * @param sizeFunctionName the metadata's {@value #SIZE_FUNCTION_MEMBER}, or null when absent;
     *        ignored unless {@code mode} is {@code CUSTOM}
     * @param knownFunctions finds a size function by name, or returns null for a name this side
     *        does not know
     * @throws ProtocolException with {@link ErrorCode#UNKNOWN_SIZE_FUNCTION} when {@code custom}
     *         mode names no function or one this side does not know
     */
    public static CreditMeter forStream(CreditMode mode, String sizeFunctionName,
            Function<String, SizeFunction> knownFunctions) {
        return switch (mode) {
            case ITEMS -> ITEMS;
            case BYTES -> BYTES;
            case CUSTOM -> new CreditMeter(CreditMode.CUSTOM, knownFunction(sizeFunctionName, knownFunctions));
        };
    }

    private static SizeFunction knownFunction(String name, Function<String, SizeFunction> knownFunctions) {
        if (name == null || name.isEmpty()) {
            throw new ProtocolException(ErrorCode.UNKNOWN_SIZE_FUNCTION,
                    "custom credit mode needs a size function named in the stream's metadata");
        }
        SizeFunction function = knownFunctions.apply(name);
        if (function == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_SIZE_FUNCTION,
                    "size function '" + QuotedText.of(name, 64) + "' is not known here");
        }
        return function;
    }

    /** The credit mode, as STREAM_OPEN carries it. */
    public CreditMode mode() {
        return mode;
    }

    /** The size function's name in {@code custom} mode, for STREAM_OPEN's metadata. */
    public Optional<String> sizeFunctionName() {
        return function == null ? Optional.empty() : Optional.of(function.name());
    }

    /** The cost of an item given as the bytes from position to limit; the buffer is not moved. */
    public int costOf(ByteBuffer item) {
        return switch (mode) {
            case ITEMS -> 1;
            case BYTES -> Math.max(1, item.remaining());
            case CUSTOM -> clamp(function.sizeOf(item.asReadOnlyBuffer()));
        };
    }

    /** The cost of an item given as an array. */
    public int costOf(byte[] item) {
        return mode == CreditMode.ITEMS ? 1 : costOf(ByteBuffer.wrap(item));
    }

    private static int clamp(long size) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, size));
    }

    @Override
    public String toString() {
        return function == null ? mode.name().toLowerCase(java.util.Locale.ROOT) : "custom(" + function.name() + ")";
    }
}
