package io.aldis.feature.rpc.spi;

import org.osgi.annotation.versioning.ConsumerType;

/** A call that crosses between nodes, while it runs. */
@ConsumerType
public interface RunningCall {
    /** Cancels the call where it runs; the method sees it as it sees a caller's RPC_CANCEL. Does nothing once it ended. */
    void cancel();
}
