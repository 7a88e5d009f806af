package io.aldis.itest.karaf;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.aldis.client.AldisClient;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.ReconnectPolicy;
import io.aldis.protocol.api.ErrorFrame;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Records what a client's connection went through: connection-level ERROR frames (request id 0)
 * and disconnects. The clients of the feature tests never reconnect, so a lost session shows.
 */
class RecordingListener implements ConnectionListener {

    final BlockingQueue<ErrorFrame> errors = new LinkedBlockingQueue<>();
    final List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();

    @Override
    public void error(ErrorFrame error) {
        errors.add(error);
    }

    @Override
    public void disconnected(DisconnectReason reason) {
        disconnects.add(reason);
    }

    /** Connects a client to the node's default TCP listener with SCRAM, without automatic reconnects. */
    static AldisClient connect(int port, String user, String password, RecordingListener listener) throws Exception {
        AldisClient.Builder builder = AldisClient.builder()
                .address("127.0.0.1", port)
                .credentials(user, password.toCharArray())
                .mechanism("SCRAM-SHA-256")
                .reconnect(ReconnectPolicy.none());
        if (listener != null) {
            builder.listener(listener);
        }
        return builder.build().connect().get(30, SECONDS);
    }

    /** Closes a client at the end of a test, whatever state it is in. */
    static void closeQuietly(AldisClient client) {
        if (client == null) {
            return;
        }
        try {
            client.close().get(10, SECONDS);
        } catch (Exception e) {
            // the test already reported what matters
        }
    }
}
