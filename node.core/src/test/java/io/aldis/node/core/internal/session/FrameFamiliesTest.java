package io.aldis.node.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.FrameType;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The families of docs/protocol.md section 4.2, frame type by frame type. */
class FrameFamiliesTest {
    @Test
    void everyStreamFrameIncludingResumeBelongsToStreams() {
        for (FrameType type : FrameType.values()) {
            if (type.name().startsWith("STREAM_")) {
                assertThat(FrameFamilies.of(type)).as(type.name()).isEqualTo(Capability.STREAMS);
            }
        }
        assertThat(FrameFamilies.of(FrameType.STREAM_RESUME)).isEqualTo(Capability.STREAMS);
    }

    @Test
    void onlyTheConnectionsOwnFramesBelongToNoFamily() {
        Set<FrameType> none = EnumSet.noneOf(FrameType.class);
        for (FrameType type : FrameType.values()) {
            if (FrameFamilies.of(type) == null) {
                none.add(type);
            }
        }
        assertThat(none).containsExactlyInAnyOrder(FrameType.CONNECT, FrameType.CONNECT_ACK, FrameType.AUTH_START,
                FrameType.AUTH_CHALLENGE, FrameType.AUTH_RESPONSE, FrameType.AUTH_OK, FrameType.PING, FrameType.PONG,
                FrameType.CLOSE, FrameType.CLOSE_ACK, FrameType.CAPABILITY_CHANGE, FrameType.NODE_ADDRESSES, FrameType.ACK,
                FrameType.ERROR);
    }

    @Test
    void fileFramesBelongToFileTransferAndPauseResumeToFlowControl() {
        assertThat(FrameFamilies.of(FrameType.RESUME_REQUEST)).isEqualTo(Capability.FILE_TRANSFER);
        assertThat(FrameFamilies.of(FrameType.CHUNK_DATA)).isEqualTo(Capability.FILE_TRANSFER);
        assertThat(FrameFamilies.of(FrameType.PAUSE)).isEqualTo(Capability.FLOW_CONTROL);
        assertThat(FrameFamilies.of(FrameType.RESUME)).isEqualTo(Capability.FLOW_CONTROL);
    }
}
