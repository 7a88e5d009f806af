package io.aldis.rpc.api;

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

    private RpcConstants() {
    }
}
