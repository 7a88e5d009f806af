package io.aldis.feature.filetransfer.internal.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class QuotaLedgerTest {
    static final class Disk implements QuotaLedger.Usage {
        final Map<String, Long> used = new ConcurrentHashMap<>();
        long free = Long.MAX_VALUE / 2;

        @Override
        public long usedBy(String user) {
            return used.getOrDefault(user, 0L);
        }

        @Override
        public long usedInAll() {
            return used.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public long usableSpace() {
            return free;
        }
    }

    @Test
    void whatAnotherNodePublishedCountsOnceTheUseIsReadAgain() throws Exception {
        Disk shared = new Disk();
        QuotaLedger here = new QuotaLedger(shared, 100, 0);
        QuotaLedger there = new QuotaLedger(shared, 100, 0);
        assertThat(here.reserve("ann", 10)).isInstanceOf(QuotaLedger.Reservation.class);
        QuotaLedger.Reservation elsewhere = (QuotaLedger.Reservation) there.reserve("ann", 80);
        shared.used.put("ann", 80L); // the other node publishes
        there.published(elsewhere, 0);

        here.forgetUse();
        assertThat(here.reserve("ann", 11)).isEqualTo(new QuotaLedger.Refusal(ErrorCode.QUOTA_EXCEEDED, 10, 11));
        assertThat(here.show("ann")).containsExactly(80, 10, 100);
        assertThat(there.show("ann")).containsExactly(80, 0, 100);
    }

    @Test
    void aPublishBeforeTheUseWasReadIsNotCountedTwice() throws Exception {
        Disk disk = new Disk();
        QuotaLedger ledger = new QuotaLedger(disk, 100, 0);
        // A resumed upload claims its space without reading the use (as after a restart).
        QuotaLedger.Reservation resumed = ledger.claim("ann", 40);
        disk.used.put("ann", 40L); // published: storage holds it already
        ledger.published(resumed, 0);
        assertThat(ledger.show("ann")).containsExactly(40, 0, 100);
    }

    @Test
    void aUsersQuotaCountsWhatIsStoredAndWhatIsReserved() throws Exception {
        Disk disk = new Disk();
        disk.used.put("ann", 30L);
        QuotaLedger ledger = new QuotaLedger(disk, 100, 0);
        assertThat(ledger.reserve("ann", 50)).isInstanceOf(QuotaLedger.Reservation.class);
        QuotaLedger.Outcome refused = ledger.reserve("ann", 21);
        assertThat(refused).isEqualTo(new QuotaLedger.Refusal(ErrorCode.QUOTA_EXCEEDED, 20, 21));
        assertThat(((QuotaLedger.Refusal) refused).details()).isEqualTo("{\"available\":20,\"requested\":21}");
        assertThat(ledger.reserve("bob", 100)).isInstanceOf(QuotaLedger.Reservation.class);
    }

    @Test
    void releasingAndPublishingMoveTheSpaceOnce() throws Exception {
        QuotaLedger ledger = new QuotaLedger(new Disk(), 100, 0);
        QuotaLedger.Reservation a = (QuotaLedger.Reservation) ledger.reserve("ann", 60);
        ledger.release(a);
        ledger.release(a);
        QuotaLedger.Reservation b = (QuotaLedger.Reservation) ledger.reserve("ann", 100);
        ledger.published(b, 0);
        assertThat(ledger.show("ann")).containsExactly(100, 0, 100);
        assertThat(ledger.reserve("ann", 1)).isInstanceOf(QuotaLedger.Refusal.class);
        ledger.removed("ann", 40);
        assertThat(ledger.reserve("ann", 40)).isInstanceOf(QuotaLedger.Reservation.class);
    }

    @Test
    void theGlobalQuotaAndTheFreeSpaceAreStorageFull() throws Exception {
        Disk disk = new Disk();
        disk.free = 1000;
        QuotaLedger ledger = new QuotaLedger(disk, 0, 500);
        ledger.reserve("ann", 400);
        assertThat(ledger.reserve("bob", 101)).isEqualTo(new QuotaLedger.Refusal(ErrorCode.STORAGE_FULL, 100, 101));
        ledger.quotas(0, 0);
        ledger.reserve("bob", 600);
        assertThat(ledger.reserve("cy", 1)).isEqualTo(new QuotaLedger.Refusal(ErrorCode.STORAGE_FULL, 0, 1));
    }

    @Test
    void parallelReservationsNeverTogetherPassTheQuota() throws Exception {
        QuotaLedger ledger = new QuotaLedger(new Disk(), 1000, 0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<QuotaLedger.Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Callable<QuotaLedger.Outcome> task = () -> {
                go.await();
                return ledger.reserve("ann", 100);
            };
            outcomes.add(pool.submit(task));
        }
        go.countDown();
        int granted = 0;
        for (Future<QuotaLedger.Outcome> f : outcomes) {
            granted += f.get() instanceof QuotaLedger.Reservation ? 1 : 0;
        }
        pool.shutdown();
        assertThat(granted).isEqualTo(10);
    }
}
