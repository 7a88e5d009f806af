package io.aldis.cli.internal.transfer;

import io.aldis.cli.internal.format.Sizes;
import io.aldis.client.TransferResult;
import java.time.Duration;

/**
 * The one line printed when a transfer ends well: what went where, its size, the time this run
 * took and the rate over it, and whether it went on from a checkpoint. A run that went on from a
 * checkpoint moved only part of the file: the line says how much, and the rate is over that part.
 */
public final class Summary {

    private Summary() {
    }

    /**
     * For example {@code uploaded big.iso to big.iso: 1.0 GiB in 2.3 s, 466.8 MB/s, not resumed, sha256 …}
     * or, for a run that moved half of it, {@code …: 1.0 GiB, 512.0 MiB of it in 1.2 s, 447.4 MB/s, resumed, …}.
     *
     * @param moved the bytes this run moved ({@link io.aldis.client.Transfer#bytesMoved()})
     */
    public static String of(Direction direction, TransferResult result, long moved, Duration elapsed) {
        String from = direction == Direction.UPLOAD ? result.local().toString() : result.remoteName();
        String to = direction == Direction.UPLOAD ? result.remoteName() : result.local().toString();
        String amount = moved < result.size()
                ? Sizes.bytes(result.size()) + ", " + Sizes.bytes(moved) + " of it in " + Sizes.duration(elapsed) + ", "
                        + Sizes.rate(moved, elapsed)
                : Sizes.bytes(result.size()) + " in " + Sizes.duration(elapsed) + ", " + Sizes.rate(result.size(), elapsed);
        return direction.pastTense() + " " + from + " to " + to + ": " + amount + ", "
                + (result.resumed() ? "resumed" : "not resumed") + ", sha256 " + result.sha256Hex();
    }
}
