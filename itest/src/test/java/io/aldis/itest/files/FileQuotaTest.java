package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadReject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Quotas stay exact under parallel uploads: space is reserved at accept and given back on discard. */
class FileQuotaTest {
    static final int SIZE = 10_000;

    @Test
    void twentyParallelUploadsNeverPassTheQuotaAndTheLosersHearWhatIsLeft() throws Exception {
        try (NodeFixture node = NodeFixture.builder().user("alice", "user")
                .files(FilesSettings.defaults("").withQuotas(5 * SIZE + SIZE / 2, 0)).start()) {
            List<FrameClient> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clients.add(node.login("alice"));
            }
            ExecutorService pool = Executors.newFixedThreadPool(20);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Frame>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                FrameClient c = clients.get(i);
                String name = "f" + i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return FileClient.request(c, 1, name, new byte[SIZE], 4096, Compression.NONE);
                }));
            }
            go.countDown();
            List<UploadAccept> accepted = new ArrayList<>();
            List<UploadReject> rejected = new ArrayList<>();
            for (Future<Frame> f : answers) {
                Frame answer = f.get();
                if (answer instanceof UploadAccept a) {
                    accepted.add(a);
                } else {
                    rejected.add((UploadReject) answer);
                }
            }
            pool.shutdown();
            assertThat(accepted).hasSize(5);
            assertThat(rejected).hasSize(15).allSatisfy(r -> {
                assertThat(r.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED.code());
                assertThat(r.details()).isEqualTo("{\"available\":" + SIZE / 2 + ",\"requested\":" + SIZE + "}");
            });

            // A client that cancels gives its space back at once.
            int winner = -1;
            for (int i = 0; i < 20 && winner < 0; i++) {
                Frame first = answers.get(i).get();
                winner = first instanceof UploadAccept ? i : -1;
            }
            UploadAccept cancelled = (UploadAccept) answers.get(winner).get();
            FrameClient canceller = clients.get(winner);
            canceller.send(new TransferAbort(false, cancelled.transferId(), ErrorCode.CANCELLED.code(),
                    "changed my mind", ""));
            // Frames of a session are handled in order: once this is answered, the cancel was handled.
            canceller.send(FileClient.chunk(cancelled.transferId(), new byte[SIZE],
                    new io.aldis.protocol.api.files.ChunkLayout(SIZE, 4096), 0, Compression.NONE));
            assertThat(canceller.await(TransferAbort.class).code()).isEqualTo(ErrorCode.TRANSFER_NOT_FOUND.code());
            assertThat(FileClient.request(node.login("alice"), 2, "retry", new byte[SIZE], 4096, Compression.NONE))
                    .isInstanceOf(UploadAccept.class);
        }
    }
}
