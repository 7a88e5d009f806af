package io.aldis.feature.filetransfer.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.api.StoredFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listing an area while another session removes files from it (found by the soak: LIST failed
 * with NoSuchFileException when a file went between reading its directory and its attributes).
 * A file removed meanwhile is listed or not, never a failure; every file nobody removed is listed.
 */
class ListWhileRemovingTest {
    private static final int FILES = 400;
    private static final int ROUNDS = 10;

    @TempDir
    Path root;

    @Test
    void listingWhileFilesAreRemovedListsWhatStaysAndNeverFails() throws Exception {
        LocalFileStore store = new LocalFileStore(root);
        Path area = Files.createDirectories(store.area("ann").resolve("dir"));
        Files.writeString(Files.createDirectories(store.area("ann").resolve("kept")).resolve("k.bin"), "kept");
        for (int round = 0; round < ROUNDS; round++) {
            List<Path> doomed = new ArrayList<>();
            for (int i = 0; i < FILES; i++) {
                doomed.add(Files.writeString(area.resolve("f" + i + ".bin"), "x"));
            }
            CompletableFuture<Void> removing = CompletableFuture.runAsync(() -> doomed.forEach(p -> p.toFile().delete()));
            while (!removing.isDone()) {
                List<StoredFile> listed = store.list("ann");
                assertThat(listed).extracting(StoredFile::name).contains("kept/k.bin");
                assertThat(store.users()).containsExactly("ann");
                assertThat(store.totalSize()).isGreaterThanOrEqualTo(4);
            }
            removing.get(10, TimeUnit.SECONDS);
        }
        assertThat(store.list("ann")).extracting(StoredFile::name).containsExactly("kept/k.bin");
    }
}
