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

    /** The earliest verification remembered, as the retention makes it. */
    private long rememberedSince;

    private VerifiedUploads verifiedUploads() {
        return new VerifiedUploads(() -> store, () -> rememberedSince);
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
        verifiedUploads().add(v);

        VerifiedUploads afterRestart = verifiedUploads();
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
        verifiedUploads().add(v);
        String key = VerifiedUploads.KEY_PREFIX + v.id();
        byte[] bytes = store.readState(key);
        for (int i = 0; i < bytes.length; i++) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x10;
            assertThat(VerifiedUploads.decode(damaged)).as("byte " + i + " changed").isNull();
        }
        bytes[bytes.length / 2] ^= 1;
        store.writeState(key, bytes);
        assertThat(verifiedUploads().of(v.id(), "alice")).isNull();
        assertThat(store.readState(key)).as("deleted").isNull();
    }

    @Test
    void aSealedRecordTheNodeCouldNotHaveWrittenIsForgottenNotTrusted() throws Exception {
        byte[] sha = new byte[32];
        UUID id = UUID.randomUUID();
        // Each seals correctly; none could come from an upload: its chunk count would reach a
        // RESUME_RESPONSE as it is, its name a stat of the store.
        StoredFile report = new StoredFile("report.pdf", 1234, 99);
        var wrongCount = new VerifiedUploads.Verified(id, "alice", report, 512, 4, sha, 1_000);
        var negativeCount = new VerifiedUploads.Verified(id, "alice", new StoredFile("report.pdf", -1, 99), 512, -1,
                sha, 1_000);
        var climbsOut = new VerifiedUploads.Verified(id, "alice", new StoredFile("../report.pdf", 1234, 99), 512, 3,
                sha, 1_000);
        var noUser = new VerifiedUploads.Verified(id, "", report, 512, 3, sha, 1_000);
        for (VerifiedUploads.Verified v : java.util.List.of(wrongCount, negativeCount, climbsOut, noUser)) {
            store.writeState(VerifiedUploads.KEY_PREFIX + id, VerifiedUploads.encode(v));
            assertThat(verifiedUploads().of(id, v.user())).as("%s", v).isNull();
        }
        var fine = new VerifiedUploads.Verified(id, "alice", report, 512, 3, sha, 1_000);
        store.writeState(VerifiedUploads.KEY_PREFIX + id, VerifiedUploads.encode(fine));
        assertThat(verifiedUploads().of(id, "alice")).isNotNull();
    }

    @Test
    void aNameInAnotherFormOfModifiedUtf8IsNotTheSameRecord() {
        byte[] sha = new byte[32];
        var v = new VerifiedUploads.Verified(UUID.randomUUID(), "alice", new StoredFile("a.txt", 5, 99), 512, 1, sha, 9);
        byte[] bytes = VerifiedUploads.encode(v);
        // 'a' (0x61) as the overlong two-byte form 0xC1 0xA1, which DataInputStream reads as 'a'
        // too: the name's length grows by one and the record is sealed again.
        java.io.ByteArrayOutputStream other = new java.io.ByteArrayOutputStream();
        int at = 4 + 1 + 16 + 2 + 5; // magic, version, id, the user's length and bytes
        other.write(bytes, 0, at);
        other.write(0);
        other.write(6);
        other.write(0xC1);
        other.write(0xA1);
        other.write(bytes, at + 3, bytes.length - 4 - (at + 3));
        byte[] overlong = io.aldis.feature.filetransfer.internal.checkpoints.SealedRecord.seal(other);
        assertThat(VerifiedUploads.decode(overlong)).isNull();
        assertThat(VerifiedUploads.decode(bytes)).isNotNull();
    }

    @Test
    void uploadsVerifiedBeforeTheRetentionAreForgottenOnStorageTooAndCheckpointsAreLeftAlone() throws Exception {
        VerifiedUploads verifiedUploads = verifiedUploads();
        VerifiedUploads.Verified old = verified(1_000);
        VerifiedUploads.Verified recent = verified(5_000);
        verifiedUploads.add(old);
        verifiedUploads.add(recent);
        String checkpoint = UUID.randomUUID().toString();
        store.writeState(checkpoint, new byte[] {1, 2, 3});
        store.writeState(VerifiedUploads.KEY_PREFIX + UUID.randomUUID(), new byte[] {9, 9, 9, 9, 9, 9, 9, 9});

        verifiedUploads.forgetBefore(2_000);
        assertThat(verifiedUploads().of(old.id(), "alice")).isNull();
        assertThat(verifiedUploads().of(recent.id(), "alice")).isNotNull();
        assertThat(store.states()).as("the recent record and the checkpoint; the old and the damaged one went")
                .containsExactlyInAnyOrder(checkpoint, VerifiedUploads.KEY_PREFIX + recent.id());

        VerifiedUploads.Verified later = verified(7_000);
        verifiedUploads.add(later);
        verifiedUploads.forgetBefore(6_000);
        assertThat(store.states()).as("records added after the first sweep are swept too")
                .containsExactlyInAnyOrder(checkpoint, VerifiedUploads.KEY_PREFIX + later.id());
    }

    @Test
    void aRecordOlderThanTheRetentionIsNotTrustedBeforeAnySweep() {
        VerifiedUploads.Verified v = verified(1_000);
        verifiedUploads().add(v);
        rememberedSince = 1_000;
        assertThat(verifiedUploads().of(v.id(), "alice")).isNotNull();
        rememberedSince = 1_001;
        assertThat(verifiedUploads().of(v.id(), "alice")).isNull();
    }
}
