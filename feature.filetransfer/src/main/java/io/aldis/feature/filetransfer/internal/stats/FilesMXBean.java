package io.aldis.feature.filetransfer.internal.stats;

/**
 * The file-transfer counters over JMX, registered as {@value FilesStats#OBJECT_NAME}; the counts
 * run from the feature's start.
 */
public interface FilesMXBean {
    /** Transfers running on a session now. */
    long getRunning();

    /** Transfers stopped at their checkpoint, waiting to be resumed. */
    long getAtCheckpoint();

    /** Uploads verified and published. */
    long getUploaded();

    /** Bytes of the files uploaded. */
    long getUploadedBytes();

    /** Downloads the client verified. */
    long getDownloaded();

    /** Bytes of the files downloaded. */
    long getDownloadedBytes();

    /** Files removed by clients or operators. */
    long getRemoved();

    /** Transfers that failed for good (hash mismatch, a chunk refused five times, storage errors). */
    long getFailed();
}
