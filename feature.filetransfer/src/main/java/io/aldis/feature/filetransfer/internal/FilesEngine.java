package io.aldis.feature.filetransfer.internal;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.api.StoredFile;
import io.aldis.feature.filetransfer.internal.checkpoints.Checkpoints;
import io.aldis.feature.filetransfer.internal.download.Download;
import io.aldis.feature.filetransfer.internal.download.Downloads;
import io.aldis.feature.filetransfer.internal.download.FileHashes;
import io.aldis.feature.filetransfer.internal.frames.FileFrames;
import io.aldis.feature.filetransfer.internal.listing.Listing;
import io.aldis.feature.filetransfer.internal.quota.QuotaLedger;
import io.aldis.feature.filetransfer.internal.stats.FileCounters;
import io.aldis.feature.filetransfer.internal.store.StoreLocks;
import io.aldis.feature.filetransfer.internal.transfers.Resumption;
import io.aldis.feature.filetransfer.internal.transfers.Transfer;
import io.aldis.feature.filetransfer.internal.transfers.Transfers;
import io.aldis.feature.filetransfer.internal.upload.Uploads;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.cluster.ClusterLocks;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The file-transfer feature without OSGi: its parts wired together, the pool they share, and the
 * periodic sweep of expired checkpoints. The component runs one in Karaf; tests build one directly.
 */
public final class FilesEngine implements AutoCloseable, FilesAdmin {
    private static final System.Logger LOG = System.getLogger("io.aldis.files");

    private volatile FilesSettings settings;
    private final FilesContext context;
    private final FileFrames frames;
    private final Resumption resumption;
    private final Uploads uploads;
    private final Downloads downloads;
    private final Listing listing;
    private final FileCounters counters;
    private final ScheduledExecutorService sweeper;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param settings   the settings to start with
     * @param store      where files live
     * @param authorizer the authorizer installed now, or null for {@link Authorizer#DEFAULT}
     * @param clock      the time of checkpoints and their retention
     * @param events     what others are told of
     */
    public FilesEngine(FilesSettings settings, FileStore store, Supplier<Authorizer> authorizer, Clock clock,
            FileEvents events) {
        this.settings = settings;
        this.counters = new FileCounters(events);
        ExecutorService pool = Executors.newFixedThreadPool(settings.workerThreads(), named("aldis-files"));
        QuotaLedger ledger = new QuotaLedger(new QuotaLedger.Usage() {
            @Override
            public long usedBy(String user) throws IOException {
                long used = 0;
                for (StoredFile f : store.list(user)) {
                    used += f.size();
                }
                return used;
            }

            @Override
            public long usedInAll() throws IOException {
                return store.totalSize();
            }

            @Override
            public long usableSpace() throws IOException {
                return store.usableSpace();
            }
        }, settings.userQuota(), settings.globalQuota());
        this.context = new FilesContext(() -> this.settings, store, ledger, new Transfers(), new Checkpoints(store),
                new FileHashes(store), new Access(authorizer), pool, clock, counters, new Policies(), new StoreLocks());
        this.uploads = new Uploads(context);
        this.downloads = new Downloads(context);
        this.listing = new Listing(context);
        this.resumption = new Resumption(context, uploads, downloads);
        this.frames = new FileFrames(context, uploads, downloads, listing, resumption);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(named("aldis-files-sweep"));
        long period = Math.max(1, Math.min(60, settings.checkpointRetentionSeconds() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.SECONDS);
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The frame handler to register, which also gives the core the file limits. */
    public FileFrames frames() {
        return frames;
    }

    /** The parts, for commands and tests. */
    public FilesContext context() {
        return context;
    }

    /**
     * Uses locks that hold across the nodes of a cluster for what nodes sharing the storage root
     * must do one at a time; null goes back to locks of this node.
     */
    public void clusterLocks(ClusterLocks locks) {
        context.locks().cluster(locks);
    }

    /** What the feature did since it started. */
    public FileCounters counters() {
        return counters;
    }

    public FilesSettings settings() {
        return settings;
    }

    /** Applies changed settings: new transfers meet them; the pool's size stays until a restart. */
    public void update(FilesSettings next) {
        this.settings = next;
        context.ledger().quotas(next.userQuota(), next.globalQuota());
    }

    @Override
    public List<TransferRow> transfers() {
        List<TransferRow> rows = new ArrayList<>();
        long now = context.clock().millis();
        for (Transfer t : context.transfers().all()) {
            long[] progress = t.progress();
            long bytesDone = t.bytesDone();
            double rate = t.bytesPerSecond(now);
            long secondsLeft = rate > 0 ? (long) Math.ceil((progress[2] - bytesDone) / rate) : -1;
            rows.add(new TransferRow(t.id(), t.user(), t.direction().name().toLowerCase(java.util.Locale.ROOT),
                    t.name(), progress[0], progress[1], progress[2], bytesDone, rate, secondsLeft,
                    t.session() != null ? "running" : "at checkpoint"));
        }
        rows.sort(java.util.Comparator.comparing(TransferRow::user).thenComparing(TransferRow::name));
        return rows;
    }

    @Override
    public boolean cancel(java.util.UUID id) {
        Transfer t = context.transfers().get(id);
        if (t == null || t.ended()) {
            return false;
        }
        t.abort(false, io.aldis.protocol.api.ErrorCode.CANCELLED, "an operator cancelled the transfer");
        if (t instanceof io.aldis.feature.filetransfer.internal.upload.Upload u) {
            uploads.cancel(u);
        } else {
            Download d = (Download) t;
            d.end();
            context.transfers().remove(d);
            d.work().execute(() -> downloads.discard(d));
        }
        return true;
    }

    @Override
    public List<StoredFile> files(String user, String pattern) throws IOException {
        return listing.matching(user, io.aldis.feature.filetransfer.internal.names.Glob.compile(pattern));
    }

    @Override
    public List<String> users() throws IOException {
        return context.store().users().stream().sorted().toList();
    }

    @Override
    public boolean remove(String user, String name) throws IOException {
        io.aldis.feature.filetransfer.internal.names.FileNames.check(name);
        StoredFile file = context.store().stat(user, name);
        if (file == null || !context.store().delete(user, name)) {
            return false;
        }
        context.ledger().removed(user, file.size());
        context.hashes().forget(user, name);
        context.events().removed(user, name);
        return true;
    }

    @Override
    public long[] quota(String user) throws IOException {
        return context.ledger().show(user);
    }

    /** Discards the transfers whose checkpoint retention passed; runs periodically, and in tests on demand. */
    public void sweep() {
        try {
            resumption.sweep();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "The file-transfer sweep failed", e);
        }
    }

    /**
     * Stops the feature: every transfer stops at its checkpoint (saved, so that it can be resumed
     * after the feature or the node comes back), open files are closed, the threads end.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        sweeper.shutdownNow();
        List<CompletableFuture<Void>> parked = new ArrayList<>();
        for (Transfer t : context.transfers().all()) {
            parked.add(frames.park(t));
        }
        try {
            CompletableFuture.allOf(parked.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "Not every transfer reached its checkpoint before the feature stopped");
        }
        for (Transfer t : context.transfers().all()) {
            if (t instanceof Download d) {
                t.work().execute(d::closeFile);
            }
        }
        context.pool().shutdown();
        try {
            if (!context.pool().awaitTermination(10, TimeUnit.SECONDS)) {
                context.pool().shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
