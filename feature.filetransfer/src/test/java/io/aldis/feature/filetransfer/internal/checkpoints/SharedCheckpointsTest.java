package io.aldis.feature.filetransfer.internal.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.store.LocalFileStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' checkpoints over one storage root, as in a cluster that shares it: each node tells
 * whether the stored checkpoint is still the one it saved, and refreshes only its own.
 */
class SharedCheckpointsTest {
    @TempDir
    Path root;

    private static Checkpoints.Loaded loaded(Checkpoints c) throws Exception {
        return (Checkpoints.Loaded) c.load(CheckpointCodecTest.UPLOAD.id());
    }

    @Test
    void aNodeSeesThatAnotherNodeTookItsTransferOverOrFinishedIt() throws Exception {
        Checkpoints a = new Checkpoints(new LocalFileStore(root));
        Checkpoints b = new Checkpoints(new LocalFileStore(root));
        Checkpoint saved = CheckpointCodecTest.UPLOAD.savedAt(1_000);
        a.save(saved);
        assertThat(a.savedLastHere(saved.id())).isTrue();
        assertThat(b.savedLastHere(saved.id())).isFalse();

        b.save(loaded(b).checkpoint().savedAt(2_000)); // b resumes it
        assertThat(a.savedLastHere(saved.id())).isFalse();
        assertThat(b.savedLastHere(saved.id())).isTrue();

        b.delete(saved.id()); // b finished it
        assertThat(a.savedLastHere(saved.id())).isFalse();
        assertThat(b.savedLastHere(saved.id())).isFalse();
    }

    @Test
    void aNodeTellsAnotherNodesSaveFromItsOwnEvenInTheSameMillisecond() throws Exception {
        Checkpoints a = new Checkpoints(new LocalFileStore(root));
        Checkpoints b = new Checkpoints(new LocalFileStore(root));
        Checkpoint saved = CheckpointCodecTest.UPLOAD.savedAt(1_000);
        a.save(saved);
        b.save(loaded(b).checkpoint().savedAt(1_000)); // b resumes it within the same millisecond
        assertThat(a.savedLastHere(saved.id())).isFalse();
        assertThat(b.savedLastHere(saved.id())).isTrue();
    }

    @Test
    void theStoreOfANodeThatRestartedStillCountsAsAnotherUntilItSavesTheCheckpoint() throws Exception {
        Checkpoints before = new Checkpoints(new LocalFileStore(root));
        Checkpoint saved = CheckpointCodecTest.UPLOAD.savedAt(1_000);
        before.save(saved);
        Checkpoints after = new Checkpoints(new LocalFileStore(root));
        assertThat(after.savedLastHere(saved.id())).isFalse();
        after.save(loaded(after).checkpoint().savedAt(2_000)); // it loads and claims the transfer
        assertThat(after.savedLastHere(saved.id())).isTrue();
        assertThat(before.savedLastHere(saved.id())).isFalse();
    }

    @Test
    void aNodeRefreshesOnlyACheckpointItSavedLastAndOnlyWhenItIsDue() throws Exception {
        Checkpoints a = new Checkpoints(new LocalFileStore(root));
        Checkpoints b = new Checkpoints(new LocalFileStore(root));
        Checkpoint saved = CheckpointCodecTest.UPLOAD.savedAt(1_000);
        a.save(saved);

        assertThat(a.refreshIfOurs(saved.id(), 1_000, 5_000)).as("not due yet").isFalse();
        assertThat(loaded(a).checkpoint().savedMillis()).isEqualTo(1_000);
        assertThat(a.refreshIfOurs(saved.id(), 1_001, 5_000)).isTrue();
        assertThat(loaded(b).checkpoint().savedMillis()).isEqualTo(5_000);
        assertThat(loaded(b).checkpoint().chunks()).isEqualTo(saved.chunks());
        assertThat(a.savedLastHere(saved.id())).isTrue();

        b.save(loaded(b).checkpoint().savedAt(6_000)); // b takes it over
        assertThat(a.refreshIfOurs(saved.id(), 10_000, 11_000)).isFalse();
        assertThat(loaded(b).checkpoint().savedMillis()).as("b's claim stands").isEqualTo(6_000);
    }
}
