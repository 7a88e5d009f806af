package io.aldis.feature.cluster.internal;

import com.hazelcast.core.HazelcastException;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

/**
 * Starts two cluster engines in this JVM, named "one" and "two", each listening on a free port of
 * 127.0.0.1 and joining the other. A free port is found by binding port 0 and letting it go, so
 * another socket (an outgoing connection's local port, say) may take it before Hazelcast binds it:
 * then both are started again on new ports, a few times at most.
 */
public final class TwoEngines {
    private static final int ATTEMPTS = 5;

    private TwoEngines() {
    }

    /** Both engines, "one" first, for a cluster named {@code cluster}; the caller closes them. */
    public static List<ClusterEngine> start(String cluster) throws IOException {
        for (int attempt = 1;; attempt++) {
            int[] ports = {freePort(), freePort()};
            ClusterEngine first = null;
            try {
                first = ClusterEngine.start(settings(cluster, "one", ports[0], ports[1]), () -> null);
                ClusterEngine second = ClusterEngine.start(settings(cluster, "two", ports[1], ports[0]), () -> null);
                return List.of(first, second);
            } catch (HazelcastException e) {
                if (first != null) {
                    first.close();
                }
                boolean taken = e.getMessage() != null && e.getMessage().contains("already in use");
                if (!taken || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static ClusterSettings settings(String cluster, String name, int port, int other) {
        return new ClusterSettings(cluster, "a-secret-of-sixteen-chars", List.of("127.0.0.1:" + other), "127.0.0.1",
                port, name, 5);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
