package io.aldis.protocol.api.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the bodies of the stream frames ({@link StreamLayouts}) against {@link FrameBodyContract}.
 * Inputs: {@code StreamFramesFuzzTestInputs/}, the family's golden frames ({@link GoldenSeedsTest}).
 */
class StreamFramesFuzzTest {
    @FuzzTest
    void bodiesDecodeCanonicallyOrAreMalformed(byte[] frame) {
        FrameBodyContract.check(StreamLayouts.ALL, frame);
    }
}
