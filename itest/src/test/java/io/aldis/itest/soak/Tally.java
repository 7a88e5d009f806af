package io.aldis.itest.soak;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the churn did and what went wrong: actions done, per kind; broken promises (an item lost,
 * duplicated or out of order, a file that differs, an answer to the wrong call), and unexpected
 * failures (a call that failed, a timeout). The first messages of each are kept.
 */
final class Tally {
    private static final int KEPT = 20;
    private final Map<String, LongAdder> actions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failureKinds = new ConcurrentHashMap<>();
    private final LongAdder brokenCount = new LongAdder();
    private final LongAdder failedCount = new LongAdder();
    private final List<String> broken = new CopyOnWriteArrayList<>();
    private final List<String> failed = new CopyOnWriteArrayList<>();

    void done(String action) {
        actions.computeIfAbsent(action, a -> new LongAdder()).increment();
    }

    /** A promise of the protocol was broken. */
    void broken(String what) {
        brokenCount.increment();
        if (broken.size() < KEPT) {
            broken.add(what);
        }
    }

    /** An action failed in a way the soak did not expect; the first failure of each kind is kept, with its causes. */
    void failed(String action, Throwable why) {
        failedCount.increment();
        String kind = action.replaceAll(" \\(session \\d+\\)", "") + " " + rootOf(why).getClass().getSimpleName();
        LongAdder seen = failureKinds.computeIfAbsent(kind, k -> new LongAdder());
        seen.increment();
        if (seen.sum() == 1 && failed.size() < KEPT) {
            failed.add(action + ": " + chain(why));
        }
    }

    /** How many actions failed, by action and kind of root cause. */
    Map<String, Long> failureKinds() {
        Map<String, Long> out = new TreeMap<>();
        failureKinds.forEach((kind, count) -> out.put(kind, count.sum()));
        return out;
    }

    private static Throwable rootOf(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String chain(Throwable t) {
        StringBuilder out = new StringBuilder(String.valueOf(t));
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            out.append(" <- ").append(c);
            t = c;
        }
        return out.toString();
    }

    long brokenCount() {
        return brokenCount.sum();
    }

    long failedCount() {
        return failedCount.sum();
    }

    List<String> broken() {
        return List.copyOf(broken);
    }

    List<String> failed() {
        return List.copyOf(failed);
    }

    /** Actions done so far, by kind, in name order. */
    Map<String, Long> actions() {
        Map<String, Long> out = new TreeMap<>();
        actions.forEach((name, count) -> out.put(name, count.sum()));
        return out;
    }
}
