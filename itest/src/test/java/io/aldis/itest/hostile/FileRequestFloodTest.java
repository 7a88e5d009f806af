package io.aldis.itest.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadReject;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ListRequest;
import io.aldis.protocol.api.ListResponse;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadReject;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One session flooding the file-transfer feature: upload and download requests (each would hold
 * a file open), LIST calls (each reads the user's whole area) and decompression bombs. Each is
 * bounded by a limit with its code, and the bystander, and another session of the same user, are
 * served meanwhile.
 */
@ExtendWith(LeakWatch.class)
class FileRequestFloodTest {
    private static final int FLOOD = 500;
    private static final int MAX_TRANSFERS = 8;
    /** One token per thousand seconds: no refill during a test, so no timing is involved. */
    private static final double NEVER = 0.001;
    private static final int LIST_BURST = 20;
    private static final int CHUNK = 64 * 1024;

    private NodeFixture node;

    private void start(FilesSettings files) throws Exception {
        node = NodeFixture.builder().user("mallory", "user").user("bob", "user")
                .pubsub(PubSubSettings.defaults()).files(files)
                .loginCapabilities(Capability.maskOf(java.util.EnumSet.allOf(Capability.class))).start();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private static FilesSettings defaults() {
        return FilesSettings.defaults("");
    }

    @Test
    void uploadRequestsPastTheSessionsTransfersAreRefusedWithBusy() throws Exception {
        start(defaults().withMaxTransfersPerSession(MAX_TRANSFERS));
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = node.login("mallory")) {
            byte[] hash = new byte[32];
            bystander.during(10, () -> {
                for (int i = 1; i <= FLOOD; i++) {
                    mallory.write(new UploadRequest(i, "f" + i + ".bin", 1L << 30, hash,
                            (int) ChunkLayout.count(1L << 30, CHUNK), CHUNK, Compression.NONE, ""));
                }
                mallory.flush();
            });
            int accepted = 0;
            int busy = 0;
            for (int i = 1; i <= FLOOD; i++) {
                long id = i;
                Frame answer = mallory.next(f -> f instanceof UploadAccept a && a.requestId() == id
                        || f instanceof UploadReject r && r.requestId() == id);
                if (answer instanceof UploadAccept) {
                    accepted++;
                } else {
                    UploadReject reject = (UploadReject) answer;
                    assertThat(reject.code()).isEqualTo(ErrorCode.BUSY.code());
                    assertThat(reject.details()).contains("\"maxTransfersPerSession\":" + MAX_TRANSFERS);
                    busy++;
                }
            }
            assertThat(accepted).isEqualTo(MAX_TRANSFERS);
            assertThat(busy).isEqualTo(FLOOD - MAX_TRANSFERS);
            assertThat(node.files().transfers().size()).isEqualTo(MAX_TRANSFERS);

            // The limit is the session's: another session of the same user uploads.
            try (FrameClient other = node.login("mallory")) {
                other.send(new UploadRequest(1, "other.bin", 10, hash, 1, CHUNK, Compression.NONE, ""));
                assertThat(other.<Frame>next(f -> f instanceof UploadAccept || f instanceof UploadReject))
                        .isInstanceOf(UploadAccept.class);
            }
            bystander.rounds(5);
        }
    }

    @Test
    void downloadRequestsPastTheSessionsTransfersAreRefusedWithBusy() throws Exception {
        start(defaults().withMaxTransfersPerSession(MAX_TRANSFERS).withWindow(1));
        Path area = Files.createDirectories(node.fileStore().root().resolve("mallory"));
        Files.write(area.resolve("big.bin"), new byte[4 * CHUNK]);
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = node.login("mallory")) {
            bystander.during(10, () -> {
                for (int i = 1; i <= FLOOD; i++) {
                    mallory.write(new DownloadRequest(i, "big.bin", CHUNK, Compression.NONE));
                }
                mallory.flush();
            });
            int accepted = 0;
            for (int i = 1; i <= FLOOD; i++) {
                long id = i;
                Frame answer = mallory.next(f -> f instanceof DownloadAccept a && a.requestId() == id
                        || f instanceof DownloadReject r && r.requestId() == id);
                if (answer instanceof DownloadAccept) {
                    accepted++;
                } else {
                    assertThat(((DownloadReject) answer).code()).isEqualTo(ErrorCode.BUSY.code());
                }
            }
            // Requests run on the feature's workers, several at once, so a few may slip past the
            // count while it is taken: bounded by the limit plus the workers.
            assertThat(accepted).isBetween(MAX_TRANSFERS, MAX_TRANSFERS + defaults().workerThreads());
            bystander.rounds(5);
        }
    }

    @Test
    void listCallsPastTheSessionsRateAreAnsweredRateLimited() throws Exception {
        start(defaults().withListRate(NEVER, LIST_BURST));
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = node.login("mallory")) {
            bystander.during(10, () -> {
                for (int i = 1; i <= FLOOD; i++) {
                    mallory.write(new ListRequest(i, "*", 0, 1000));
                }
                mallory.flush();
            });
            int listed = 0;
            for (int i = 1; i <= FLOOD; i++) {
                long id = i;
                Frame answer = mallory.next(f -> f instanceof ListResponse r && r.requestId() == id
                        || f instanceof ErrorFrame e && e.requestId() == id);
                if (answer instanceof ListResponse) {
                    listed++;
                } else {
                    ErrorFrame limited = (ErrorFrame) answer;
                    assertThat(limited.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(limited.details()).contains("\"limit\":\"list\"").containsPattern("\"retryAfterMillis\":[1-9]");
                }
            }
            assertThat(listed).isEqualTo(LIST_BURST);

            // The rate is per session: another session lists; lifting it applies to open sessions.
            try (FrameClient other = node.login("mallory")) {
                other.send(new ListRequest(1, "*", 0, 10));
                assertThat(other.<Frame>next(f -> f instanceof ListResponse || f instanceof ErrorFrame))
                        .isInstanceOf(ListResponse.class);
            }
            node.files().update(FilesSettings.defaults(node.fileStore().root().toString()).withListRate(0, 0));
            mallory.send(new ListRequest(FLOOD + 1, "*", 0, 10));
            assertThat(mallory.<Frame>next(f -> f instanceof ListResponse || f instanceof ErrorFrame))
                    .isInstanceOf(ListResponse.class);
            bystander.rounds(5);
        }
    }

    @Test
    void aFloodOfDecompressionBombsCostsAChunkEachAndEndsTheUpload() throws Exception {
        start(defaults());
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = node.login("mallory")) {
            byte[] hash = new byte[32];
            mallory.send(new UploadRequest(1, "bomb.bin", 16L * CHUNK, hash, 16, CHUNK, Compression.LZ4, ""));
            UploadAccept accept = mallory.await(UploadAccept.class);
            // 64 MiB of zeros in a block of about 256 KiB, declared as one 64 KiB chunk.
            byte[] bomb = ChunkCodec.encode(new byte[64 << 20], 0, 64 << 20, Compression.LZ4).data();
            // A whole window of them at once, all for the first chunk.
            bystander.during(10, () -> {
                for (int i = 0; i < accept.window(); i++) {
                    mallory.write(new ChunkData(true, false, accept.transferId(), 0, CHUNK, 0, bomb));
                }
                mallory.flush();
            });
            // Bombs that arrive once the upload has ended are answered TRANSFER_NOT_FOUND, from another
            // thread than the upload's own answers, so those may come first: they are skipped.
            int nacks = 0;
            TransferAbort abort = null;
            while (abort == null) {
                Frame f = mallory.next(x -> x instanceof ChunkNack || x instanceof TransferAbort);
                if (f instanceof ChunkNack nack) {
                    assertThat(nack.code()).isEqualTo(ErrorCode.DECOMPRESSION_FAILED.code());
                    nacks++;
                } else if (((TransferAbort) f).code() != ErrorCode.TRANSFER_NOT_FOUND.code()) {
                    abort = (TransferAbort) f;
                }
            }
            assertThat(abort.code()).isEqualTo(ErrorCode.DECOMPRESSION_FAILED.code());
            assertThat(abort.resumable()).isFalse();
            assertThat(nacks).as("NACKs before the fifth failure of the chunk ends the upload").isEqualTo(4);
            bystander.rounds(5);
        }
    }
}
