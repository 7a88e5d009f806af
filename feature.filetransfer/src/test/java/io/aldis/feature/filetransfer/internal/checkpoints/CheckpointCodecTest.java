package io.aldis.feature.filetransfer.internal.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.TransferDirection;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
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
}
