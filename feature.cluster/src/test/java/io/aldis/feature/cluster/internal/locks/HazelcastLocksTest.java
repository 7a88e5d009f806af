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
        int portOne = freePort();
        int portTwo = freePort();
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
    void theLocksOfAMemberThatLeavesAreGivenUp() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try {
                one.locks().callLocked("files/transfer/t1", 10_000, () -> {
                    held.countDown();
                    never.await();
                    return null;
                });
            } catch (Exception leftTheCluster) {
                // its member is gone
            }
        });
        holder.setDaemon(true);
        holder.start();
        assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> two.locks().callLocked("files/transfer/t1", 300, () -> "ran"))
                .isInstanceOf(TimeoutException.class);

        one.close();
        one = null;
        assertThat(two.locks().callLocked("files/transfer/t1", 60_000, () -> "given up")).isEqualTo("given up");
        never.countDown();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
