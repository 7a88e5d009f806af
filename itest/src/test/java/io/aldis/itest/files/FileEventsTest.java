package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.FileRemove;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkLayout;
import org.junit.jupiter.api.Test;

/** The feature's $sys.file.* events reach subscribers of $sys subjects while pub/sub runs. */
class FileEventsTest {
    @Test
    void uploadsRemovalsAndFailuresAreAnnouncedOnSysFileSubjects() throws Exception {
        try (NodeFixture node = NodeFixture.builder().user("alice", "user").user("root", "admin").pubsub().files()
                .start()) {
            FrameClient root = node.login("root");
            root.subscribeOk(1, "$sys.file.>");
            FrameClient alice = node.login("alice");

            FileClient.upload(alice, "notes/a.txt", new byte[] {1, 2, 3}, 4096, Compression.NONE);
            Deliver uploaded = root.deliverOn("$sys.file.uploaded");
            assertThat(FrameClient.text(uploaded)).contains("\"event\":\"file.uploaded\"", "\"user\":\"alice\"",
                    "\"name\":\"notes/a.txt\"", "\"size\":3");

            alice.send(new FileRemove(2, "notes/a.txt"));
            alice.await(Ack.class);
            assertThat(FrameClient.text(root.deliverOn("$sys.file.removed"))).contains("\"name\":\"notes/a.txt\"");

            byte[] file = {9};
            UploadAccept accept = FileClient.accepted(alice, 3, "b.bin", file, 4096, Compression.NONE);
            FileClient.sendChunks(alice, accept.transferId(), file, new ChunkLayout(1, 4096), 0, 1, accept.window(),
                    Compression.NONE);
            alice.send(new UploadComplete(accept.transferId(), FileClient.sha256(new byte[] {8})));
            assertThat(alice.await(UploadVerify.class).verified()).isFalse();
            assertThat(FrameClient.text(root.deliverOn("$sys.file.transfer-failed")))
                    .contains("\"direction\":\"upload\"", "\"code\":-730");
        }
    }
}
