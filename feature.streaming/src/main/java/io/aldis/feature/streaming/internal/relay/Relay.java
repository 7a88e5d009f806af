package io.aldis.feature.streaming.internal.relay;

import io.aldis.feature.streaming.internal.streams.NodeStream;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallerSide;
import io.aldis.protocol.api.spi.stream.StreamRelay;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.stream.CreditMeter;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One forwarded call's stream through the node (docs/protocol.md 6.4.8): waits for the provider's
 * STREAM_OPEN, then opens the caller's stream with the same direction and credit mode and joins
 * the two with Flow subscriptions whose requests carry credit: the caller's stream sends the
 * provider's items ({@link ProviderItems}) and feeds the caller's items to the provider
 * ({@link ItemsToProvider}). How either stream ends reaches the other and the RPC feature's
 * listener, which answers the call.
 *
 * <p>The caller's stream is a stream of a session here, or, for a call another node sent, a
 * stream toward that node ({@link CallerSide}); the provider's items then cross to it in
 * {@code items} mode only as the caller there requests them ({@link #OTHER_NODE}).
 */
final class Relay implements StreamRelay {
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");
    private static final Pattern SIZE_FUNCTION = Pattern.compile(
            "\"" + CreditMeter.SIZE_FUNCTION_MEMBER + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * What {@link #callerHighWaterMark()} says while the caller is on another node: its high-water
     * mark is not known here, and the provider's items are granted as the caller asks for them.
     */
    static final int OTHER_NODE = -1;

    private final Relays relays;
    private final CallerSide caller;
    /** The call, for messages in the log. */
    private final long callId;
    private final Session provider;
    private final long forwardedCallId;
    private final StreamSpec declared;
    private final CallStreamListener listener;

    // guarded by this
    private ProviderStream providerSide;
    private CallStream callerSide;
    private boolean closed;
    private int closeCode;
    private String closeMessage;
    private boolean told;

    /**
     * @param caller opens the caller's stream, on a session here or toward another node
     * @param callId the call, for messages in the log
     */
    Relay(Relays relays, CallerSide caller, long callId, Session provider, long forwardedCallId, StreamSpec declared,
            CallStreamListener listener) {
        this.relays = relays;
        this.caller = caller;
        this.callId = callId;
        this.provider = provider;
        this.forwardedCallId = forwardedCallId;
        this.declared = declared;
        this.listener = listener;
    }

    Session provider() {
        return provider;
    }

    long forwardedCallId() {
        return forwardedCallId;
    }

    /** The call's {@code service.method}. */
    String method() {
        return declared.method();
    }

    /** The id of the caller's stream, or -1 while it is not open or is on another node. */
    synchronized long callerStreamId() {
        return callerSide instanceof NodeStream here ? here.streamId() : -1;
    }

    void handedToCaller(int bytes) {
        listener.itemSent(bytes);
    }

    void takenFromCaller(int bytes) {
        listener.itemReceived(bytes);
    }

    /** Whether the provider's STREAM_OPEN came already. */
    synchronized boolean opened() {
        return providerSide != null;
    }

    /** The provider's STREAM_OPEN for the call, on its event loop; its id and call are checked already. */
    void opened(StreamOpen open) {
        String mismatch = mismatch(open);
        if (mismatch != null) {
            provider.send(new StreamError(open.streamId(), ErrorCode.PROTOCOL_ERROR.code(), mismatch));
            tellFailed(ErrorCode.STREAM_FAILED.code(), "stream processing failed: the provider " + mismatch);
            return;
        }
        CreditMeter meter;
        try {
            meter = CreditMeter.forStream(open.creditMode(), declared.sizeFunction(), relays.sizeFunctions()::find);
        } catch (ProtocolException unknown) {
            provider.send(new StreamError(open.streamId(), unknown.code().code(), unknown.getMessage()));
            tellFailed(unknown.code().code(), unknown.getMessage());
            return;
        }
        ProviderStream side = new ProviderStream(relays, this, provider, open.streamId(), open.direction(), meter,
                open.initialCredit(), this::callerHighWaterMark);
        synchronized (this) {
            if (closed) {
                // The call ended as the stream opened: the provider was told RPC_CANCEL, which closes it.
                return;
            }
            providerSide = side;
        }
        relays.add(side);
        // The node's high-water mark for the caller's items is the provider's, so any item the
        // caller may send fits the provider too.
        StreamSpec spec = new StreamSpec(declared.method(), open.direction(), open.creditMode(),
                declared.sizeFunction(), open.direction().callerSends() ? open.initialCredit() : 0);
        CallStream stream;
        try {
            stream = caller.open(spec, new CallerListener());
        } catch (ProtocolException refused) {
            side.callerFailed(refused.code().code(), refused.getMessage());
            tellFailed(refused.code().code(), refused.getMessage());
            return;
        }
        boolean closedMeanwhile;
        synchronized (this) {
            callerSide = stream;
            closedMeanwhile = closed;
        }
        if (closedMeanwhile) {
            stream.close(closeCode, closeMessage);
            return;
        }
        try {
            // The provider's answer goes on this stream from now on, as an OSGi service's does.
            listener.opened(stream);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "The relayed call " + callId + " failed to take its stream", e);
        }
        if (side.received() != null) {
            stream.send(side.received());
        }
        if (side.sent() != null) {
            stream.received().subscribe(side.sent());
        }
    }

    /** What makes the provider's STREAM_OPEN not the stream its descriptor declares, or null. */
    private String mismatch(StreamOpen open) {
        String d = "direction " + open.direction().code();
        if (open.direction() != declared.direction()) {
            return "opened a stream of " + d + " for " + declared.method() + ", declared with direction "
                    + declared.direction().code();
        }
        if (open.creditMode() != declared.creditMode()) {
            return "opened a stream in " + name(open.creditMode()) + " mode for " + declared.method()
                    + ", declared in " + name(declared.creditMode()) + " mode";
        }
        if (open.creditMode() == CreditMode.CUSTOM
                && !Objects.equals(sizeFunctionOf(open.metadata()), declared.sizeFunction())) {
            return "opened a stream with another size function than " + declared.method() + " declares ("
                    + declared.sizeFunction() + ")";
        }
        if (open.direction().callerSends() == (open.initialCredit() == 0)) {
            return "opened a stream of " + d + " with initialCredit " + open.initialCredit();
        }
        return null;
    }

    private static String name(CreditMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /** The size function STREAM_OPEN's metadata names, or null. */
    static String sizeFunctionOf(String metadata) {
        Matcher m = SIZE_FUNCTION.matcher(metadata == null ? "" : metadata);
        return m.find() ? m.group(1).replaceAll("\\\\(.)", "$1") : null;
    }

    /**
     * The caller's high-water mark as the caller's side on another node passed it on, in the
     * stream's unit; 0 when that side did not (a node of an older version).
     */
    int otherNodesMark() {
        CallStream stream;
        synchronized (this) {
            stream = callerSide;
        }
        return stream == null ? 0 : stream.receiverHighWaterMark();
    }

    private int callerHighWaterMark() {
        CallStream stream;
        synchronized (this) {
            stream = callerSide;
        }
        if (stream == null) {
            return 0;
        }
        return stream instanceof NodeStream here ? here.callerHighWaterMark() : OTHER_NODE;
    }

    /** The provider's stream failed (its STREAM_ERROR, a fault the node found, the provider gone). */
    void providerFailed(int code, String message) {
        CallStream stream;
        synchronized (this) {
            stream = callerSide;
        }
        if (stream instanceof NodeStream here) {
            here.failFromProvider(code, message); // the caller's listener then fails the call
        } else {
            // No stream yet, or one toward another node: the provider's items, if any, failed
            // with the code already and went there; the call's error answer tells the rest.
            tellFailed(code, message);
        }
    }

    // ---- StreamRelay, for the RPC feature

    @Override
    @Deprecated
    public boolean providerAnswered() {
        ProviderStream side;
        synchronized (this) {
            side = providerSide;
        }
        close(0, "");
        return side != null && side.received() != null;
    }

    @Override
    public void close(int code, String message) {
        ProviderStream side;
        CallStream stream;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeCode = code;
            closeMessage = message;
            side = providerSide;
            stream = callerSide;
        }
        relays.forget(this);
        if (stream != null) {
            stream.close(code, message);
        }
        if (side != null) {
            side.onLoop(code == 0 ? side::answered : () -> side.closeByCall(code, message));
        }
    }

    private void tellFailed(int code, String message) {
        synchronized (this) {
            if (told) {
                return;
            }
            told = true;
        }
        relays.forget(this);
        try {
            listener.failed(code, message);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "The relayed call " + callId + " failed to fail", e);
        }
    }

    /** How the caller's stream ends: it reaches the provider's stream and the call. */
    private final class CallerListener implements CallStreamListener {
        @Override
        public void ended() {
            try {
                listener.ended();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "The relayed call " + callId + " failed to end", e);
            }
        }

        @Override
        public void failed(int code, String message) {
            ProviderStream side;
            synchronized (Relay.this) {
                side = providerSide;
            }
            if (side != null) {
                side.onLoop(() -> side.callerFailed(code, message));
            }
            tellFailed(code, message);
        }
    }
}
