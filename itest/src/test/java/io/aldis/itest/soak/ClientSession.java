package io.aldis.itest.soak;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.FilePage;
import io.aldis.client.Subscription;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.itest.support.TestFiles;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Java client session of the soak and the things it does, each checked against what the
 * protocol promises: its own messages come back in order exactly once, each RPC answer belongs to
 * its call, a stream's items arrive in order exactly once, a file comes back byte for byte, a
 * cancelled upload is never published and a cancelled download never shows under its name.
 */
final class ClientSession {
    /** The longest any single step may take before the soak calls it a failure. */
    static final long WAIT_SECONDS = 60;
    private static final int MAX_MESSAGES = 20;
    private static final int MAX_STREAM = 500;
    private static final int MAX_FILE = 1 << 20;
    /** Above the bytes the client sends ahead of the node's acknowledgements (16 chunks of 512 KiB). */
    private static final int CANCELLED_FILE = 16 << 20;

    private final ChurnContext context;
    private final AldisClient client;
    private final String name;
    private final String subject;
    private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private long nextSeq;
    private int files;

    private ClientSession(ChurnContext context, AldisClient client, String name) {
        this.context = context;
        this.client = client;
        this.name = name;
        this.subject = "soak." + name;
    }

    /** Connects and authenticates a new client, and subscribes it to a subject of its own. */
    static ClientSession open(ChurnContext context, String name) throws Exception {
        AldisClient client = context.clientBuilder(name).build();
        try {
            client.connect().get(WAIT_SECONDS, TimeUnit.SECONDS);
            ClientSession session = new ClientSession(context, client, name);
            Subscription subscription = client.subscribe(session.subject, d -> session.inbox.add(d.text()));
            subscription.ready().get(WAIT_SECONDS, TimeUnit.SECONDS);
            return session;
        } catch (Exception e) {
            // A client that did not get going must not keep trying in the background.
            client.close();
            throw e;
        }
    }

    /** Publishes a few numbered messages to itself and checks each comes back once, in order. */
    void publish(Random random) throws Exception {
        int count = 1 + random.nextInt(MAX_MESSAGES);
        long first = nextSeq;
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(client.publish(subject, Long.toString(nextSeq++).getBytes(StandardCharsets.UTF_8)));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        for (long expected = first; expected < nextSeq; expected++) {
            String got = inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (got == null) {
                context.tally().broken(subject + ": message " + expected + " never came");
                return;
            }
            if (!got.equals(Long.toString(expected))) {
                context.tally().broken(subject + ": expected message " + expected + ", got " + got);
                return;
            }
        }
    }

