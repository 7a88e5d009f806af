package io.aldis.itest.soak;

import io.aldis.client.AldisException;
import io.aldis.protocol.api.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The mixed churn: a fixed number of Java client sessions, each open most of the time, and worker
 * threads that each pick a session at random and make it do one thing (publish, call, stream,
 * cancel a stream, send a file up and down, cancel an upload or a download, close gracefully and
 * be replaced by a new session), or play a frame-level session that is killed. Each worker draws
 * from a random of its own seeded from the run's seed, so a run makes the same choices again; how
 * the workers interleave is up to the scheduler.
 */
final class Churn implements AutoCloseable {
    /** The actions and how often each is picked, out of the sum of the weights. */
    private enum Action {
        PUBLISH(20), CALL(20), STREAM(12), CANCEL_STREAM(10), ROUND_TRIP(6), CANCEL_UPLOAD(4), CANCEL_DOWNLOAD(4),
        CLOSE(6), KILL(6);

        final int weight;

        Action(int weight) {
            this.weight = weight;
        }

        static Action pick(Random random) {
            int total = 0;
            for (Action a : values()) {
                total += a.weight;
            }
            int r = random.nextInt(total);
            for (Action a : values()) {
                r -= a.weight;
                if (r < 0) {
                    return a;
                }
            }
            throw new AssertionError();
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final ChurnContext context;
    private final ClientSession[] sessions;
    private final ReentrantLock[] locks;
    private final AtomicLong names = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ExecutorService pool;
    private final List<Future<?>> workers = new ArrayList<>();
    private final long seed;
    private final int workerCount;

    Churn(ChurnContext context, int sessions, int workerCount, long seed) {
        this.context = context;
        this.sessions = new ClientSession[sessions];
        this.locks = new ReentrantLock[sessions];
        for (int i = 0; i < sessions; i++) {
            locks[i] = new ReentrantLock();
        }
        this.seed = seed;
        this.workerCount = workerCount;
        this.pool = Executors.newFixedThreadPool(workerCount, r -> {
            Thread t = new Thread(r, "soak-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens every session, then sets the workers going. */
    void start() throws Exception {
        List<Future<?>> opening = new ArrayList<>();
        for (int i = 0; i < sessions.length; i++) {
            int slot = i;
            opening.add(pool.submit(() -> act("connect", slot, () -> sessions[slot] = ClientSession.open(context, nextName()))));
        }
        for (Future<?> f : opening) {
            f.get(5 * ClientSession.WAIT_SECONDS, TimeUnit.SECONDS);
        }
        for (int w = 0; w < workerCount; w++) {
            long workerSeed = seed * 31 + w;
            workers.add(pool.submit(() -> work(new Random(workerSeed))));
        }
    }

    /** Stops picking new actions and waits for those under way to end. */
    void stop() throws Exception {
        stopping.set(true);
        for (Future<?> worker : workers) {
            worker.get(5 * ClientSession.WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void work(Random random) {
        while (!stopping.get()) {
            int slot = random.nextInt(sessions.length);
            if (!locks[slot].tryLock()) {
                continue;
            }
            try {
                if (sessions[slot] == null) {
                    act("connect", slot, () -> sessions[slot] = ClientSession.open(context, nextName()));
                } else {
                    Action action = Action.pick(random);
                    act(action.label(), slot, () -> run(action, slot, random));
                }
            } finally {
                locks[slot].unlock();
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private void act(String label, int slot, Step step) {
        try {
            step.run();
            context.tally().done(label);
        } catch (Exception e) {
            if (refusedBusy(e)) {
                // A limit of the node answered, with a code the client can act on: nothing was lost.
                context.tally().done(label + " refused BUSY");
                return;
            }
            context.tally().failed(label + " (session " + slot + ")", e);
            // A session that failed may be in any state: end it and let a new one take its place.
            ClientSession broken = sessions[slot];
            sessions[slot] = null;
            if (broken != null) {
                try {
                    broken.close();
                } catch (Exception ignored) {
                    // It is being replaced either way.
                }
            }
        }
    }

    /**
     * Whether the node refused the action's call with BUSY: a method's calls in flight
     * ({@code maxConcurrency}, 256 by default) include the streams of killed sessions that wait
     * out their resume window, so enough kills of endless streams fill it for a while.
     */
    private static boolean refusedBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AldisException a && a.rawCode() == ErrorCode.BUSY.code()) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private void run(Action action, int slot, Random random) throws Exception {
        ClientSession s = sessions[slot];
        switch (action) {
            case PUBLISH -> s.publish(random);
            case CALL -> s.call(random);
            case STREAM -> s.stream(random);
            case CANCEL_STREAM -> s.cancelStream(random);
            case ROUND_TRIP -> s.roundTrip(random);
            case CANCEL_UPLOAD -> s.cancelUpload(random);
            case CANCEL_DOWNLOAD -> s.cancelDownload(random);
            case CLOSE -> {
                sessions[slot] = null;
                s.close();
                sessions[slot] = ClientSession.open(context, nextName());
            }
            case KILL -> AbruptSession.liveAndDie(context, nextName(), random);
        }
    }

    private String nextName() {
        return "s" + names.incrementAndGet();
    }

    /** Closes every session gracefully, after {@link #stop()}. */
    @Override
    public void close() {
        for (int i = 0; i < sessions.length; i++) {
            if (sessions[i] != null) {
                try {
                    sessions[i].close();
                } catch (Exception e) {
                    context.tally().failed("final close (session " + i + ")", e);
                }
                sessions[i] = null;
            }
        }
        pool.shutdownNow();
    }
}
