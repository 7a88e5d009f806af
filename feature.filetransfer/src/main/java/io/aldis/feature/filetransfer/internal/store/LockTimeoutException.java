package io.aldis.feature.filetransfer.internal.store;

import java.io.IOException;

/**
 * A lock of {@link StoreLocks} was not free in time: another node, or another thread of this one,
 * held it. Nothing on storage failed, so a caller that can wait and try again should not report
 * it as a storage failure.
 */
public final class LockTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    public LockTimeoutException(String message) {
        super(message);
    }
}
