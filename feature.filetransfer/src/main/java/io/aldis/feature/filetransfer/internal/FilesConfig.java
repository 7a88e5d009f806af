package io.aldis.feature.filetransfer.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration {@code etc/io.aldis.files.cfg}; every key may be changed while the node runs. */
@ObjectClassDefinition(name = "Aldis file transfer", description = "Storage, limits and checkpoints of file transfer")
public @interface FilesConfig {
    @AttributeDefinition(description = "Directory that holds every user's storage area, partial uploads and "
            + "checkpoints; empty: aldis/files under the node's data directory")
    String storageRoot() default "";

    @AttributeDefinition(description = "Largest file accepted for upload, in bytes (announced in CONNECT_ACK); "
            + "larger uploads are refused with FILE_TOO_LARGE")
    long maxFileSize() default 10L * 1024 * 1024 * 1024;

    @AttributeDefinition(description = "Chunk size of downloads whose client leaves it to the node, in bytes")
    int chunkSize() default 512 * 1024;

    @AttributeDefinition(description = "Largest chunk, in bytes (announced in CONNECT_ACK, lowered to fit the "
            + "session's frame size); larger chunk sizes asked for are lowered to it")
    int maxChunkSize() default FilesSettings.DEFAULT_MAX_CHUNK_SIZE;

    @AttributeDefinition(description = "Chunks sent and not yet acknowledged at once, in each direction")
    int window() default 16;

    @AttributeDefinition(description = "Bytes each user may store, uploads in progress included; 0 = no quota")
    long userQuota() default 0;

    @AttributeDefinition(description = "Bytes all users together may store; 0 = no quota")
    long globalQuota() default 0;

    @AttributeDefinition(description = "Seconds a stopped transfer waits at its checkpoint to be resumed before "
            + "it is discarded with its partial data")
    int checkpointRetentionSeconds() default 86400;

    @AttributeDefinition(description = "Threads that write, read and hash files (applies when the feature restarts)")
    int workerThreads() default 4;

    @AttributeDefinition(description = "Uploads and downloads one session may run at once; more are refused with BUSY")
    int maxTransfersPerSession() default 64;

    @AttributeDefinition(description = "LIST_REQUESTs per second one session may make (fractions allowed; 0 = no "
            + "limit); more are answered with RATE_LIMITED")
    double listRate() default 50;

    @AttributeDefinition(description = "LIST_REQUESTs one session may make at once before listRate applies; "
            + "0 = one second's worth")
    int listBurst() default 0;
}
