package io.aldis.feature.cluster.internal.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.cluster.internal.ClusterEngine;
import io.aldis.feature.cluster.internal.ClusterSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster's locks between two real Hazelcast members on loopback: a name locked through one
 * member is not free through the other until it is given back, or until its member leaves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HazelcastLocksTest {
    private static final String SECRET = "locks-between-two-members";
    private static ClusterEngine one;
    private static ClusterEngine two;

    @BeforeAll
    static void twoMembers() throws Exception {
        int[] ports = freePorts(2);
        int portOne = ports[0];
        int portTwo = ports[1];
        CompletableFuture<ClusterEngine> first = CompletableFuture.supplyAsync(() -> ClusterEngine.start(
                new ClusterSettings("locks", SECRET, List.of("127.0.0.1:" + portTwo), "127.0.0.1", portOne, "one", 5),
                () -> null));
        two = ClusterEngine.start(
                new ClusterSettings("locks", SECRET, List.of("127.0.0.1:" + portOne), "127.0.0.1", portTwo, "two", 5),
                () -> null);
        one = first.get(2, TimeUnit.MINUTES);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (one.members().size() < 2 || two.members().size() < 2) {
            assertThat(System.nanoTime()).as("two members within 90 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() {
        for (ClusterEngine e : new ClusterEngine[] {one, two}) {
            if (e != null) {
                e.close();
            }
        }
    }

    @Test
    @Order(1)
    void aNameLockedThroughOneMemberIsNotFreeThroughTheOtherUntilGivenBack() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> {
            try {
                return one.locks().callLocked("files/name/alice/a.bin", 10_000, () -> {
                    held.countDown();
                    release.await();
                    return "held";
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> two.locks().callLocked("files/name/alice/a.bin", 300, () -> "ran"))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("files/name/alice/a.bin");
        assertThat(two.locks().callLocked("files/name/alice/b.bin", 10_000, () -> "another name is free"))
                .isEqualTo("another name is free");

        release.countDown();
        assertThat(holder.get(60, TimeUnit.SECONDS)).isEqualTo("held");
        assertThat(two.locks().callLocked("files/name/alice/a.bin", 10_000, () -> "mine now")).isEqualTo("mine now");
    }

    @Test
    @Order(2) // the last: member one leaves
    void theLocksOfAMemberThatLeavesAreGivenUpAndWhatItsActionDidStillReachesTheCaller() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        var locks = one.locks();
        CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> {
            try {
                return locks.callLocked("files/transfer/t1", 10_000, () -> {
                    held.countDown();
                    release.await();
                    return "published";
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> two.locks().callLocked("files/transfer/t1", 300, () -> "ran"))
                .isInstanceOf(TimeoutException.class);

        one.close();
        one = null;
        assertThat(two.locks().callLocked("files/transfer/t1", 60_000, () -> "given up")).isEqualTo("given up");
        // The member is gone, so the lock cannot be given back through it; the action ran all the same.
        release.countDown();
        assertThat(holder.get(60, TimeUnit.SECONDS)).isEqualTo("published");
    }

    /** Ports free now, all different: each socket is held until every port is found. */
    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] held = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                held[i] = new ServerSocket(0);
                ports[i] = held[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
