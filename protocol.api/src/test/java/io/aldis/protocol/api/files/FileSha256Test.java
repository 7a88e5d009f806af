package io.aldis.protocol.api.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FileSha256Test {
    private static final int[] SIZES = {0, 1, FileSha256.SLICE - 1, FileSha256.SLICE, FileSha256.SLICE + 1,
        3 * FileSha256.SLICE + 17, (1 << 20) - 34, 1 << 20};

    @Test
    void knownVector() {
        FileSha256 sha = new FileSha256();
        sha.update("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(HexFormat.of().formatHex(sha.digest()))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void slicedArraysHashAsTheWholeFile() throws Exception {
        Random random = new Random(5);
        for (int size : SIZES) {
            byte[] file = new byte[size + 40];
            random.nextBytes(file);
            FileSha256 sliced = new FileSha256();
            sliced.update(file, 7, size);
            sliced.update(file, 7 + size, 33);
            MessageDigest whole = MessageDigest.getInstance("SHA-256");
            whole.update(file, 7, size + 33);
            assertThat(sliced.digest()).as("%d bytes", size).isEqualTo(whole.digest());
        }
    }

    @Test
    void heapAndDirectBuffersHashTheirRemainingBytesAndAreConsumed() throws Exception {
        Random random = new Random(6);
        for (int size : SIZES) {
            byte[] bytes = new byte[size + 10];
            random.nextBytes(bytes);
            ByteBuffer heap = ByteBuffer.wrap(bytes, 3, size).slice();
            ByteBuffer direct = ByteBuffer.allocateDirect(size);
            direct.put(bytes, 3, size).flip();
            MessageDigest whole = MessageDigest.getInstance("SHA-256");
            whole.update(bytes, 3, size);
            byte[] expected = whole.digest();
            for (ByteBuffer buffer : new ByteBuffer[] {heap, direct}) {
                FileSha256 sha = new FileSha256();
                sha.update(buffer);
                assertThat(buffer.hasRemaining()).isFalse();
                assertThat(sha.digest()).as("%d bytes, direct %s", size, buffer.isDirect()).isEqualTo(expected);
            }
        }
    }
}
