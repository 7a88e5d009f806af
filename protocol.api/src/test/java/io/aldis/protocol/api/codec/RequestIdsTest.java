package io.aldis.protocol.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Requests;
import java.lang.reflect.RecordComponent;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which id ties an answer to its request ({@link Requests}), checked on the golden frame of every
 * type against the lists in docs/protocol.md: section 4.2 names the id each request carries, and
 * sections 4.5 and 5 name the answers that carry a request id.
 */
class RequestIdsTest {
    /** Section 4.2: the id the refused frame carries, by the name of its field. */
    private static final Map<FrameType, String> REQUEST_IDS = new EnumMap<>(Map.ofEntries(
            Map.entry(FrameType.SUBSCRIBE, "subscriptionId"),
            Map.entry(FrameType.UNSUBSCRIBE, "subscriptionId"),
            Map.entry(FrameType.MESSAGE, "correlationId"),
            Map.entry(FrameType.RPC_REQUEST, "callId"),
            Map.entry(FrameType.RPC_CANCEL, "callId"),
            Map.entry(FrameType.STREAM_OPEN, "callId"),
            Map.entry(FrameType.SERVICE_PROVIDE, "requestId"),
            Map.entry(FrameType.SERVICE_WITHDRAW, "requestId"),
            Map.entry(FrameType.UPLOAD_REQUEST, "requestId"),
            Map.entry(FrameType.DOWNLOAD_REQUEST, "requestId"),
            Map.entry(FrameType.LIST_REQUEST, "requestId"),
            Map.entry(FrameType.RESUME_REQUEST, "requestId"),
            Map.entry(FrameType.FILE_REMOVE, "requestId")));

    /** The answers that name their request by its request id. */
    private static final Set<FrameType> ANSWERS = Set.of(FrameType.ERROR, FrameType.ACK, FrameType.UPLOAD_ACCEPT,
            FrameType.UPLOAD_REJECT, FrameType.DOWNLOAD_ACCEPT, FrameType.DOWNLOAD_REJECT, FrameType.LIST_RESPONSE,
            FrameType.RESUME_RESPONSE);

    @Test
    void everyFrameTypeCarriesTheIdsTheDocumentSays() {
        Set<FrameType> withoutId = EnumSet.noneOf(FrameType.class);
        GoldenFramesTest.golden().forEach(arguments -> {
            Frame frame = (Frame) arguments.get()[1];
            FrameType type = frame.type();
            String requestField = REQUEST_IDS.get(type);
            long expectedRequestId = requestField == null ? 0 : field(frame, requestField);
            long expectedAnsweredId = ANSWERS.contains(type) ? field(frame, "requestId") : 0;

            assertThat(Requests.idOf(frame)).as("id a %s's answer carries", type).isEqualTo(expectedRequestId);
            assertThat(Requests.answeredIdOf(frame)).as("id a %s answers", type).isEqualTo(expectedAnsweredId);
            if ((requestField != null || ANSWERS.contains(type)) && expectedRequestId + expectedAnsweredId == 0) {
                withoutId.add(type);
            }
        });
        // Only the golden ERROR answers the connection (id 0); one that answers a request is checked here.
        assertThat(withoutId).containsExactly(FrameType.ERROR);
        assertThat(Requests.answeredIdOf(ErrorFrame.of(77, ErrorCode.NO_HANDLER, "none"))).isEqualTo(77);
        assertThat(Requests.idOf(ErrorFrame.of(77, ErrorCode.NO_HANDLER, "none"))).isZero();
    }

    private static long field(Frame frame, String name) {
        for (RecordComponent component : frame.getClass().getRecordComponents()) {
            if (component.getName().equals(name)) {
                try {
                    return ((Number) component.getAccessor().invoke(frame)).longValue();
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError(frame.type() + " has no field " + name);
    }
}
