package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.WireFields.known;
import static io.aldis.protocol.api.codec.WireFields.readCompression;
import static io.aldis.protocol.api.codec.WireFields.readJson;
import static io.aldis.protocol.api.codec.WireFields.readRanges;
import static io.aldis.protocol.api.codec.WireFields.readRest;
import static io.aldis.protocol.api.codec.WireFields.readSha256;
import static io.aldis.protocol.api.codec.WireFields.readSize64;
import static io.aldis.protocol.api.codec.WireFields.readStr;
import static io.aldis.protocol.api.codec.WireFields.readU31;
import static io.aldis.protocol.api.codec.WireFields.readUuid;
import static io.aldis.protocol.api.codec.WireFields.requireAtLeast;
import static io.aldis.protocol.api.codec.WireFields.writeCompression;
import static io.aldis.protocol.api.codec.WireFields.writeJson;
import static io.aldis.protocol.api.codec.WireFields.writeRanges;
import static io.aldis.protocol.api.codec.WireFields.writeRest;
import static io.aldis.protocol.api.codec.WireFields.writeSha256;
import static io.aldis.protocol.api.codec.WireFields.writeSize64;
import static io.aldis.protocol.api.codec.WireFields.writeStr;
import static io.aldis.protocol.api.codec.WireFields.writeU16;
import static io.aldis.protocol.api.codec.WireFields.writeU31;
import static io.aldis.protocol.api.codec.WireFields.writeUuid;

import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.DownloadReject;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.FileRemove;
import io.aldis.protocol.api.FileEntry;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.ListRequest;
import io.aldis.protocol.api.ListResponse;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadReject;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.UploadVerify;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Layouts of the file-transfer frames (section 5.7). */
final class TransferLayouts {
    // A list entry with an empty name: u16 name length, u64 size, i64 modification time.
    private static final int MIN_FILE_ENTRY_BYTES = 18;

