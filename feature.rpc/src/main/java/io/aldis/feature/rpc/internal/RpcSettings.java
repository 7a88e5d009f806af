package io.aldis.feature.rpc.internal;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spin.SpinWindow;
import java.util.List;
import java.util.Set;

/**
 * The feature's limits and policies, read key by key from the configuration of {@link RpcConfig} in Karaf or built directly in
 * tests.
 *
 * @param workerThreads          threads that run OSGi service methods
 * @param workerSpinMicros       the longest a worker that runs out of calls stays awake before it parks
 * @param queueCapacity          calls that may wait for a worker before new ones are answered BUSY
 * @param maxCallsPerSession     calls one session may have in flight; more are answered BUSY
 * @param maxConcurrentPerMethod calls of one method that may be in flight; more are answered BUSY
 * @param rejectUnknownFields    whether JSON fields that no parameter or record component
 *                               declares are an error (true) or ignored (false)
 * @param defaultTimeoutMillis   the deadline of calls that carry none (timeout 0); 0 for none
 * @param methodOnLoopMicros     the longest a method of a service that does not set
 *                               {@code aldis.rpc.direct} may keep the I/O thread that read its call
 *                               before its calls move to the workers (see {@code OnLoopPolicy}); 0
 *                               runs such methods on the workers only
 */
public record RpcSettings(int workerThreads, int workerSpinMicros, int queueCapacity, int maxCallsPerSession,
        int maxConcurrentPerMethod, boolean rejectUnknownFields, int defaultTimeoutMillis, int methodOnLoopMicros) {

    public RpcSettings {
        atLeast("workerThreads", workerThreads, 1);
        atLeast("workerSpinMicros", workerSpinMicros, 0);
        atLeast("queueCapacity", queueCapacity, 1);
        atLeast("maxCallsPerSession", maxCallsPerSession, 1);
        atLeast("maxConcurrentPerMethod", maxConcurrentPerMethod, 1);
        atLeast("defaultTimeoutMillis", defaultTimeoutMillis, 0);
        atLeast("methodOnLoopMicros", methodOnLoopMicros, 0);
    }

    private static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " = " + value + ": must be at least " + min);
        }
    }

    /** The defaults of {@link RpcConfig}. */
    public static RpcSettings defaults() {
        return new RpcSettings(16, SpinWindow.DEFAULT_CAP_MICROS, 1024, 256, 256, true, 0, 250);
    }

    /** The words {@code unknownFields} takes: the first rejects such fields, the second ignores them. */
    static final List<String> UNKNOWN_FIELDS = List.of("reject", "ignore");

    /** The keys of {@link RpcConfig}, the only ones an RPC configuration may have. */
    public static final Set<String> KEYS = Set.of("workerThreads", "workerSpinMicros", "queueCapacity",
            "maxCallsPerSession", "maxConcurrentPerMethod", "unknownFields", "defaultTimeoutMillis",
            "methodOnLoopMicros");

    /**
     * Settings read key by key from a configuration, each missing key taking its default.
     *
     * @throws InvalidConfigurationException naming the file, the key and the value of the first bad key
     */
    public static RpcSettings from(ConfigValues c) {
        RpcSettings d = defaults();
        int max = Integer.MAX_VALUE;
        return new RpcSettings(c.integer("workerThreads", d.workerThreads(), 1, max),
                c.integer("workerSpinMicros", d.workerSpinMicros(), 0, max),
                c.integer("queueCapacity", d.queueCapacity(), 1, max),
                c.integer("maxCallsPerSession", d.maxCallsPerSession(), 1, max),
                c.integer("maxConcurrentPerMethod", d.maxConcurrentPerMethod(), 1, max),
                c.choice("unknownFields", UNKNOWN_FIELDS.get(d.rejectUnknownFields() ? 0 : 1), UNKNOWN_FIELDS)
                        .equals(UNKNOWN_FIELDS.get(0)),
                c.integer("defaultTimeoutMillis", d.defaultTimeoutMillis(), 0, max),
                c.integer("methodOnLoopMicros", d.methodOnLoopMicros(), 0, 1_000_000));
    }

    public RpcSettings withMaxCallsPerSession(int max) {
        return new RpcSettings(workerThreads, workerSpinMicros, queueCapacity, max, maxConcurrentPerMethod,
                rejectUnknownFields, defaultTimeoutMillis, methodOnLoopMicros);
    }

    public RpcSettings withMaxConcurrentPerMethod(int max) {
        return new RpcSettings(workerThreads, workerSpinMicros, queueCapacity, maxCallsPerSession, max,
                rejectUnknownFields, defaultTimeoutMillis, methodOnLoopMicros);
    }

    public RpcSettings withWorkerSpinMicros(int micros) {
        return new RpcSettings(workerThreads, micros, queueCapacity, maxCallsPerSession, maxConcurrentPerMethod,
                rejectUnknownFields, defaultTimeoutMillis, methodOnLoopMicros);
    }

    public RpcSettings withRejectUnknownFields(boolean reject) {
        return new RpcSettings(workerThreads, workerSpinMicros, queueCapacity, maxCallsPerSession,
                maxConcurrentPerMethod, reject, defaultTimeoutMillis, methodOnLoopMicros);
    }

    public RpcSettings withMethodOnLoopMicros(int micros) {
        return new RpcSettings(workerThreads, workerSpinMicros, queueCapacity, maxCallsPerSession,
                maxConcurrentPerMethod, rejectUnknownFields, defaultTimeoutMillis, micros);
    }
}
