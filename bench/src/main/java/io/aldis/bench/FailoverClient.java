package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.SessionInfo;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Java client of the README's cluster walk-through ({@code bench/run-cluster-walk.sh}): it is
 * given one node's address only, subscribes to {@code demo.>}, and waits until its session resumed
 * on another node (one it learned from the node) and a message published after that reached it.
 * It prints one line per step for the script to wait on, and exits with 0 when both happened
 * before its deadline, 1 otherwise.
 *
 * <p>Arguments: {@code host:port user password seconds}.
 */
public final class FailoverClient {
    private FailoverClient() {
    }

    public static void main(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        long seconds = Long.parseLong(args[3]);
        CompletableFuture<SessionInfo> resumedElsewhere = new CompletableFuture<>();
        CompletableFuture<String> deliveredAfter = new CompletableFuture<>();
        AldisClient client = AldisClient.builder()
                .address(hostPort[0], Integer.parseInt(hostPort[1]))
                .credentials(args[1], args[2].toCharArray())
                .listener(new ConnectionListener() {
                    @Override
                    public void reconnecting(int attempt, Duration delay, DisconnectReason lost) {
                        System.out.println("RECONNECTING attempt " + attempt + " after " + lost.message());
                    }

                    @Override
                    public void reconnected(SessionInfo session) {
                        System.out.println("RECONNECTED node " + session.nodeName() + " resumed " + session.resumed());
                        if (session.resumed()) {
                            resumedElsewhere.complete(session);
                        }
                    }
                })
                .build();
        client.connect().get(30, TimeUnit.SECONDS);
        String firstNode = client.session().nodeName();
        client.subscribe("demo.>", delivery -> {
            System.out.println("DELIVERED " + delivery.subject() + " " + delivery.text());
            if (resumedElsewhere.isDone()) {
                deliveredAfter.complete(delivery.text());
            }
        });
        waitForLearnedAddresses(client, seconds);
        System.out.println("CONNECTED node " + firstNode + " knows " + client.knownAddresses());
        try {
            SessionInfo resumed = resumedElsewhere.get(seconds, TimeUnit.SECONDS);
            if (resumed.nodeName().equals(firstNode)) {
                System.out.println("FAILED resumed on the same node " + firstNode);
                System.exit(1);
            }
            System.out.println("RESUMED on " + resumed.nodeName() + " after " + firstNode + " died");
            deliveredAfter.get(seconds, TimeUnit.SECONDS);
            System.out.println("OK");
            System.exit(0);
        } catch (java.util.concurrent.TimeoutException e) {
            System.out.println("FAILED no resumed session with a delivery within " + seconds + " s; state "
                    + client.state());
            System.exit(1);
        }
    }

    /** The node sends the others' addresses right after the login (NODE_ADDRESSES); wait for them. */
    private static void waitForLearnedAddresses(AldisClient client, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (client.knownAddresses().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }
}
