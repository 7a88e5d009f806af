package io.aldis.client.internal.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrittenChunksNoteTest {
    private static final UUID TRANSFER = UUID.fromString("0d6f3c1a-52b8-4e07-9a41-7f2e8c5b3d90");
    private static final UUID BOOT = UUID.fromString("6b1e0f4d-2c93-4a58-8d7e-19f0a3c6b542");

    @TempDir
    Path dir;

    private Path file() {
        return WrittenChunksNote.fileOf(dir.resolve("video.bin"));
    }

    @Test
    void namesTheChunksLastWrittenForItsTransferInItsBoot() throws Exception {
        try (WrittenChunksNote note = new WrittenChunksNote(file(), BOOT)) {
            note.write(TRANSFER, List.of(new ChunkRange(0, 3)));
            note.write(TRANSFER, List.of(new ChunkRange(0, 5), new ChunkRange(9, 9)));
        }
        assertThat(file().getFileName()).hasToString("video.bin.aldis-written");
        assertThat(WrittenChunksNote.read(file(), TRANSFER, BOOT))
                .containsExactly(new ChunkRange(0, 5), new ChunkRange(9, 9));
    }

    @Test
    void aShorterNoteReplacesALongerOneWhole() throws Exception {
        try (WrittenChunksNote note = new WrittenChunksNote(file(), BOOT)) {
            note.write(TRANSFER, List.of(new ChunkRange(0, 1), new ChunkRange(3, 3), new ChunkRange(5, 5)));
            note.write(TRANSFER, List.of(new ChunkRange(0, 5)));
        }
        assertThat(WrittenChunksNote.read(file(), TRANSFER, BOOT)).containsExactly(new ChunkRange(0, 5));
    }

    @Test
    void aNoteOfAnotherBootOrTransferIsIgnored() throws Exception {
        try (WrittenChunksNote note = new WrittenChunksNote(file(), BOOT)) {
            note.write(TRANSFER, List.of(new ChunkRange(0, 7)));
        }
        assertThat(WrittenChunksNote.read(file(), TRANSFER, UUID.randomUUID())).as("another boot").isNull();
        assertThat(WrittenChunksNote.read(file(), UUID.randomUUID(), BOOT)).as("another transfer").isNull();
    }

    @Test
    void aTornOrDamagedNoteIsIgnored() throws Exception {
        try (WrittenChunksNote note = new WrittenChunksNote(file(), BOOT)) {
            note.write(TRANSFER, List.of(new ChunkRange(0, 7)));
        }
        byte[] whole = Files.readAllBytes(file());
        Files.write(file(), Arrays.copyOf(whole, whole.length - 3));
        assertThat(WrittenChunksNote.read(file(), TRANSFER, BOOT)).as("torn").isNull();

        byte[] damaged = whole.clone();
        damaged[damaged.length - 8] ^= 0x01;
        Files.write(file(), damaged);
        assertThat(WrittenChunksNote.read(file(), TRANSFER, BOOT)).as("a bit flipped").isNull();
    }

    @Test
    void aCheckpointIsNotTakenForANoteNorANoteForACheckpoint() throws Exception {
        Path target = dir.resolve("video.bin");
        new DownloadCheckpoint(TRANSFER, "video.bin", 4096, new byte[32], 1024, Compression.NONE,
                List.of(new ChunkRange(0, 1))).writeTo(file());
        assertThat(WrittenChunksNote.read(file(), TRANSFER, BOOT)).isNull();

        try (WrittenChunksNote note = new WrittenChunksNote(DownloadCheckpoint.fileOf(target), BOOT)) {
            note.write(TRANSFER, List.of(new ChunkRange(0, 1)));
        }
        assertThat(DownloadCheckpoint.readFor(target)).isNull();
    }

    @Test
    void deletingForgetsTheNote() throws Exception {
        WrittenChunksNote note = new WrittenChunksNote(file(), BOOT);
        note.write(TRANSFER, List.of(new ChunkRange(0, 0)));
        note.delete();
        assertThat(file()).doesNotExist();
    }
}
