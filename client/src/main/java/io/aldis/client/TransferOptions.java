package io.aldis.client;

import io.aldis.protocol.api.Compression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How one upload or download runs. Immutable: each {@code with} method returns a changed copy.
 *
 * <ul>
 * <li>compression: by default adaptive LZ4 (each chunk compressed only when that makes it
 * smaller) when both the node and this client have LZ4, otherwise none;</li>
 * <li>chunk size: by default the node's ({@code 0});</li>
 * <li>checkpoint directory, for uploads: where an upload notes what it needs to go on after the
 * application restarts; by default {@code ~/.aldis/transfers} (a download keeps its checkpoint
 * beside its partial file instead);</li>
 * <li>progress: a listener told on the client's callback executor at most once per progress
 * interval (default 200 ms), and once more when every byte is done.</li>
 * </ul>
 */
public final class TransferOptions {
    private static final TransferOptions DEFAULTS = new TransferOptions(null, 0, null, null, Duration.ofMillis(200));

    private final Compression compression;
    private final int chunkSize;
    private final Path checkpointDirectory;
    private final Consumer<TransferProgress> progress;
    private final Duration progressInterval;

    private TransferOptions(Compression compression, int chunkSize, Path checkpointDirectory,
            Consumer<TransferProgress> progress, Duration progressInterval) {
        this.compression = compression;
        this.chunkSize = chunkSize;
        this.checkpointDirectory = checkpointDirectory;
        this.progress = progress;
        this.progressInterval = progressInterval;
    }

    /** The defaults described above. */
    public static TransferOptions defaults() {
        return DEFAULTS;
    }

    /** Compresses chunks this way; the node must offer LZ4 for {@code LZ4} and {@code ADAPTIVE}. */
    public TransferOptions withCompression(Compression compression) {
        return new TransferOptions(Objects.requireNonNull(compression, "compression"), chunkSize,
                checkpointDirectory, progress, progressInterval);
    }

    /** Asks for chunks of this many bytes (the node may choose smaller ones); 0 = the node's size. */
    public TransferOptions withChunkSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a chunk size cannot be negative: " + bytes);
        }
        return new TransferOptions(compression, bytes, checkpointDirectory, progress, progressInterval);
    }

    /** Keeps upload checkpoints in this directory (created when needed). */
    public TransferOptions withCheckpointDirectory(Path directory) {
        return new TransferOptions(compression, chunkSize, Objects.requireNonNull(directory, "directory"), progress,
                progressInterval);
    }

    /** Tells {@code listener} how far the transfer is, at most once per progress interval. */
    public TransferOptions withProgress(Consumer<TransferProgress> listener) {
        return new TransferOptions(compression, chunkSize, checkpointDirectory,
                Objects.requireNonNull(listener, "listener"), progressInterval);
    }

    /** The shortest time between two progress reports (the last one always comes); zero = every change. */
    public TransferOptions withProgressInterval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("a progress interval cannot be negative: " + interval);
        }
        return new TransferOptions(compression, chunkSize, checkpointDirectory, progress, interval);
    }

    /** The compression asked for; empty = adaptive when both sides have LZ4, otherwise none. */
    public Optional<Compression> compression() {
        return Optional.ofNullable(compression);
    }

    /** The chunk size asked for; 0 = the node's. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Where upload checkpoints go: the one set, or {@code ~/.aldis/transfers}. */
    public Path checkpointDirectory() {
        return checkpointDirectory != null ? checkpointDirectory
                : Path.of(System.getProperty("user.home"), ".aldis", "transfers");
    }

    /** The progress listener; empty when none was set. */
    public Optional<Consumer<TransferProgress>> progress() {
        return Optional.ofNullable(progress);
    }

    /** The shortest time between two progress reports. */
    public Duration progressInterval() {
        return progressInterval;
    }
}
