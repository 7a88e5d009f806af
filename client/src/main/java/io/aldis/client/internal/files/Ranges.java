package io.aldis.client.internal.files;

import io.aldis.protocol.api.ChunkRange;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Chunk ranges in checkpoints, laid out as in RESUME_REQUEST: a count, then first/last pairs. */
final class Ranges {
    private Ranges() {
    }

    static void write(DataOutputStream out, List<ChunkRange> ranges) throws IOException {
        out.writeInt(ranges.size());
        for (ChunkRange range : ranges) {
            out.writeInt(range.first());
            out.writeInt(range.last());
        }
    }

    static List<ChunkRange> read(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available() / 8) {
            throw new IOException("impossible range count " + count);
        }
        List<ChunkRange> ranges = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ranges.add(new ChunkRange(in.readInt(), in.readInt()));
        }
        return ranges;
    }
}
