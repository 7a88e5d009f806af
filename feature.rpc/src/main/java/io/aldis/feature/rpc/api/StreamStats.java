package io.aldis.feature.rpc.api;

/**
 * The streams of one method's calls since the feature started, as its callee saw them. "Sent" is
 * what the callee sent to its callers (a streamed result), "received" what the callers sent to it
 * (a streamed parameter); a bidirectional method has both.
 *
 * @param method        {@code service.method}
 * @param opened        streams opened for calls of the method (calls answered as batches open none)
 * @param open          streams open now
 * @param itemsSent     items the callee handed to its streams
 * @param bytesSent     the bytes of those items (JSON or raw), without frame headers
 * @param itemsReceived items of the callers the callee took
 * @param bytesReceived the bytes of those items, without frame headers
 * @param cancelled     streams whose call was cancelled (RPC_CANCEL, STREAM_CANCEL, the shell)
 * @param failed        streams whose call ended with any other error (the service's, the credit's,
 *                      the deadline, the caller gone)
 */
public record StreamStats(String method, long opened, long open, long itemsSent, long bytesSent, long itemsReceived,
        long bytesReceived, long cancelled, long failed) {
}
