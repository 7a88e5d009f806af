package io.aldis.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the proxy saw of one transfer of the resume bench ({@link ResumeCost}): the frames that
 * matter, per connection, and when the sender's progress (distinct chunks' bytes) crossed each
 * break point; from them, one {@link Break} per break point.
 */
final class ResumeWatch implements WireProxy.Watcher {
    private static final int CHUNK_DATA = 0x66;
    /** Bytes before a CHUNK_DATA's data: type, flags, transfer id, index, original size, CRC-32. */
    private static final int CHUNK_HEADER = 30;

    /** One break of a transfer, as the proxy saw it. */
    record Break(String transfer, int percent, double reconnectMillis, double toRequestMillis,
            double toResponseMillis, double toFirstChunkMillis, int firstChunk, int chunksResent, long bytesResent,
            long window, long chunkSize) {
        long windowBytes() {
            return window * chunkSize;
        }
    }

    private final boolean upload;
    private final List<Long> points = new ArrayList<>();
    private final List<CompletableFuture<Void>> signals = new ArrayList<>();
    private final List<Long> breakNanos = new ArrayList<>();
    private Runnable onBreak = () -> { };
    /** Times each chunk index was sent so far. */
    private final Map<Integer, Integer> sends = new HashMap<>();
    private long distinctBytes;
    private long window;
    private long chunkSize;
    private final Map<Integer, Connection> connections = new HashMap<>();

    /** One connection through the proxy. */
    private static final class Connection {
        long upNanos = -1;
        long resumeRequestNanos = -1;
        long resumeResponseNanos = -1;
        long firstChunkNanos = -1;
        int firstChunk = -1;
        int chunksResent;
        long bytesResent;
        long window;
        long chunkSize;
    }

    ResumeWatch(boolean upload, long size, List<Integer> percents) {
        this.upload = upload;
        for (int percent : percents) {
            points.add(size * percent / 100);
            signals.add(new CompletableFuture<>());
        }
    }

    /** Runs {@code action} on the relaying thread when a break point is crossed. */
    synchronized void onBreak(Runnable action) {
        this.onBreak = action;
    }

    List<CompletableFuture<Void>> breakSignals() {
        return signals;
    }

    int breakCount() {
        return points.size();
    }

    synchronized int breaksDone() {
        return breakNanos.size();
    }

    @Override
    public synchronized void frame(int number, boolean fromClient, ByteBuffer head, int frameLength, long start) {
        Connection c = connections.computeIfAbsent(number, n -> new Connection());
        int type = head.get(0) & 0xFF;
        int flags = head.get(1) & 0xFF;
        if (fromClient && type == 0x6F && c.resumeRequestNanos < 0) {
            c.resumeRequestNanos = start;
        }
        if (!fromClient) {
            switch (type) {
                case 0x13 -> c.upNanos = start; // AUTH_OK
                case 0x02 -> { // CONNECT_ACK: up at once when the resume token was taken
                    if ((flags & 1) != 0) {
                        c.upNanos = start;
                    }
                }
                case 0x61 -> setWindow(head.getInt(26), head.getShort(30) & 0xFFFF); // UPLOAD_ACCEPT
                case 0x64 -> setWindow(head.getInt(70), head.getShort(75) & 0xFFFF); // DOWNLOAD_ACCEPT
                case 0x70 -> { // RESUME_RESPONSE, RESUMABLE
                    if (c.resumeResponseNanos < 0) {
                        c.resumeResponseNanos = start;
                    }
                    if (head.get(26) == 0) {
                        setWindow(head.getInt(31), head.getShort(35) & 0xFFFF);
                    }
                }
                default -> { }
            }
        }
        if (type != CHUNK_DATA || fromClient != upload) {
            return;
        }
        int index = head.getInt(18);
        int times = sends.merge(index, 1, Integer::sum);
        if (c.firstChunk < 0) {
            c.firstChunk = index;
            c.firstChunkNanos = start;
            c.window = window;
            c.chunkSize = chunkSize;
        }
        if (times > 1) {
            c.chunksResent++;
            c.bytesResent += frameLength - CHUNK_HEADER;
            return;
        }
        distinctBytes += Integer.toUnsignedLong(head.getInt(22));
        if (breakNanos.size() < points.size() && distinctBytes >= points.get(breakNanos.size())) {
            breakNanos.add(System.nanoTime());
            signals.get(breakNanos.size() - 1).complete(null);
            onBreak.run();
        }
    }

    private void setWindow(int size, int chunks) {
        chunkSize = size;
        window = chunks;
    }

    /**
     * One row per break: the first connection whose session came up after the break is the
     * one that resumed, and what it resent counts against that break.
     */
    synchronized List<Break> breaks(String transfer, List<Integer> percents) {
        List<Break> result = new ArrayList<>();
        List<Connection> ordered = new ArrayList<>();
        for (int n = 1; connections.containsKey(n); n++) {
            ordered.add(connections.get(n));
        }
        for (int i = 0; i < breakNanos.size(); i++) {
            long at = breakNanos.get(i);
            long until = i + 1 < breakNanos.size() ? breakNanos.get(i + 1) : Long.MAX_VALUE;
            Connection resumed = null;
            int resent = 0;
            long bytes = 0;
            for (Connection c : ordered) {
                if (c.upNanos > at && c.upNanos < until) {
                    resumed = resumed == null ? c : resumed;
                    resent += c.chunksResent;
                    bytes += c.bytesResent;
                }
            }
            if (resumed == null || resumed.firstChunkNanos < 0) {
                throw new IllegalStateException(transfer + ": no chunk went after the break at "
                        + percents.get(i) + " %");
            }
            result.add(new Break(transfer, percents.get(i), (resumed.upNanos - at) / 1e6,
                    millisAfter(resumed.upNanos, resumed.resumeRequestNanos),
                    millisAfter(resumed.upNanos, resumed.resumeResponseNanos),
                    (resumed.firstChunkNanos - resumed.upNanos) / 1e6, resumed.firstChunk, resent, bytes,
                    resumed.window, resumed.chunkSize));
        }
        return result;
    }

    /** Milliseconds from {@code from} to {@code to}, or NaN when {@code to} never happened. */
    private static double millisAfter(long from, long to) {
        return to < 0 ? Double.NaN : (to - from) / 1e6;
    }
}
