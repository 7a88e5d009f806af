package io.aldis.feature.pubsub.internal.command;

import io.aldis.feature.pubsub.api.PublishedMessage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints the messages of {@code aldis:tail} on a thread of its own.
 *
 * <p>The console's output stream is a channel that an interrupt closes for good. Ctrl-C interrupts
 * the command's thread, so that thread must never be writing when it comes: it only waits, and
 * this printer, which nobody interrupts, does the writing and stops between two messages.
 */
final class TailPrinter implements Runnable {
    private static final int BUFFER = 1_000;
    private static final long POLL_MILLIS = 100;

    private final BlockingQueue<PublishedMessage> queue = new ArrayBlockingQueue<>(BUFFER);
    private final AtomicLong skipped = new AtomicLong();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final PrintStream out;
    private final long count;
    private final int maxText;
    private volatile boolean stopped;

    TailPrinter(PrintStream out, long count, int maxText) {
        this.out = out;
        this.count = count;
        this.maxText = maxText;
    }

    /** Hands a message over without blocking the publisher; a full buffer counts it as skipped. */
    void offer(PublishedMessage message) {
        if (!queue.offer(message)) {
            skipped.incrementAndGet();
        }
    }

    /** Asks the printer to stop after the line it is printing, if any. */
    void stop() {
        stopped = true;
    }

    /** Waits until the printer has stopped, or printed {@code count} messages. */
    void awaitFinished() throws InterruptedException {
        finished.await();
    }

    /** Waits at most this long for the printer to stop; true when it did. */
    boolean awaitFinished(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        long printed = 0;
        try {
            while (!stopped && (count <= 0 || printed < count)) {
                PublishedMessage m;
                try {
                    m = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (m == null) {
                    continue;
                }
                long lost = skipped.getAndSet(0);
                if (lost > 0) {
                    out.println("... " + lost + " messages skipped: the console could not keep up");
                }
                out.println(format(m));
                printed++;
            }
        } finally {
            out.flush();
            finished.countDown();
        }
    }

    private String format(PublishedMessage m) {
        String text = new String(m.payload(), StandardCharsets.UTF_8);
        if (text.length() > maxText) {
            text = text.substring(0, maxText) + "... (" + m.payload().length + " bytes)";
        }
        StringBuilder line = new StringBuilder().append(LocalTime.now()).append(' ').append(m.subject());
        if (!m.replyTo().isEmpty()) {
            line.append(" reply-to=").append(m.replyTo());
        }
        if (!m.headers().isEmpty()) {
            line.append(' ').append(m.headers());
        }
        return line.append(": ").append(text.replace('\n', ' ')).toString();
    }
}
