package io.aldis.feature.rpc.internal;

import io.aldis.protocol.api.spin.SpinWindow;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration {@code etc/io.aldis.feature.rpc.cfg}; every key may be changed while the node runs. */
@ObjectClassDefinition(name = "Aldis RPC", description = "Limits and policies of remote method calls")
public @interface RpcConfig {
    @AttributeDefinition(description = "Threads that run OSGi service methods")
    int workerThreads() default 16;

    @AttributeDefinition(description = "Longest a worker that runs out of calls stays awake (yielding to other "
            + "threads) before it parks, in microseconds, one worker at a time. Within it the worker stays awake "
            + "twice as long as the middle of the recent gaps before the next call, and not at all when those gaps "
            + "are longer; this shortens the next call's wait where waking a thread is slow. 0 to park at once")
    int workerSpinMicros() default SpinWindow.DEFAULT_CAP_MICROS;

    @AttributeDefinition(description = "Calls that may wait for a worker; beyond it calls are answered BUSY")
    int queueCapacity() default 1024;

    @AttributeDefinition(description = "Calls one session may have in flight; beyond it calls are answered BUSY")
    int maxCallsPerSession() default 256;

    @AttributeDefinition(description = "Calls of one method that may be in flight at once, unless the service sets "
            + "aldis.rpc.max.concurrency; beyond it calls are answered BUSY")
    int maxConcurrentPerMethod() default 256;

    @AttributeDefinition(description = "JSON fields that no parameter or record component declares",
            options = {@Option(value = "reject", label = "Reject with INVALID_PARAMS"),
                    @Option(value = "ignore", label = "Ignore")})
    String unknownFields() default "reject";

    @AttributeDefinition(description = "Deadline in milliseconds for calls that carry none; 0 for none")
    int defaultTimeoutMillis() default 0;

    @AttributeDefinition(description = "Longest, in microseconds, a method of a service that does not set "
            + "aldis.rpc.direct may keep the I/O thread that read its call: such methods run on that thread while "
            + "their calls return within it, and on the workers after a second call past it within 1024 (or one 100 "
            + "times past it), until 1024 calls in a row there keep within it (doubling each time). 0 runs them on "
            + "the workers only")
    int methodOnLoopMicros() default 250;
}
