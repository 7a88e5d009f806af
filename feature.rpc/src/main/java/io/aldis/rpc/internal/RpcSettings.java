package io.aldis.rpc.internal;

import io.aldis.spi.transport.SpinWindow;

/**
 * The feature's limits and policies, read from {@link RpcConfig} in Karaf or built directly in
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
 */
public record RpcSettings(int workerThreads, int workerSpinMicros, int queueCapacity, int maxCallsPerSession,
        int maxConcurrentPerMethod, boolean rejectUnknownFields, int defaultTimeoutMillis) {

    public RpcSettings {
        if (workerThreads < 1 || workerSpinMicros < 0 || queueCapacity < 1 || maxCallsPerSession < 1
                || maxConcurrentPerMethod < 1 || defaultTimeoutMillis < 0) {
            throw new IllegalArgumentException("RPC limits must be positive (the spin time and the default timeout may be 0): " + this);
        }
    }

    /** The defaults of {@link RpcConfig}. */
    public static RpcSettings defaults() {
        return new RpcSettings(16, SpinWindow.DEFAULT_CAP_MICROS, 1024, 256, 256, true, 0);
    }

    static RpcSettings of(RpcConfig config) {
        return new RpcSettings(config.workerThreads(), config.workerSpinMicros(), config.queueCapacity(),
                config.maxCallsPerSession(), config.maxConcurrentPerMethod(),
                "reject".equalsIgnoreCase(config.unknownFields().trim()), config.defaultTimeoutMillis());
    }

    public RpcSettings withMaxCallsPerSession(int max) {
        return new RpcSettings(workerThreads, workerSpinMicros, queueCapacity, max, maxConcurrentPerMethod,
                rejectUnknownFields, defaultTimeoutMillis);
    }

    public RpcSettings withMaxConcurrentPerMethod(int max) {
        return new RpcSettings(workerThreads, workerSpinMicros, queueCapacity, maxCallsPerSession, max,
                rejectUnknownFields, defaultTimeoutMillis);
    }

    public RpcSettings withWorkerSpinMicros(int micros) {
        return new RpcSettings(workerThreads, micros, queueCapacity, maxCallsPerSession, maxConcurrentPerMethod,
                rejectUnknownFields, defaultTimeoutMillis);
    }

    public RpcSettings withRejectUnknownFields(boolean reject) {
        return new RpcSettings(workerThreads, workerSpinMicros, queueCapacity, maxCallsPerSession,
                maxConcurrentPerMethod, reject, defaultTimeoutMillis);
    }
}
