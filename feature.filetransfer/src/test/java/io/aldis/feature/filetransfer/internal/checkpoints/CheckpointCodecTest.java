package io.aldis.feature.filetransfer.internal.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.TransferDirection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {
    static final Checkpoint UPLOAD = new Checkpoint(TransferDirection.UPLOAD, UUID.randomUUID(), "ann", "docs/é.pdf",
            123_456_789L, 4096, Compression.ADAPTIVE, filled(7), 1_700_000_000_000L,
            List.of(new ChunkRange(0, 9), new ChunkRange(12, 12)));

    static byte[] filled(int value) {
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) value);
        return hash;
    }

    @Test
    void aCheckpointReadsBackAsItWasWritten() throws Exception {
        Checkpoint back = CheckpointCodec.decode(CheckpointCodec.encode(UPLOAD));
        assertThat(back).usingRecursiveComparison().isEqualTo(UPLOAD);
    }

    @Test
    void theFileAnUploadReplacesReadsBack() throws Exception {
        for (Checkpoint.Replaces replaces : List.of(Checkpoint.Replaces.NOTHING, Checkpoint.Replaces.UNKNOWN,
                new Checkpoint.Replaces(0, 1), new Checkpoint.Replaces(Long.MAX_VALUE, 1_700_000_000_123L))) {
            Checkpoint c = new Checkpoint(UPLOAD.direction(), UPLOAD.id(), UPLOAD.user(), UPLOAD.name(),
                    UPLOAD.fileSize(), UPLOAD.chunkSize(), UPLOAD.compression(), UPLOAD.fileHash(),
                    UPLOAD.savedMillis(), UPLOAD.chunks(), replaces);
            assertThat(CheckpointCodec.decode(CheckpointCodec.encode(c)).replaces()).isEqualTo(replaces);
        }
    }

    @Test
    void aCheckpointOfVersion1ReadsAsReplacingWhateverIsThere() throws Exception {
        // Written by the codec before version 2; such checkpoints outlive an upgrade of the node.
        byte[] v1;
        try (java.io.InputStream in = CheckpointCodecTest.class.getResourceAsStream("v1/upload-adaptive")) {
            assertThat(in).as("the version 1 checkpoint next to this test's class").isNotNull();
            v1 = in.readAllBytes();
        }
        Checkpoint c = CheckpointCodec.decode(v1);
        assertThat(c.name()).isEqualTo("docs/é.pdf");
        assertThat(c.chunks()).containsExactly(new ChunkRange(0, 9), new ChunkRange(12, 12));
        assertThat(c.replaces()).isEqualTo(Checkpoint.Replaces.UNKNOWN);
        assertThat(c.replaces().stillHolds(new io.aldis.feature.filetransfer.api.StoredFile("docs/é.pdf", 1, 2)))
                .isTrue();
    }

    @Test
    void anUploadPublishesOnlyOverTheFileItWasAcceptedToReplace() {
        io.aldis.feature.filetransfer.api.StoredFile seen = new io.aldis.feature.filetransfer.api.StoredFile("a", 10, 5);
        assertThat(Checkpoint.Replaces.of(null).stillHolds(null)).isTrue();
        assertThat(Checkpoint.Replaces.of(null).stillHolds(seen)).isFalse();
        assertThat(Checkpoint.Replaces.of(seen).stillHolds(seen)).isTrue();
        assertThat(Checkpoint.Replaces.of(seen).stillHolds(null)).isFalse();
        assertThat(Checkpoint.Replaces.of(seen).stillHolds(new io.aldis.feature.filetransfer.api.StoredFile("a", 10, 6)))
                .isFalse();
    }

    @Test
    void everyFlippedBitAndEveryTruncationIsCaught() {
        byte[] good = CheckpointCodec.encode(UPLOAD);
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThatThrownBy(() -> CheckpointCodec.decode(bad))
                        .isInstanceOf(CheckpointCodec.CorruptedException.class);
            }
            byte[] cut = Arrays.copyOf(good, i);
            assertThatThrownBy(() -> CheckpointCodec.decode(cut)).isInstanceOf(CheckpointCodec.CorruptedException.class);
        }
    }

    /** {@code UPLOAD} written, changed by {@code change} and sealed again with a correct CRC. */
    private static byte[] resealed(Consumer<byte[]> change) {
        byte[] sealed = CheckpointCodec.encode(UPLOAD);
        byte[] body = Arrays.copyOf(sealed, sealed.length - 4);
        change.accept(body);
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(body);
        return SealedRecord.seal(record);
    }

    @Test
    void anUnknownCompressionCodeIsCorruptNotANullCompression() {
        // Found by CheckpointFuzzTest: the checkpoint was trusted with no compression at all, and
        // failed with a NullPointerException when written again or resumed. The compression byte
        // comes before the hash (32), the save time (8), the two chunk ranges (4 + 16), and the
        // file replaced (16) and the owner (16), since version 2.
        byte[] bad = resealed(body -> body[body.length - 16 - 16 - 20 - 8 - 32 - 1] = (byte) 0xd0);
        assertThatThrownBy(() -> CheckpointCodec.decode(bad)).isInstanceOf(CheckpointCodec.CorruptedException.class)
                .hasMessage("the checkpoint names an unknown direction or compression");
    }

    @Test
    void aNameThatIsNotUtf8IsCorruptNotAnotherName() {
        // A lenient decoder turned the bad byte into U+FFFD, so the transfer would have resumed
        // into a file of another name.
        // The name is found by its bytes, not by the é's first byte alone, which the random
        // transfer id before it may hold too.
        byte[] name = UPLOAD.name().getBytes(StandardCharsets.UTF_8);
        byte[] bad = resealed(body -> {
            for (int i = 0; i + name.length <= body.length; i++) {
                if (Arrays.equals(body, i, i + name.length, name, 0, name.length)) {
                    body[i + "docs/".length()] = (byte) 0xff; // the first byte of the é
                    return;
                }
            }
            throw new AssertionError("the name is not in the checkpoint");
        });
        assertThatThrownBy(() -> CheckpointCodec.decode(bad)).isInstanceOf(CheckpointCodec.CorruptedException.class)
                .hasMessage("the checkpoint's text is not UTF-8");
    }
}
