package io.aldis.protocol.api.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the bodies of the transfer frames ({@link TransferLayouts}) against {@link FrameBodyContract}.
 * Inputs: {@code TransferFramesFuzzTestInputs/}, the family's golden frames ({@link GoldenSeedsTest}).
 */
class TransferFramesFuzzTest {
    @FuzzTest
    void bodiesDecodeCanonicallyOrAreMalformed(byte[] frame) {
        FrameBodyContract.check(TransferLayouts.ALL, frame);
    }
}
