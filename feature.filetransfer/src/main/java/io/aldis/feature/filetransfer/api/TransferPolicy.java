package io.aldis.feature.filetransfer.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service that may refuse an upload or a download before it starts: a virus scanner's
 * gate, a rule on names or sizes. Every registered policy is asked, after the node's own checks
 * (name, permission, size) passed; the first refusal wins and reaches the client as UPLOAD_REJECT
 * {@code UPLOAD_REJECTED} (−713) or DOWNLOAD_REJECT {@code DOWNLOAD_REJECTED} (−714) with the
 * policy's reason. Called on a worker thread of the file-transfer feature; it may block briefly,
 * but every transfer request waits for it. A policy that throws refuses.
 */
@ConsumerType
public interface TransferPolicy {
    /** Whether the upload described may start; {@link Verdict#allow()} lets it. */
    Verdict upload(TransferRequest request);

    /** Whether the download described may start. */
    default Verdict download(TransferRequest request) {
        return Verdict.allow();
    }
}
