/**
 * File chunks (docs/protocol.md 6.5.2), one implementation for the node and the clients: how a
 * file is cut into chunks ({@link ChunkLayout}), how a chunk is compressed, checked and restored
 * ({@link ChunkCodec}), whether a sender with adaptive compression compresses a large file's
 * chunks, tried on the transfer itself ({@link CompressionTrials}), which chunks a side holds, as
 * the ranges RESUME_REQUEST and RESUME_RESPONSE carry ({@link ChunkSet}), and the whole file's hash
 * ({@link FileSha256}).
 *
 * <p>Plain Java without I/O. A chunk that fails a check is reported as a
 * {@link io.aldis.protocol.api.ProtocolException} whose code goes into the CHUNK_NACK that answers
 * it. {@link ChunkCodec} needs lz4-java only when a chunk is compressed or decompressed.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package io.aldis.protocol.api.files;
