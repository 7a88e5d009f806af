package io.aldis.protocol.api.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the bodies of the messaging frames ({@link MessagingLayouts}) against {@link FrameBodyContract}.
 * Inputs: {@code MessagingFramesFuzzTestInputs/}, the family's golden frames ({@link GoldenSeedsTest}).
 */
class MessagingFramesFuzzTest {
    @FuzzTest
    void bodiesDecodeCanonicallyOrAreMalformed(byte[] frame) {
        FrameBodyContract.check(MessagingLayouts.ALL, frame);
    }
}