    /** Makes a few calls at once and checks each answer is its own call's. */
    void call(Random random) throws Exception {
        int count = 1 + random.nextInt(8);
        int[] a = new int[count];
        int[] b = new int[count];
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            a[i] = random.nextInt(1_000_000);
            b[i] = random.nextInt(1_000_000);
            answers.add(client.call("calc.add", new Object[] {a[i], b[i]}, Integer.class));
        }
        for (int i = 0; i < count; i++) {
            int got = answers.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS);
            if (got != a[i] + b[i]) {
                context.tally().broken(name + ": add(" + a[i] + ", " + b[i] + ") answered " + got);
            }
        }
    }

    /** Streams the numbers 0 … n-1 and checks each arrives once, in order. */
    void stream(Random random) throws Exception {
        int n = 1 + random.nextInt(MAX_STREAM);
        Collecting<Integer> items = new Collecting<>(Long.MAX_VALUE);
        client.callStream("streams.count", new Object[] {n}, Integer.class).subscribe(items);
        if (!items.ended.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a stream of " + n + " did not end, " + items.items.size() + " came");
        }
        if (items.failure != null) {
            throw new IllegalStateException("a stream of " + n + " failed", items.failure);
        }
        for (int i = 0; i < n; i++) {
            if (i >= items.items.size() || items.items.get(i) != i) {
                context.tally().broken(name + ": stream of " + n + " had " + items.items.size() + " items, item " + i
                        + " was " + (i < items.items.size() ? items.items.get(i) : "missing"));
                return;
            }
        }
        if (items.items.size() != n) {
            context.tally().broken(name + ": stream of " + n + " had " + items.items.size() + " items");
        }
    }

    /** Opens an endless stream and cancels it after a few items. */
    void cancelStream(Random random) throws Exception {
        int stopAfter = 1 + random.nextInt(50);
        Collecting<String> items = new Collecting<>(stopAfter);
        client.callStream("streams.forever", new Object[] {"x"}, String.class).subscribe(items);
        if (!items.ended.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("an endless stream sent " + items.items.size() + " of " + stopAfter
                    + " items before the cancel");
        }
        if (items.failure != null) {
            throw new IllegalStateException("an endless stream failed", items.failure);
        }
        if (items.items.stream().anyMatch(item -> !item.equals("x"))) {
            context.tally().broken(name + ": an endless stream of x sent " + items.items);
        }
    }

    /** Uploads a file, downloads it again, checks the bytes are the same and removes it. */
    void roundTrip(Random random) throws Exception {
        String remote = nextRemoteName();
        Path source = TestFiles.random(context.scratch().resolve(remote), 1 + random.nextInt(MAX_FILE), random.nextLong());
        Path back = context.scratch().resolve(remote + ".back");
        try {
            client.upload(source, "soak/" + remote, options()).result().get(WAIT_SECONDS, TimeUnit.SECONDS);
            client.download("soak/" + remote, back, options()).result().get(WAIT_SECONDS, TimeUnit.SECONDS);
            if (Files.mismatch(source, back) != -1) {
                context.tally().broken(name + ": " + remote + " came back different");
            }
            client.remove("soak/" + remote).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } finally {
            Files.deleteIfExists(source);
            Files.deleteIfExists(back);
        }
    }

    /**
     * Starts an upload larger than the chunks the client sends ahead, cancels it once the node has
     * confirmed some of it, and checks that no part of it was published: the file is not there, or,
     * when the cancel crossed the upload's last frames on the wire, the whole file is.
     */
    void cancelUpload(Random random) throws Exception {
        String remote = nextRemoteName();
        Path source = TestFiles.random(context.scratch().resolve(remote), CANCELLED_FILE, random.nextLong());
        try {
            Transfer upload = cancelOnFirstProgress(options -> client.upload(source, "soak/" + remote, options));
            boolean finished = finishedDespiteCancel(upload);
            FilePage page = client.list("soak/" + remote, 0, 1).get(WAIT_SECONDS, TimeUnit.SECONDS);
            if (page.totalCount() == 0) {
                if (finished) {
                    context.tally().broken(name + ": a finished upload of " + remote + " is not there");
                }
                return;
            }
            if (page.entries().get(0).size() != CANCELLED_FILE) {
                context.tally().broken(name + ": part of a cancelled upload was published: "
                        + page.entries().get(0).size() + " of " + CANCELLED_FILE + " bytes");
            }
            if (!finished) {
                context.tally().done("cancel-upload-published-whole");
            }
            client.remove("soak/" + remote).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } finally {
            Files.deleteIfExists(source);
        }
    }

    /** Starts a download of the shared file, cancels it midway, and checks nothing shows under its name. */
    void cancelDownload(Random random) throws Exception {
        Path local = context.scratch().resolve(nextRemoteName());
        try {
            Transfer download = cancelOnFirstProgress(options -> client.download(ChurnContext.SHARED_FILE, local, options));
            if (finishedDespiteCancel(download)) {
                if (Files.mismatch(local, context.sharedFile()) != -1) {
                    context.tally().broken(name + ": the shared file came back different");
                }
            } else if (Files.exists(local)) {
                context.tally().broken(name + ": a cancelled download left a file under its name");
            }
        } finally {
            Files.deleteIfExists(local);
            Files.deleteIfExists(Path.of(local + ".aldis-part"));
            Files.deleteIfExists(Path.of(local + ".aldis-checkpoint"));
            Files.deleteIfExists(Path.of(local + ".aldis-written"));
        }
    }

    /** Closes gracefully: CLOSE, then CLOSE_ACK. */
    void close() throws Exception {
        client.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private TransferOptions options() {
        return TransferOptions.defaults().withCheckpointDirectory(context.scratch());
    }

    private String nextRemoteName() {
        return name + "-" + (files++) + ".bin";
    }

    private interface Starter {
        Transfer start(TransferOptions options);
    }

    private Transfer cancelOnFirstProgress(Starter starter) throws Exception {
        CompletableFuture<Transfer> started = new CompletableFuture<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        TransferOptions options = options().withProgressInterval(Duration.ZERO).withProgress(p -> {
            if (p.bytesDone() > 0 && cancelled.compareAndSet(false, true)) {
                started.thenAccept(Transfer::cancel);
            }
        });
        Transfer transfer = starter.start(options);
        started.complete(transfer);
        return transfer;
    }

    /** Whether a transfer ended well although it was cancelled (it was faster); false when it was cancelled. */
    private static boolean finishedDespiteCancel(Transfer transfer) throws Exception {
        try {
            TransferResult ignored = transfer.result().get(WAIT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AldisException a && a.code() == ErrorCode.CANCELLED) {
                return false;
            }
            throw e;
        }
    }

    /** Takes up to {@code limit} items, then cancels; counts down {@code ended} on the end, a failure or the cancel. */
    private static final class Collecting<T> implements Flow.Subscriber<T> {
        final List<T> items = new ArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile Throwable failure;
        private final long limit;
        private boolean cancelled;
        private Flow.Subscription subscription;

        Collecting(long limit) {
            this.limit = limit;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(T item) {
            if (items.size() < limit) {
                items.add(item);
                if (items.size() == limit) {
                    cancelled = true;
                    subscription.cancel();
                    ended.countDown();
                }
            }
        }

        @Override
        public synchronized void onError(Throwable t) {
            if (!cancelled) {
                failure = t;
            }
            ended.countDown();
        }

        @Override
        public void onComplete() {
            ended.countDown();
        }
    }
}
