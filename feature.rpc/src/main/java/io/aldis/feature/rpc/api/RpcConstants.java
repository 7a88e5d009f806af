package io.aldis.feature.rpc.api;

/** Names of the service properties the RPC feature reads from exported services. */
public final class RpcConstants {
    /**
     * Service property: the name under which a service's methods are callable, so that method
     * {@code add} of a service registered with {@code aldis.rpc.service=calculator} is called as
     * {@code calculator.add}. A name is one or more dot-separated tokens of letters, digits,
     * {@code _} and {@code -}.
     */
    public static final String SERVICE = "aldis.rpc.service";

    /**
     * Service property (optional, integer): the most calls of each method of this service that may
     * run at once; further calls are answered {@code BUSY}. Without it the feature's configured
     * default applies.
     */
    public static final String MAX_CONCURRENCY = "aldis.rpc.max.concurrency";

    /**
     * Service property (optional, boolean): where the service's methods run. {@code true}: they
     * never block, so the node always calls them on the I/O thread that read the request instead of
     * handing each call to a worker and its answer back; that saves two thread hand-offs per call,
     * in exchange a method that does block stalls every session served by that thread, and a
     * deadline or cancel can only stop a method that returned a
     * {@link java.util.concurrent.CompletionStage} (there is no worker to interrupt). {@code false}:
     * always on a worker, for services whose methods block. Not set: the node runs each method on
     * the I/O thread that read the call while its calls there return within the RPC setting
     * {@code methodOnLoopMicros} (such a call cannot be interrupted by a deadline or a cancel), and
     * on a worker once they are seen not to (a second call past it within 1024, or one 100 times
     * past it), until a probation of calls on the workers that keep within it brings the method
     * back. A method runs on a worker from its first call when it
     * streams, or declares {@code InterruptedException}, {@code IOException},
     * {@code SQLException}, {@code TimeoutException}, {@code ExecutionException} or a broader
     * exception such as {@code Exception}. A method that waits for something the same connection
     * must do (another call, a client's answer) never returns on the I/O thread: its service must
     * say {@code false}.
     */
    public static final String DIRECT = "aldis.rpc.direct";

    private RpcConstants() {
    }
}
