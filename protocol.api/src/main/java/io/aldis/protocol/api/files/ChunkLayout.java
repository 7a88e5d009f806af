package io.aldis.protocol.api.files;

/**
 * How a file of {@code fileSize} bytes is cut into chunks of {@code chunkSize} bytes: chunk
 * <i>i</i> starts at <i>i</i>·{@code chunkSize}, every chunk but the last is full, and an empty
 * file has no chunks (docs/protocol.md 6.5.2).
 *
 * @param fileSize the file's size in bytes, at least 0
 * @param chunkSize the size of every chunk but the last, at least 1
 */
public record ChunkLayout(long fileSize, int chunkSize) {
    public ChunkLayout {
        if (fileSize < 0) {
            throw new IllegalArgumentException("a file size cannot be negative: " + fileSize);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("a chunk size must be at least 1 byte: " + chunkSize);
        }
        if (count(fileSize, chunkSize) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a file of " + fileSize + " bytes has more than 2^31-1 chunks of "
                    + chunkSize + " bytes");
        }
    }

    /** The number of chunks a file of {@code fileSize} bytes has at {@code chunkSize}, as the request announces it. */
    public static long count(long fileSize, int chunkSize) {
        return fileSize / chunkSize + (fileSize % chunkSize == 0 ? 0 : 1);
    }

    /** How many chunks the file has; 0 for an empty file. */
    public int chunkCount() {
        return (int) count(fileSize, chunkSize);
    }

    /** Where chunk {@code index} starts in the file. */
    public long offsetOf(int index) {
        checkIndex(index);
        return (long) index * chunkSize;
    }

    /** How many bytes chunk {@code index} holds: {@code chunkSize}, or less for the last one. */
    public int sizeOf(int index) {
        checkIndex(index);
        return (int) Math.min(chunkSize, fileSize - (long) index * chunkSize);
    }

    /** Whether {@code index} names a chunk of this file. */
    public boolean holds(int index) {
        return index >= 0 && index < chunkCount();
    }

    private void checkIndex(int index) {
        if (!holds(index)) {
            throw new IndexOutOfBoundsException("chunk " + index + " of a file with " + chunkCount() + " chunks");
        }
    }
}
