package io.aldis.cli.internal.transfer;

import io.aldis.cli.internal.format.Sizes;
import io.aldis.client.TransferResult;
import java.time.Duration;

/**
 * The one line printed when a transfer ends well: what went where, its size, the time this run
 * took and the rate over it, and whether it went on from a checkpoint.
 */
public final class Summary {

    private Summary() {
    }

    /** For example {@code uploaded big.iso to big.iso: 1.0 GiB in 2.3 s, 466.8 MB/s, resumed}. */
    public static String of(Direction direction, TransferResult result, Duration elapsed) {
        String from = direction == Direction.UPLOAD ? result.local().toString() : result.remoteName();
        String to = direction == Direction.UPLOAD ? result.remoteName() : result.local().toString();
        return direction.pastTense() + " " + from + " to " + to + ": " + Sizes.bytes(result.size()) + " in "
                + Sizes.duration(elapsed) + ", " + Sizes.rate(result.size(), elapsed) + ", "
                + (result.resumed() ? "resumed" : "not resumed") + ", sha256 " + result.sha256Hex();
    }
}
