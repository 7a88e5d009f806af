package io.aldis.protocol.api.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the bodies of the rpc frames ({@link RpcLayouts}) against {@link FrameBodyContract}.
 * Inputs: {@code RpcFramesFuzzTestInputs/}, the family's golden frames ({@link GoldenSeedsTest}).
 */
class RpcFramesFuzzTest {
    @FuzzTest
    void bodiesDecodeCanonicallyOrAreMalformed(byte[] frame) {
        FrameBodyContract.check(RpcLayouts.ALL, frame);
    }
}
