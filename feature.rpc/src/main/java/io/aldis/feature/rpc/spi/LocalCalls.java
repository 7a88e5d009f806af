package io.aldis.feature.rpc.spi;

import java.util.Map;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * This node's RPC as another node needs it: the services it can serve, and a way to run a call
 * that another node sent. Registered by RPC while it runs.
 */
@ProviderType
public interface LocalCalls {
    /**
     * Every service this node serves now, OSGi services exported here and services its clients
     * provide, each with the number of its calls in flight on this node. Cheap enough to ask
     * several times a second.
     */
    Map<String, Integer> services();

    /**
     * The services among {@link #services()} that an OSGi service exports here; the others are
     * provided by clients. Another node refuses a client that would provide one of these names.
     */
    Set<String> exportedServices();

    /**
     * Runs a call that another node sent, on this node only (it is never sent on to a third node),
     * and without checking permissions: the caller's node checked them. The call is answered once
     * through {@code answer}, also when it fails at once. Never blocks.
     *
     * @param method        {@code service.method}
     * @param params        the parameters as the caller sent them (UTF-8 JSON)
     * @param timeoutMillis what is left of the caller's deadline, in milliseconds; 0 for this node's default
     * @param answer        where the result or the error goes
     * @return the call, to cancel it
     */
    RunningCall run(String method, byte[] params, int timeoutMillis, CallAnswer answer);

    /**
     * Runs a call that another node sent with streams, as {@link #run(String, byte[], int, CallAnswer)}
     * does; when the method streams, its stream is opened through {@code streams}, whose items
     * cross to the calling node, instead of being answered with a batch.
     *
     * @param streams opens the call's stream toward the calling node
     * @since 1.1
     */
    RunningCall run(String method, byte[] params, int timeoutMillis, StreamOpener streams, CallAnswer answer);
}
