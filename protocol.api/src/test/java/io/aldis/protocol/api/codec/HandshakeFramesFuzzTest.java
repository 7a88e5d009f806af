package io.aldis.protocol.api.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the bodies of the handshake frames ({@link HandshakeLayouts}) against {@link FrameBodyContract}.
 * Inputs: {@code HandshakeFramesFuzzTestInputs/}, the family's golden frames ({@link GoldenSeedsTest}).
 */
class HandshakeFramesFuzzTest {
    @FuzzTest
    void bodiesDecodeCanonicallyOrAreMalformed(byte[] frame) {
        FrameBodyContract.check(HandshakeLayouts.ALL, frame);
    }
}
