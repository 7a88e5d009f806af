package io.aldis.feature.cluster.internal.links;

import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Says in the operator's words why a link failed, above all why its TLS handshake did. */
final class LinkTlsFailure {
    private LinkTlsFailure() {
    }

    /**
     * Why a link failed.
     *
     * @param cause what its pipeline caught
     */
    static String describe(Throwable cause) {
        if (find(cause, NotSslRecordException.class) != null) {
            return "the other end does not use TLS, and this member's links require it (tls.keyStore is set):"
                    + " give every member the same tls. settings";
        }
        SSLException ssl = find(cause, SSLException.class);
        if (ssl == null) {
            return cause instanceof CorruptedFrameException ? cause.getMessage() : cause.toString();
        }
        String message = String.valueOf(rootMessage(ssl));
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("pkix") || lower.contains("certification path")) {
            return "its certificate is not in this member's trust store (tls.trustStore): TLS handshake failed";
        }
        if (lower.contains("certificate_unknown") || lower.contains("bad_certificate")
                || lower.contains("unknown_ca") || lower.contains("certificate_required")) {
            return "the other member does not accept this member's certificate (is it in the other's tls.trustStore?):"
                    + " TLS handshake failed, " + message;
        }
        if (lower.contains("empty") && lower.contains("certificate")) {
            return "the other end presented no certificate this member's trust store (tls.trustStore) holds:"
                    + " TLS handshake failed";
        }
        return "TLS handshake failed: " + message;
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
            e = c;
        }
        return message;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
