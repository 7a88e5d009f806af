package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Publish;
import java.util.Map;

/**
 * Whether a client's PUBLISH may go out: its subjects are valid and not reserved, its size is
 * within the limit, and its user may publish on the subject (docs/protocol.md 6.2). Rate limits are
 * not judged here.
 */
public final class PublishChecks {
    /** Why a PUBLISH was refused, in the words its ERROR carries. */
    public record Refusal(ErrorCode code, String message, Map<String, Object> details) {
    }

    private final Permissions permissions;
    private final Counters counters;

    public PublishChecks(Permissions permissions, Counters counters) {
        this.permissions = permissions;
        this.counters = counters;
    }

    /** {@code null} when the message may go; otherwise why not, counted. */
    public Refusal check(Subscriber from, Publish p, PubSubSettings s) {
        String subject = p.subject();
        String replyTo = p.replyTo();
        long generation = permissions.generation();
        // Sessions mostly publish on the same subject again and again, and the decoder hands back
        // the same String for the same bytes: the last subject that passed every check below is
        // not checked again until the settings or the permissions change.
        boolean familiar = from.publishedLast(subject, s, generation);
        if (!familiar || !replyTo.isEmpty()) {
            String why = familiar ? null : Subjects.checkSubject(subject, s.maxSubjectLength(), s.maxSubjectDepth());
            if (why == null && !replyTo.isEmpty()) {
                why = Subjects.checkSubject(replyTo, s.maxSubjectLength(), s.maxSubjectDepth());
                why = why == null ? null : "reply subject: " + why;
            }
            if (why != null) {
                counters.invalid.increment();
                return new Refusal(ErrorCode.INVALID_SUBJECT, why, Map.of());
            }
            if ((!familiar && Subjects.isSystem(subject)) || Subjects.isSystem(replyTo)) {
                // Reserved whoever asks (section 6.2): a subject no client may use, not a permission.
                counters.invalid.increment();
                return new Refusal(ErrorCode.INVALID_SUBJECT, "$sys subjects are published by the node only", Map.of());
            }
        }
        long size = (long) p.payload().length + Delivery.headerBytes(p.headers());
        if (size > s.maxMessageBytes()) {
            counters.tooLarge.increment();
            return new Refusal(ErrorCode.MESSAGE_TOO_LARGE,
                    "message of " + size + " bytes is over the limit of " + s.maxMessageBytes(),
                    Map.of("maxMessageBytes", s.maxMessageBytes()));
        }
        if (!familiar) {
            if (!from.mayPublish(subject)) {
                counters.forbidden.increment();
                return new Refusal(ErrorCode.FORBIDDEN,
                        "user '" + from.session.user().name() + "' may not publish on '" + subject + "'", Map.of());
            }
            from.rememberPublished(subject, s, generation);
        }
        return null;
    }
}
