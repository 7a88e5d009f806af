package io.aldis.itest.soak;

import io.aldis.client.AldisClient;
import io.aldis.client.ReconnectPolicy;
import io.aldis.itest.support.NodeFixture;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What every session of the churn shares: the node's port, one event loop group for all Java
 * clients (several hundred clients need not own a thread each), a scratch directory for files,
 * the file every download-and-cancel fetches, and the tally.
 *
 * @param sharedFile the local copy of {@link #SHARED_FILE}, uploaded before the churn starts
 */
record ChurnContext(int port, EventLoopGroup clientLoops, Path scratch, Path sharedFile, Tally tally) {
    /** The node's name of the file downloads are cancelled on. */
    static final String SHARED_FILE = "soak/shared.bin";

    AldisClient.Builder clientBuilder(String name) {
        return AldisClient.builder()
                .address("127.0.0.1", port)
                .credentials(SoakNode.USER, NodeFixture.PASSWORD.toCharArray())
                .clientName(name)
                .eventLoopGroup(clientLoops)
                .callTimeout(Duration.ofSeconds(ClientSession.WAIT_SECONDS))
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 30));
    }
}
