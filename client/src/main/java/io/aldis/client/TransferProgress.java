package io.aldis.client;

import java.time.Duration;
import java.util.Optional;

/**
 * How far a transfer is, as its progress listener sees it.
 *
 * @param bytesDone      bytes the other side has confirmed (upload) or this side has stored (download)
 * @param totalBytes     the file's size
 * @param bytesPerSecond the recent rate; 0 until it can be told
 */
public record TransferProgress(long bytesDone, long totalBytes, double bytesPerSecond) {
    /** Whether every byte is done. */
    public boolean complete() {
        return bytesDone >= totalBytes;
    }

    /** The share done, from 0 to 1; 1 for an empty file. */
    public double fraction() {
        return totalBytes == 0 ? 1.0 : (double) bytesDone / totalBytes;
    }

    /** The time left at the current rate; empty while the rate is not known. */
    public Optional<Duration> eta() {
        if (complete()) {
            return Optional.of(Duration.ZERO);
        }
        if (bytesPerSecond <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis((long) ((totalBytes - bytesDone) * 1000.0 / bytesPerSecond)));
    }
}
