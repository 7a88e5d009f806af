package io.aldis.feature.filetransfer.internal.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.feature.filetransfer.internal.checkpoints.SealedRecord;
import io.aldis.feature.filetransfer.internal.names.FileNames;
import io.aldis.protocol.api.files.ChunkLayout;
import java.io.ByteArrayOutputStream;

/**
 * Fuzzes the reading of the records of verified uploads ({@link VerifiedUploads#decode}), which a
 * node reads back from its storage after a restart to answer a client that lost its UPLOAD_VERIFY.
 * Each input is read as it is and once more sealed with its correct CRC-32, so that the fuzzer
 * gets past the checksum. The contract: no record (null), or one the node could have written: it
 * writes back to exactly the bytes it was read from, its chunk count is the one its size and chunk
 * size give (it goes into a RESUME_RESPONSE as it is), its file name is one the node accepts, and
 * it names a user. Nothing else may escape.
 */
class VerifiedUploadsFuzzTest {
    @FuzzTest
    void readsBackAsWrittenOrNotAtAll(byte[] file) {
        readsBackAsWritten(file);
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(file);
        readsBackAsWritten(SealedRecord.seal(record));
    }

    private static void readsBackAsWritten(byte[] file) {
        VerifiedUploads.Verified v = VerifiedUploads.decode(file);
        if (v == null) {
            return;
        }
        assertThat(VerifiedUploads.encode(v)).as("%s written again", v).isEqualTo(file);
        assertThat(ChunkLayout.count(v.published().size(), v.chunkSize())).isEqualTo(v.chunkCount());
        assertThat(FileNames.check(v.published().name())).isEqualTo(v.published().name());
        assertThat(v.user()).isNotEmpty();
    }
}
