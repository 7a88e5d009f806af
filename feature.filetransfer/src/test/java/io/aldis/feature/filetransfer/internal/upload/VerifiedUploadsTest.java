package io.aldis.feature.filetransfer.internal.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.api.StoredFile;
import io.aldis.feature.filetransfer.internal.store.LocalFileStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verified uploads kept on storage: read back by a new instance, never trusted when damaged, forgotten in time. */
class VerifiedUploadsTest {
    @TempDir
    Path root;
    private LocalFileStore store;

    @BeforeEach
    void open() throws Exception {
        store = new LocalFileStore(root);
    }

    private static VerifiedUploads.Verified verified(long at) {
        byte[] sha = new byte[32];
        Arrays.fill(sha, (byte) 7);
        return new VerifiedUploads.Verified(UUID.randomUUID(), "alice", new StoredFile("report.pdf", 1234, 99), 512,
                3, sha, at);
    }

    @Test
    void aNewInstanceOnTheSameStorageKnowsTheUploadForItsUserOnly() {
        VerifiedUploads.Verified v = verified(1_000);
        new VerifiedUploads(() -> store).add(v);

        VerifiedUploads afterRestart = new VerifiedUploads(() -> store);
        VerifiedUploads.Verified found = afterRestart.of(v.id(), "alice");
        assertThat(found).isNotNull();
        assertThat(found.published()).isEqualTo(v.published());
        assertThat(found.sha256()).isEqualTo(v.sha256());
        assertThat(found.chunkSize()).isEqualTo(512);
        assertThat(found.chunkCount()).isEqualTo(3);
        assertThat(found.verifiedAt()).isEqualTo(1_000);
        assertThat(afterRestart.of(v.id(), "bob")).isNull();
        assertThat(afterRestart.of(UUID.randomUUID(), "alice")).isNull();
    }

    @Test
    void aDamagedRecordIsForgottenNotTrusted() throws Exception {
        VerifiedUploads.Verified v = verified(1_000);
        new VerifiedUploads(() -> store).add(v);
        String key = VerifiedUploads.KEY_PREFIX + v.id();
        byte[] bytes = store.readState(key);
        for (int i = 0; i < bytes.length; i++) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x10;
            assertThat(VerifiedUploads.decode(damaged)).as("byte " + i + " changed").isNull();
        }
        bytes[bytes.length / 2] ^= 1;
        store.writeState(key, bytes);
        assertThat(new VerifiedUploads(() -> store).of(v.id(), "alice")).isNull();
        assertThat(store.readState(key)).as("deleted").isNull();
    }

    @Test
    void uploadsVerifiedBeforeTheRetentionAreForgottenOnStorageTooAndCheckpointsAreLeftAlone() throws Exception {
        VerifiedUploads verifiedUploads = new VerifiedUploads(() -> store);
        VerifiedUploads.Verified old = verified(1_000);
        VerifiedUploads.Verified recent = verified(5_000);
        verifiedUploads.add(old);
        verifiedUploads.add(recent);
        store.writeState(UUID.randomUUID().toString(), new byte[] {1, 2, 3});

        verifiedUploads.forgetBefore(2_000);
        assertThat(new VerifiedUploads(() -> store).of(old.id(), "alice")).isNull();
        assertThat(new VerifiedUploads(() -> store).of(recent.id(), "alice")).isNotNull();
        assertThat(store.states()).hasSize(2);
    }
}
