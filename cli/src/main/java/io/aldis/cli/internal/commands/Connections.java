package io.aldis.cli.internal.commands;

import io.aldis.client.AldisClient;
import java.util.concurrent.TimeUnit;

/** Ends a command's connection politely (CLOSE, then CLOSE_ACK) without letting it hold up the exit. */
final class Connections {
    private static final long CLOSE_SECONDS = 3;

    private Connections() {
    }

    static void close(AldisClient client) {
        try {
            client.close().get(CLOSE_SECONDS, TimeUnit.SECONDS);
        } catch (Exception notClosedCleanly) {
            // The command's work is done or has failed already; the node notices the dropped socket.
        }
    }
}
