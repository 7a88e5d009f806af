package io.aldis.feature.filetransfer.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.api.ForwardingFileStore;
import io.aldis.feature.filetransfer.api.PartialFile;
import io.aldis.feature.filetransfer.internal.FileEvents;
import io.aldis.feature.filetransfer.internal.FilesEngine;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.feature.filetransfer.internal.store.LocalFileStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell commands over a real engine and store in a temporary directory. */
class FileCommandsTest {
    @TempDir
    Path root;
    FilesEngine engine;
    LocalFileStore store;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream oldOut;

    @BeforeEach
    void setUp() throws Exception {
        store = new LocalFileStore(root);
        engine = new FilesEngine(FilesSettings.defaults(root.toString()).withQuotas(1000, 0), store, () -> null,
                Clock.systemUTC(), FileEvents.NONE);
        publish("ann", "docs/a.pdf", 10);
        publish("ann", "b.txt", 3);
        oldOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setOut(oldOut);
        engine.close();
    }

    private void publish(String user, String name, int size) throws Exception {
        String key = UUID.randomUUID().toString();
        try (PartialFile partial = store.openPartial(key)) {
            partial.write(ByteBuffer.wrap(new byte[size]), 0);
        }
        store.publish(key, user, name);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The rows of a --no-format table, each cell trimmed of the padding that aligns the columns. */
    private java.util.List<java.util.List<String>> rows() {
        return out().lines().map(line -> java.util.Arrays.stream(line.split("\t")).map(String::trim).toList())
                .toList();
    }

    @Test
    void fileListShowsTheMatchingFilesSorted() throws Exception {
        FileListCommand list = new FileListCommand();
        list.admin = engine;
        list.user = "ann";
        list.pattern = "**";
        list.noFormat = true;
        list.execute();
        assertThat(rows()).extracting(row -> row.subList(0, 2)).containsExactly(java.util.List.of("b.txt", "3"),
                java.util.List.of("docs/a.pdf", "10"));
    }

    @Test
    void fileListWithoutAUserShowsEveryUsersFilesSortedByUserThenName() throws Exception {
        publish("bob", "z.bin", 4);
        publish("Émile d'Arc", "notes/a.txt", 2);
        java.nio.file.Files.createDirectories(root.resolve("made%ZZby-hand"));
        java.nio.file.Files.write(root.resolve("made%ZZby-hand").resolve("x"), new byte[1]);
        java.nio.file.Files.createDirectories(root.resolve("empty-area"));
        FileListCommand list = new FileListCommand();
        list.admin = engine;
        list.pattern = "**";
        list.noFormat = true;
        list.execute();
        assertThat(rows()).extracting(row -> row.subList(0, 3)).containsExactly(
                java.util.List.of("ann", "b.txt", "3"), java.util.List.of("ann", "docs/a.pdf", "10"),
                java.util.List.of("bob", "z.bin", "4"), java.util.List.of("Émile d'Arc", "notes/a.txt", "2"));
    }

    @Test
    void fileListWithoutAUserSaysSoWhenTheStoreCannotListItsAreas() {
        FileListCommand list = new FileListCommand();
        try (FilesEngine other = new FilesEngine(FilesSettings.defaults(root.toString()), new AreasUnknown(store),
                () -> null, Clock.systemUTC(), FileEvents.NONE)) {
            list.admin = other;
            assertThatThrownBy(list::execute).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the file store in use cannot list every user's files: name one with --user");
        }
    }

    /** A store of another bundle that keeps {@link FileStore#users()} as the interface has it. */
    private static final class AreasUnknown extends ForwardingFileStore {
        AreasUnknown(FileStore store) {
            super(store);
        }

        @Override
        public List<String> users() {
            throw new UnsupportedOperationException("cannot list");
        }
    }

    @Test
    void fileRemoveDeletesAndFailsWhenThereIsNothingToDelete() throws Exception {
        FileRemoveCommand remove = new FileRemoveCommand();
        remove.admin = engine;
        remove.user = "ann";
        remove.name = "b.txt";
        remove.execute();
        assertThat(store.stat("ann", "b.txt")).isNull();
        assertThatThrownBy(remove::execute).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ann has no file b.txt");
    }

    @Test
    void quotaShowCountsWhatIsStored() throws Exception {
        QuotaShowCommand quota = new QuotaShowCommand();
        quota.admin = engine;
        quota.user = "ann";
        quota.noFormat = true;
        quota.execute();
        assertThat(rows()).containsExactly(java.util.List.of("ann", "13", "0", "1000"));
    }

    @Test
    void cancellingAnUnknownTransferFails() {
        TransferCancelCommand cancel = new TransferCancelCommand();
        cancel.admin = engine;
        cancel.id = UUID.randomUUID().toString();
        assertThatThrownBy(cancel::execute).hasMessageStartingWith("no transfer has the id");
        cancel.id = "nonsense";
        assertThatThrownBy(cancel::execute).hasMessage("not a transfer id: nonsense");
    }
}
