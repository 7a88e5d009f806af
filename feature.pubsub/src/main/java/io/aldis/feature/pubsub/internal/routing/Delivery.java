package io.aldis.feature.pubsub.internal.routing;

import io.aldis.protocol.api.Deliver;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One published message on its way to subscriptions. {@link #size} estimates its bytes on the
 * wire, which is what outbound budgets count.
 */
public final class Delivery {
    final String subject;
    final String replyTo;
    final Map<String, String> headers;
    final byte[] payload;
    final int size;

    public Delivery(String subject, String replyTo, Map<String, String> headers, byte[] payload) {
        this.subject = subject;
        this.replyTo = replyTo;
        this.headers = headers;
        this.payload = payload;
        this.size = 24 + utf8Length(subject) + utf8Length(replyTo) + headerBytes(headers) + payload.length;
    }

    Deliver frame(long subscriptionId) {
        return new Deliver(subscriptionId, subject, replyTo, headers, payload);
    }

    public static int headerBytes(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return 0;
        }
        int n = 2;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            n += 4 + utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        return n;
    }

    static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }
}
