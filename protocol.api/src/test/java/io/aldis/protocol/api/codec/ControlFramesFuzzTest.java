package io.aldis.protocol.api.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the bodies of the control frames ({@link ControlLayouts}) against {@link FrameBodyContract}.
 * Inputs: {@code ControlFramesFuzzTestInputs/}, the family's golden frames ({@link GoldenSeedsTest}).
 */
class ControlFramesFuzzTest {
    @FuzzTest
    void bodiesDecodeCanonicallyOrAreMalformed(byte[] frame) {
        FrameBodyContract.check(ControlLayouts.ALL, frame);
    }
}
