package io.aldis.feature.filetransfer.internal.checkpoints;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;

/**
 * A small record kept on storage, sealed with a CRC-32 of everything before it (big-endian, in its
 * last four bytes), so that a damaged one is recognised and never trusted: checkpoints and the
 * records of verified uploads.
 */
public final class SealedRecord {
    private SealedRecord() {
    }

    /** The record's bytes followed by their CRC-32. */
    public static byte[] seal(ByteArrayOutputStream record) {
        CRC32 crc = new CRC32();
        byte[] body = record.toByteArray();
        crc.update(body);
        int value = (int) crc.getValue();
        byte[] sealed = new byte[body.length + 4];
        System.arraycopy(body, 0, sealed, 0, body.length);
        sealed[body.length] = (byte) (value >>> 24);
        sealed[body.length + 1] = (byte) (value >>> 16);
        sealed[body.length + 2] = (byte) (value >>> 8);
        sealed[body.length + 3] = (byte) value;
        return sealed;
    }

    /** Whether {@code sealed} is longer than its seal and matches it; the record is its bytes but the last four. */
    public static boolean intact(byte[] sealed) {
        if (sealed == null || sealed.length < 8) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(sealed, 0, sealed.length - 4);
        int stored = ((sealed[sealed.length - 4] & 0xff) << 24) | ((sealed[sealed.length - 3] & 0xff) << 16)
                | ((sealed[sealed.length - 2] & 0xff) << 8) | (sealed[sealed.length - 1] & 0xff);
        return (int) crc.getValue() == stored;
    }
}
