package io.aldis.client;

import java.nio.file.Path;
import java.util.HexFormat;

/**
 * What a finished transfer did.
 *
 * @param remoteName   the file's name on the node: for an upload the name it was published under
 * @param local        the file on this side
 * @param size         the file's size in bytes
 * @param sha256       the SHA-256 of the file, checked by both sides
 * @param chunksResent chunks sent or received again after a failed check or a broken connection
 * @param resumed      whether the transfer went on from a checkpoint (after a reconnect or a restart)
 */
public record TransferResult(String remoteName, Path local, long size, byte[] sha256, int chunksResent,
        boolean resumed) {
    public TransferResult {
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** The SHA-256 in lower-case hex, as {@code sha256sum} prints it. */
    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }
}
