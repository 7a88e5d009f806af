package io.aldis.feature.filetransfer.internal.stats;

import io.aldis.feature.filetransfer.internal.FileEvents;
import java.util.concurrent.atomic.LongAdder;

/** Counts what the feature did since it started, and passes every event on. */
public final class FileCounters implements FileEvents {
    private final FileEvents next;
    private final LongAdder uploaded = new LongAdder();
    private final LongAdder uploadedBytes = new LongAdder();
    private final LongAdder downloaded = new LongAdder();
    private final LongAdder downloadedBytes = new LongAdder();
    private final LongAdder removed = new LongAdder();
    private final LongAdder failed = new LongAdder();

    public FileCounters(FileEvents next) {
        this.next = next;
    }

    @Override
    public void uploaded(String user, String name, long size) {
        uploaded.increment();
        uploadedBytes.add(size);
        next.uploaded(user, name, size);
    }

    @Override
    public void downloaded(String user, String name, long size) {
        downloaded.increment();
        downloadedBytes.add(size);
        next.downloaded(user, name, size);
    }

    @Override
    public void removed(String user, String name) {
        removed.increment();
        next.removed(user, name);
    }

    @Override
    public void failed(String user, String name, String direction, int code, String reason) {
        failed.increment();
        next.failed(user, name, direction, code, reason);
    }

    public long uploaded() {
        return uploaded.sum();
    }

    public long uploadedBytes() {
        return uploadedBytes.sum();
    }

    public long downloaded() {
        return downloaded.sum();
    }

    public long downloadedBytes() {
        return downloadedBytes.sum();
    }

    public long removed() {
        return removed.sum();
    }

    public long failed() {
        return failed.sum();
    }
}
