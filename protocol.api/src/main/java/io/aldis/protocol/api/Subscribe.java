package io.aldis.protocol.api;

import java.util.Objects;

/**
 * SUBSCRIBE: the client asks for the messages published on subjects matching a pattern.
 *
 * @param subscriptionId chosen by the client; DELIVER frames carry it back
 * @param subject the subject pattern, with {@code *} for one level and {@code >} for the rest
 * @param queueGroup a queue group name (one member of the group gets each message), or the empty string
 * @param options a JSON object with subscription options, or the empty string
 */
public record Subscribe(long subscriptionId, String subject, String queueGroup, String options)
        implements Frame {
    /** Member of {@code options}: the slow-consumer policy, one of {@link SlowConsumerPolicy}'s wire names. */
    public static final String OPTION_POLICY = "policy";
    /** Member of {@code options}: the outbound budget asked for, in bytes (a positive integer). */
    public static final String OPTION_BUDGET_BYTES = "budgetBytes";

    public Subscribe {
        Objects.requireNonNull(subject, "subject");
        queueGroup = queueGroup == null ? "" : queueGroup;
        options = options == null ? "" : options;
    }

    @Override
    public FrameType type() {
        return FrameType.SUBSCRIBE;
    }
}
