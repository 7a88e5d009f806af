package io.aldis.feature.filetransfer.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * States (checkpoints) written by several threads of one node at once, as a sweep refreshing a
 * checkpoint and the transfer saving it may: each write replaces the state whole, none fails, and
 * no temporary file is left; temporary files a crash left behind are deleted when a store starts.
 */
class StateWritesTest {
    private static final int THREADS = 4;
    private static final int WRITES = 300;

    @TempDir
    Path root;

    @Test
    void writesOfOneStateAtOnceEachReplaceItWholeAndNoneFails() throws Exception {
        LocalFileStore store = new LocalFileStore(root);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            byte[] state = new byte[4096 * (t + 1)];
            java.util.Arrays.fill(state, (byte) ('a' + t));
            writers.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                    for (int i = 0; i < WRITES; i++) {
                        store.writeState("one", state);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        go.countDown();
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);

        byte[] last = store.readState("one");
        assertThat(last.length % 4096).isZero();
        int writer = last.length / 4096 - 1;
        for (byte b : last) {
            assertThat(b).as("one writer's state, whole").isEqualTo((byte) ('a' + writer));
        }
        assertThat(temporaries()).isEmpty();
    }

    @Test
    void aStartingStoreDeletesTemporaryStatesLeftByACrashAndNoOtherFile() throws Exception {
        LocalFileStore first = new LocalFileStore(root);
        first.writeState("kept", new byte[] {1, 2, 3});
        Path states = first.statePath("kept").getParent();
        Path stale = Files.write(states.resolve("kept.0123abcd-7.tmp"), new byte[] {9});
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis()
                - LocalFileStore.STALE_TEMPORARY_MILLIS - 60_000));
        Path fresh = Files.write(states.resolve("kept.4567cdef-1.tmp"), new byte[] {8});

        LocalFileStore second = new LocalFileStore(root);
        assertThat(stale).doesNotExist();
        assertThat(fresh).as("maybe another node's write in progress").exists();
        assertThat(second.readState("kept")).containsExactly(1, 2, 3);
        assertThat(second.states()).containsExactly("kept");
    }

    private List<Path> temporaries() throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