    static final FrameLayout<UploadRequest> UPLOAD_REQUEST = new FrameLayout<>(FrameType.UPLOAD_REQUEST) {
        @Override
        void write(UploadRequest f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeStr(out, f.fileName());
            writeSize64(out, f.fileSize(), "fileSize");
            writeSha256(out, f.fileHash());
            writeU31(out, f.chunkCount(), "chunkCount");
            writeU31(out, f.chunkSize(), "chunkSize");
            writeCompression(out, f.compression());
            writeJson(out, f.metadata());
        }

        @Override
        UploadRequest read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new UploadRequest(in.readLong(), readStr(in), readSize64(in, "fileSize"), readSha256(in),
                    readU31(in, "chunkCount"), readU31(in, "chunkSize"), readCompression(in), readJson(in));
        }
    };

    static final FrameLayout<UploadAccept> UPLOAD_ACCEPT = new FrameLayout<>(FrameType.UPLOAD_ACCEPT) {
        @Override
        void write(UploadAccept f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeUuid(out, f.transferId());
            writeU31(out, f.chunkSize(), "chunkSize");
            writeU16(out, f.window(), "window");
        }

        @Override
        UploadAccept read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new UploadAccept(in.readLong(), readUuid(in), readU31(in, "chunkSize"), in.readUnsignedShort());
        }
    };

    /** UPLOAD_REJECT and DOWNLOAD_REJECT share one body: request id, code, reason, details. */
    static final FrameLayout<UploadReject> UPLOAD_REJECT = new FrameLayout<>(FrameType.UPLOAD_REJECT) {
        @Override
        void write(UploadReject f, ByteBuf out, RepeatedStrings strings) {
            writeReject(out, f.requestId(), f.code(), f.reason(), f.details());
        }

        @Override
        UploadReject read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new UploadReject(in.readLong(), in.readInt(), readStr(in), readJson(in));
        }
    };

    static final FrameLayout<DownloadReject> DOWNLOAD_REJECT = new FrameLayout<>(FrameType.DOWNLOAD_REJECT) {
        @Override
        void write(DownloadReject f, ByteBuf out, RepeatedStrings strings) {
            writeReject(out, f.requestId(), f.code(), f.reason(), f.details());
        }

        @Override
        DownloadReject read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new DownloadReject(in.readLong(), in.readInt(), readStr(in), readJson(in));
        }
    };

    static final FrameLayout<DownloadRequest> DOWNLOAD_REQUEST = new FrameLayout<>(FrameType.DOWNLOAD_REQUEST) {
        @Override
        void write(DownloadRequest f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeStr(out, f.fileName());
            writeU31(out, f.chunkSize(), "chunkSize");
            writeCompression(out, f.compression());
        }

        @Override
        DownloadRequest read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new DownloadRequest(in.readLong(), readStr(in), readU31(in, "chunkSize"), readCompression(in));
        }
    };

    static final FrameLayout<DownloadAccept> DOWNLOAD_ACCEPT = new FrameLayout<>(FrameType.DOWNLOAD_ACCEPT) {
        @Override
        void write(DownloadAccept f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeUuid(out, f.transferId());
            writeSize64(out, f.fileSize(), "fileSize");
            writeSha256(out, f.fileHash());
            writeU31(out, f.chunkCount(), "chunkCount");
            writeU31(out, f.chunkSize(), "chunkSize");
            writeCompression(out, f.compression());
            writeU16(out, f.window(), "window");
        }

        @Override
        DownloadAccept read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new DownloadAccept(in.readLong(), readUuid(in), readSize64(in, "fileSize"), readSha256(in),
                    readU31(in, "chunkCount"), readU31(in, "chunkSize"), readCompression(in), in.readUnsignedShort());
        }
    };

    static final FrameLayout<ChunkData> CHUNK_DATA = new FrameLayout<>(FrameType.CHUNK_DATA) {
        @Override
        int flags(ChunkData f) {
            return (f.compressed() ? ChunkData.FLAG_COMPRESSED : 0) | (f.last() ? ChunkData.FLAG_LAST : 0);
        }

        @Override
        void write(ChunkData f, ByteBuf out, RepeatedStrings strings) {
            writeUuid(out, f.transferId());
            writeU31(out, f.chunkIndex(), "chunkIndex");
            writeU31(out, f.originalSize(), "originalSize");
            out.writeInt(f.crc32());
            writeRest(out, f.data());
        }

        @Override
        ChunkData read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new ChunkData((flags & ChunkData.FLAG_COMPRESSED) != 0, (flags & ChunkData.FLAG_LAST) != 0,
                    readUuid(in), readU31(in, "chunkIndex"), readU31(in, "originalSize"), in.readInt(),
                    readRest(in));
        }
    };

    static final FrameLayout<ChunkAck> CHUNK_ACK = new FrameLayout<>(FrameType.CHUNK_ACK) {
        @Override
        void write(ChunkAck f, ByteBuf out, RepeatedStrings strings) {
            writeUuid(out, f.transferId());
            writeU31(out, f.chunkIndex(), "chunkIndex");
        }

        @Override
        ChunkAck read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new ChunkAck(readUuid(in), readU31(in, "chunkIndex"));
        }
    };

    static final FrameLayout<ChunkNack> CHUNK_NACK = new FrameLayout<>(FrameType.CHUNK_NACK) {
        @Override
        void write(ChunkNack f, ByteBuf out, RepeatedStrings strings) {
            writeUuid(out, f.transferId());
            writeU31(out, f.chunkIndex(), "chunkIndex");
            out.writeInt(f.code());
        }

        @Override
        ChunkNack read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new ChunkNack(readUuid(in), readU31(in, "chunkIndex"), in.readInt());
        }
    };

    static final FrameLayout<UploadComplete> UPLOAD_COMPLETE = new FrameLayout<>(FrameType.UPLOAD_COMPLETE) {
        @Override
        void write(UploadComplete f, ByteBuf out, RepeatedStrings strings) {
            writeUuid(out, f.transferId());
            writeSha256(out, f.fileHash());
        }

        @Override
        UploadComplete read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new UploadComplete(readUuid(in), readSha256(in));
        }
    };

    static final FrameLayout<DownloadComplete> DOWNLOAD_COMPLETE =
            new FrameLayout<>(FrameType.DOWNLOAD_COMPLETE) {
                @Override
                void write(DownloadComplete f, ByteBuf out, RepeatedStrings strings) {
                    writeUuid(out, f.transferId());
                }

                @Override
                DownloadComplete read(int flags, ByteBuf in, RepeatedStrings strings) {
                    return new DownloadComplete(readUuid(in));
                }
            };

    static final FrameLayout<UploadVerify> UPLOAD_VERIFY = new FrameLayout<>(FrameType.UPLOAD_VERIFY) {
        @Override
        int flags(UploadVerify f) {
            return f.verified() ? UploadVerify.FLAG_VERIFIED : 0;
        }

        @Override
        void write(UploadVerify f, ByteBuf out, RepeatedStrings strings) {
            writeUuid(out, f.transferId());
            writeSha256(out, f.computedHash());
            writeStr(out, f.storedName());
        }

        @Override
        UploadVerify read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new UploadVerify((flags & UploadVerify.FLAG_VERIFIED) != 0, readUuid(in), readSha256(in),
                    readStr(in));
        }
    };

    static final FrameLayout<DownloadVerify> DOWNLOAD_VERIFY = new FrameLayout<>(FrameType.DOWNLOAD_VERIFY) {
        @Override
        int flags(DownloadVerify f) {
            return f.verified() ? DownloadVerify.FLAG_VERIFIED : 0;
        }

        @Override
        void write(DownloadVerify f, ByteBuf out, RepeatedStrings strings) {
            writeUuid(out, f.transferId());
        }

        @Override
        DownloadVerify read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new DownloadVerify((flags & DownloadVerify.FLAG_VERIFIED) != 0, readUuid(in));
        }
    };

    static final FrameLayout<ListRequest> LIST_REQUEST = new FrameLayout<>(FrameType.LIST_REQUEST) {
        @Override
        void write(ListRequest f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeStr(out, f.pattern());
            writeU31(out, f.offset(), "offset");
            writeU31(out, f.limit(), "limit");
        }

        @Override
        ListRequest read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new ListRequest(in.readLong(), readStr(in), readU31(in, "offset"), readU31(in, "limit"));
        }
    };

    static final FrameLayout<ListResponse> LIST_RESPONSE = new FrameLayout<>(FrameType.LIST_RESPONSE) {
        @Override
        void write(ListResponse f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeU31(out, f.totalCount(), "totalCount");
            List<FileEntry> entries = f.entries();
            out.writeInt(entries.size());
            for (FileEntry entry : entries) {
                writeStr(out, entry.name());
                writeSize64(out, entry.size(), "size");
                out.writeLong(entry.modifiedMillis());
            }
        }

        @Override
        ListResponse read(int flags, ByteBuf in, RepeatedStrings strings) {
            long requestId = in.readLong();
            int totalCount = readU31(in, "totalCount");
            long count = in.readUnsignedInt();
            requireAtLeast(in, count * MIN_FILE_ENTRY_BYTES, "list entries");
            List<FileEntry> entries = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                entries.add(new FileEntry(readStr(in), readSize64(in, "size"), in.readLong()));
            }
            return new ListResponse(requestId, totalCount, entries);
        }
    };

    static final FrameLayout<ResumeRequest> RESUME_REQUEST = new FrameLayout<>(FrameType.RESUME_REQUEST) {
        @Override
        void write(ResumeRequest f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeUuid(out, f.transferId());
            out.writeByte(f.direction().code());
            writeSha256(out, f.fileHash());
            writeRanges(out, f.chunksHeld());
        }

        @Override
        ResumeRequest read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new ResumeRequest(in.readLong(), readUuid(in),
                    known(TransferDirection.of(in.readUnsignedByte()), "transfer direction"), readSha256(in),
                    readRanges(in));
        }
    };

    static final FrameLayout<ResumeResponse> RESUME_RESPONSE = new FrameLayout<>(FrameType.RESUME_RESPONSE) {
        @Override
        void write(ResumeResponse f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeUuid(out, f.transferId());
            out.writeByte(f.status().code());
            writeU31(out, f.totalChunks(), "totalChunks");
            writeU31(out, f.chunkSize(), "chunkSize");
            writeU16(out, f.window(), "window");
            writeRanges(out, f.chunksReceived());
            writeRanges(out, f.chunksMissing());
        }

        @Override
        ResumeResponse read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new ResumeResponse(in.readLong(), readUuid(in),
                    known(ResumeStatus.of(in.readUnsignedByte()), "resume status"), readU31(in, "totalChunks"),
                    readU31(in, "chunkSize"), in.readUnsignedShort(), readRanges(in), readRanges(in));
        }
    };

    static final FrameLayout<TransferAbort> TRANSFER_ABORT = new FrameLayout<>(FrameType.TRANSFER_ABORT) {
        @Override
        int flags(TransferAbort f) {
            return f.resumable() ? TransferAbort.FLAG_RESUMABLE : 0;
        }

        @Override
        void write(TransferAbort f, ByteBuf out, RepeatedStrings strings) {
            writeUuid(out, f.transferId());
            out.writeInt(f.code());
            writeStr(out, f.reason());
            writeJson(out, f.details());
        }

        @Override
        TransferAbort read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new TransferAbort((flags & TransferAbort.FLAG_RESUMABLE) != 0, readUuid(in), in.readInt(),
                    readStr(in), readJson(in));
        }
    };

    static final FrameLayout<FileRemove> FILE_REMOVE = new FrameLayout<>(FrameType.FILE_REMOVE) {
        @Override
        void write(FileRemove f, ByteBuf out, RepeatedStrings strings) {
            out.writeLong(f.requestId());
            writeStr(out, f.fileName());
        }

        @Override
        FileRemove read(int flags, ByteBuf in, RepeatedStrings strings) {
            return new FileRemove(in.readLong(), readStr(in));
        }
    };

    static final List<FrameLayout<?>> ALL = List.of(UPLOAD_REQUEST, UPLOAD_ACCEPT, UPLOAD_REJECT, DOWNLOAD_REQUEST,
            DOWNLOAD_ACCEPT, DOWNLOAD_REJECT, CHUNK_DATA, CHUNK_ACK, CHUNK_NACK, UPLOAD_COMPLETE, UPLOAD_VERIFY,
            DOWNLOAD_COMPLETE, DOWNLOAD_VERIFY, LIST_REQUEST, LIST_RESPONSE, RESUME_REQUEST, RESUME_RESPONSE,
            TRANSFER_ABORT, FILE_REMOVE);

    private TransferLayouts() {
    }

    private static void writeReject(ByteBuf out, long requestId, int code, String reason, String details) {
        out.writeLong(requestId);
        out.writeInt(code);
        writeStr(out, reason);
        writeJson(out, details);
    }
}
