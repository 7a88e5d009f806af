package io.aldis.client.internal.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.CompressionTrials;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read stage of an upload reports every way a read can fail, so that no upload waits for ever. */
class UploadReaderTest {
    @TempDir
    Path dir;

    @Test
    void aReadThatThrowsAnUncheckedExceptionFailsTheUpload() throws Exception {
        Path file = Files.write(dir.resolve("f.bin"), new byte[3000]);
        ChunkLayout layout = new ChunkLayout(3000, 1000);
        List<Object> handed = new ArrayList<>();
        List<IOException> errors = new ArrayList<>();
        // A channel opened for writing only throws NonReadableChannelException, unchecked, on a read.
        try (FileChannel writeOnly = FileChannel.open(file, StandardOpenOption.WRITE)) {
            UploadReader reader = new UploadReader(writeOnly, UUID.randomUUID(), layout,
                    new CompressionTrials(Compression.NONE, layout, 2), new BitSet(), () -> 2, Runnable::run,
                    handed::add, handed::add, errors::add);
            reader.start();
        }

        assertThat(handed).isEmpty();
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e).hasMessage("it failed unexpectedly while being read");
            assertThat(e.getCause()).isInstanceOf(NonReadableChannelException.class);
        });
    }
}
