package io.aldis.protocol.codec;

import io.aldis.protocol.Ack;
import io.aldis.protocol.AuthChallenge;
import io.aldis.protocol.AuthOk;
import io.aldis.protocol.AuthResponse;
import io.aldis.protocol.AuthStart;
import io.aldis.protocol.ChunkAck;
import io.aldis.protocol.ChunkData;
import io.aldis.protocol.ChunkNack;
import io.aldis.protocol.ChunkRange;
import io.aldis.protocol.Close;
import io.aldis.protocol.CapabilityChange;
import io.aldis.protocol.CloseAck;
import io.aldis.protocol.Compression;
import io.aldis.protocol.Connect;
import io.aldis.protocol.ConnectAck;
import io.aldis.protocol.CreditMode;
import io.aldis.protocol.Deliver;
import io.aldis.protocol.DownloadAccept;
import io.aldis.protocol.DownloadComplete;
import io.aldis.protocol.DownloadReject;
import io.aldis.protocol.DownloadRequest;
import io.aldis.protocol.DownloadVerify;
import io.aldis.protocol.ErrorCode;
import io.aldis.protocol.ErrorFrame;
import io.aldis.protocol.FileEntry;
import io.aldis.protocol.Frame;
import io.aldis.protocol.FrameType;
import io.aldis.protocol.ListRequest;
import io.aldis.protocol.ListResponse;
import io.aldis.protocol.Message;
import io.aldis.protocol.Pause;
import io.aldis.protocol.Ping;
import io.aldis.protocol.Pong;
import io.aldis.protocol.ProtocolException;
import io.aldis.protocol.Publish;
import io.aldis.protocol.Resume;
import io.aldis.protocol.ResumeRequest;
import io.aldis.protocol.ResumeResponse;
import io.aldis.protocol.ResumeStatus;
import io.aldis.protocol.RpcCancel;
import io.aldis.protocol.RpcError;
import io.aldis.protocol.RpcRequest;
import io.aldis.protocol.RpcResponse;
import io.aldis.protocol.ServiceProvide;
import io.aldis.protocol.ServiceWithdraw;
import io.aldis.protocol.StreamCancel;
import io.aldis.protocol.StreamCredit;
import io.aldis.protocol.StreamData;
import io.aldis.protocol.StreamDirection;
import io.aldis.protocol.StreamEnd;
import io.aldis.protocol.StreamError;
import io.aldis.protocol.StreamOpen;
import io.aldis.protocol.Subscribe;
import io.aldis.protocol.TransferDirection;
import io.aldis.protocol.Unsubscribe;
import io.aldis.protocol.UploadAccept;
import io.aldis.protocol.UploadComplete;
import io.aldis.protocol.UploadReject;
import io.aldis.protocol.UploadRequest;
import io.aldis.protocol.UploadVerify;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Encodes protocol v1 frames to bytes and decodes them back, following the byte layouts of
 * {@code docs/protocol.md}. A frame on the wire is a type byte, a flags byte and the type's body;
 * the transport adds its own framing (a length prefix on TCP, one message per frame on WebSocket).
 *
 * <p>Decoding fails closed: any defect throws {@link ProtocolException} with
 * {@link ErrorCode#UNKNOWN_FRAME_TYPE} or {@link ErrorCode#MALFORMED_FRAME} and nothing else,
 * and no length field makes it allocate more than the bytes actually present. Decoded frames own
 * their payloads as {@code byte[]} and keep no reference to the input buffer.
 *
 * <p>Fields written as {@code u32} that hold a count, size, index, offset or duration are Java
 * {@code int}s and must lie in 0..2<sup>31</sup>-1; {@code u64} sizes must be non-negative. A
 * decoded value outside those ranges is malformed, and encoding one throws
 * {@link IllegalArgumentException}.
 */
public final class FrameCodec {
    private static final int SHA256_LENGTH = 32;

    private FrameCodec() {
    }

    /**
     * Writes a frame's type, flags and body to {@code out}. Nothing is written when it throws.
     *
     * @throws IllegalArgumentException if a field does not fit its wire form (a string over 65535
     *         UTF-8 bytes, a negative size, an out-of-range small integer, ...)
     */
    public static void encode(Frame frame, ByteBuf out) {
        encode(frame, out, null);
    }

    /**
     * Like {@link #encode(Frame, ByteBuf)}, taking the UTF-8 form of the strings a connection
     * repeats (subjects, reply subjects, message types, method names, header names) from
     * {@code strings}.
     *
     * @param strings the connection's table of repeated strings, or {@code null} for none
     */
    public static void encode(Frame frame, ByteBuf out, RepeatedStrings strings) {
        int start = out.writerIndex();
        try {
            encodeFrame(frame, out, strings);
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    /**
     * Reads every readable byte of {@code frame} as exactly one frame. The buffer's reader index
     * advances; the buffer is not released.
     *
     * @throws ProtocolException with {@link ErrorCode#UNKNOWN_FRAME_TYPE} when the type byte names
     *         no v1 frame, or {@link ErrorCode#MALFORMED_FRAME} for any other defect
     */
    public static Frame decode(ByteBuf frame) {
        return decode(frame, null);
    }

    /**
     * Like {@link #decode(ByteBuf)}, reusing the strings a connection repeats (subjects, reply
     * subjects, message types, method names, header names) from {@code strings}.
     *
     * @param strings the connection's table of repeated strings, or {@code null} for none
     */
    public static Frame decode(ByteBuf frame, RepeatedStrings strings) {
        int size = frame.readableBytes();
        if (size < 2) {
            throw malformed("a frame of " + size + " bytes is shorter than its header");
        }
        int start = frame.readerIndex();
        int code = frame.readUnsignedByte();
        FrameType type = FrameType.of(code);
        if (type == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_FRAME_TYPE,
                    "unknown frame type 0x" + Integer.toHexString(code));
        }
        int flags = frame.readUnsignedByte();
        Frame decoded;
        try {
            decoded = decodeBody(type, flags, frame, strings);
        } catch (ProtocolException e) {
            throw e;
        } catch (IndexOutOfBoundsException e) {
            // A read that failed its bounds check left the reader index where that field begins,
            // which names the field by its offset in section 5's tables.
            throw malformed(type + " is truncated: the field at offset " + (frame.readerIndex() - start)
                    + " does not fit in the " + size + "-byte frame");
        } catch (RuntimeException e) {
            // Record validation: the frame's own checks, whose messages name the field.
            throw malformed(type + ": " + e.getMessage());
        }
        if (frame.isReadable()) {
            throw malformed(type + ": " + frame.readableBytes() + " bytes after the end of the body");
        }
        return decoded;
    }

    private static void encodeFrame(Frame frame, ByteBuf out, RepeatedStrings strings) {
        FrameType type = frame.type();
        out.writeByte(type.code());
        switch (type) {
            case CONNECT -> {
                Connect f = (Connect) frame;
                out.writeByte(0);
                writeU16(out, f.version(), "version");
                out.writeLong(f.capabilities());
                writeUuid(out, f.clientId());
                writeStr(out, f.resumeToken());
                writeStr(out, f.clientName());
            }
            case CONNECT_ACK -> {
                ConnectAck f = (ConnectAck) frame;
                out.writeByte(f.flags() & ConnectAck.FLAG_AUTHENTICATED);
                writeU16(out, f.version(), "version");
                out.writeLong(f.capabilities());
                writeUuid(out, f.sessionId());
                writeU31(out, f.maxFrameSize(), "maxFrameSize");
                writeU31(out, f.heartbeatMillis(), "heartbeatMillis");
                writeSize64(out, f.maxFileSize(), "maxFileSize");
                writeU31(out, f.maxChunkSize(), "maxChunkSize");
                List<String> mechanisms = f.mechanisms();
                writeU8(out, mechanisms.size(), "mechanism count");
                for (String mechanism : mechanisms) {
                    writeStr(out, mechanism);
                }
                writeStr(out, f.nodeName());
            }
            case AUTH_START -> {
                AuthStart f = (AuthStart) frame;
                out.writeByte(0);
                writeStr(out, f.mechanism());
                out.writeBytes(f.data());
            }
            case AUTH_CHALLENGE -> {
                out.writeByte(0);
                out.writeBytes(((AuthChallenge) frame).data());
            }
            case AUTH_RESPONSE -> {
                out.writeByte(0);
                out.writeBytes(((AuthResponse) frame).data());
            }
            case AUTH_OK -> {
                AuthOk f = (AuthOk) frame;
                out.writeByte(0);
                writeStr(out, f.user());
                writeStr(out, f.resumeToken());
                writeSize64(out, f.tokenExpiresAt(), "tokenExpiresAt");
                out.writeBytes(f.data());
            }
            case PING -> {
                out.writeByte(0);
                out.writeLong(((Ping) frame).nonce());
            }
            case PONG -> {
                out.writeByte(0);
                out.writeLong(((Pong) frame).nonce());
            }
            case PAUSE, RESUME, CLOSE_ACK -> out.writeByte(0);
            case CAPABILITY_CHANGE -> {
                out.writeByte(0);
                out.writeLong(((CapabilityChange) frame).capabilities());
            }
            case CLOSE -> {
                Close f = (Close) frame;
                out.writeByte(0);
                out.writeInt(f.code());
                writeStr(out, f.message());
            }
            case ACK -> {
                Ack f = (Ack) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeJson(out, f.json());
            }
            case ERROR -> {
                ErrorFrame f = (ErrorFrame) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                out.writeInt(f.code());
                writeStr(out, f.message());
                writeJson(out, f.details());
            }
            case MESSAGE -> {
                Message f = (Message) frame;
                out.writeByte(f.reply() ? Message.FLAG_REPLY : 0);
                out.writeLong(f.correlationId());
                writeStr(out, f.messageType(), strings);
                out.writeBytes(f.payload());
            }
            case SUBSCRIBE -> {
                Subscribe f = (Subscribe) frame;
                out.writeByte(0);
                out.writeLong(f.subscriptionId());
                writeStr(out, f.subject());
                writeStr(out, f.queueGroup());
                writeJson(out, f.options());
            }
            case UNSUBSCRIBE -> {
                out.writeByte(0);
                out.writeLong(((Unsubscribe) frame).subscriptionId());
            }
            case PUBLISH -> {
                Publish f = (Publish) frame;
                out.writeByte(f.headers().isEmpty() ? 0 : Publish.FLAG_HEADERS);
                writeStr(out, f.subject(), strings);
                writeStr(out, f.replyTo(), strings);
                writeHeaders(out, f.headers(), strings);
                out.writeBytes(f.payload());
            }
            case DELIVER -> {
                Deliver f = (Deliver) frame;
                out.writeByte(f.headers().isEmpty() ? 0 : Deliver.FLAG_HEADERS);
                out.writeLong(f.subscriptionId());
                writeStr(out, f.subject(), strings);
                writeStr(out, f.replyTo(), strings);
                writeHeaders(out, f.headers(), strings);
                out.writeBytes(f.payload());
            }
            case RPC_REQUEST -> {
                RpcRequest f = (RpcRequest) frame;
                out.writeByte(0);
                out.writeLong(f.callId());
                writeU31(out, f.timeoutMillis(), "timeoutMillis");
                writeStr(out, f.method(), strings);
                out.writeBytes(f.params());
            }
            case RPC_RESPONSE -> {
                RpcResponse f = (RpcResponse) frame;
                out.writeByte(0);
                out.writeLong(f.callId());
                out.writeBytes(f.result());
            }
            case RPC_ERROR -> {
                RpcError f = (RpcError) frame;
                out.writeByte(0);
                out.writeLong(f.callId());
                out.writeInt(f.code());
                writeStr(out, f.message());
                writeJson(out, f.details());
            }
            case RPC_CANCEL -> {
                out.writeByte(0);
                out.writeLong(((RpcCancel) frame).callId());
            }
            case SERVICE_PROVIDE -> {
                ServiceProvide f = (ServiceProvide) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeStr(out, f.service());
                writeJson(out, f.descriptor());
            }
            case SERVICE_WITHDRAW -> {
                ServiceWithdraw f = (ServiceWithdraw) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeStr(out, f.service());
            }
            case STREAM_OPEN -> {
                StreamOpen f = (StreamOpen) frame;
                out.writeByte(0);
                out.writeLong(f.streamId());
                out.writeLong(f.callId());
                out.writeByte(f.direction().code());
                out.writeByte(f.creditMode().code());
                writeU31(out, f.initialCredit(), "initialCredit");
                writeJson(out, f.metadata());
            }
            case STREAM_DATA -> {
                StreamData f = (StreamData) frame;
                out.writeByte(f.last() ? StreamData.FLAG_LAST : 0);
                out.writeLong(f.streamId());
                out.writeBytes(f.item());
            }
            case STREAM_CREDIT -> {
                StreamCredit f = (StreamCredit) frame;
                out.writeByte(0);
                out.writeLong(f.streamId());
                writeU31(out, f.credit(), "credit");
            }
            case STREAM_END -> {
                out.writeByte(0);
                out.writeLong(((StreamEnd) frame).streamId());
            }
            case STREAM_CANCEL -> {
                out.writeByte(0);
                out.writeLong(((StreamCancel) frame).streamId());
            }
            case STREAM_ERROR -> {
                StreamError f = (StreamError) frame;
                out.writeByte(0);
                out.writeLong(f.streamId());
                out.writeInt(f.code());
                writeStr(out, f.message());
            }
            case UPLOAD_REQUEST -> {
                UploadRequest f = (UploadRequest) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeStr(out, f.fileName());
                writeSize64(out, f.fileSize(), "fileSize");
                out.writeBytes(f.fileHash());
                writeU31(out, f.chunkCount(), "chunkCount");
                writeU31(out, f.chunkSize(), "chunkSize");
                out.writeByte(f.compression().code());
                writeJson(out, f.metadata());
            }
            case UPLOAD_ACCEPT -> {
                UploadAccept f = (UploadAccept) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeUuid(out, f.transferId());
                writeU31(out, f.chunkSize(), "chunkSize");
                writeU16(out, f.window(), "window");
            }
            case UPLOAD_REJECT -> {
                UploadReject f = (UploadReject) frame;
                writeReject(out, f.requestId(), f.code(), f.reason(), f.details());
            }
            case DOWNLOAD_REJECT -> {
                DownloadReject f = (DownloadReject) frame;
                writeReject(out, f.requestId(), f.code(), f.reason(), f.details());
            }
            case DOWNLOAD_REQUEST -> {
                DownloadRequest f = (DownloadRequest) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeStr(out, f.fileName());
                writeU31(out, f.chunkSize(), "chunkSize");
                out.writeByte(f.compression().code());
            }
            case DOWNLOAD_ACCEPT -> {
                DownloadAccept f = (DownloadAccept) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeUuid(out, f.transferId());
                writeSize64(out, f.fileSize(), "fileSize");
                out.writeBytes(f.fileHash());
                writeU31(out, f.chunkCount(), "chunkCount");
                writeU31(out, f.chunkSize(), "chunkSize");
                out.writeByte(f.compression().code());
            }
            case CHUNK_DATA -> {
                ChunkData f = (ChunkData) frame;
                out.writeByte((f.compressed() ? ChunkData.FLAG_COMPRESSED : 0)
                        | (f.last() ? ChunkData.FLAG_LAST : 0));
                writeUuid(out, f.transferId());
                writeU31(out, f.chunkIndex(), "chunkIndex");
                writeU31(out, f.originalSize(), "originalSize");
                out.writeInt(f.crc32());
                out.writeBytes(f.data());
            }
            case CHUNK_ACK -> {
                ChunkAck f = (ChunkAck) frame;
                out.writeByte(0);
                writeUuid(out, f.transferId());
                writeU31(out, f.chunkIndex(), "chunkIndex");
            }
            case CHUNK_NACK -> {
                ChunkNack f = (ChunkNack) frame;
                out.writeByte(0);
                writeUuid(out, f.transferId());
                writeU31(out, f.chunkIndex(), "chunkIndex");
                out.writeInt(f.code());
            }
            case UPLOAD_COMPLETE -> {
                out.writeByte(0);
                writeUuid(out, ((UploadComplete) frame).transferId());
            }
            case DOWNLOAD_COMPLETE -> {
                out.writeByte(0);
                writeUuid(out, ((DownloadComplete) frame).transferId());
            }
            case UPLOAD_VERIFY -> {
                UploadVerify f = (UploadVerify) frame;
                out.writeByte(f.verified() ? UploadVerify.FLAG_VERIFIED : 0);
                writeUuid(out, f.transferId());
                out.writeBytes(f.computedHash());
                writeStr(out, f.storedName());
            }
            case DOWNLOAD_VERIFY -> {
                DownloadVerify f = (DownloadVerify) frame;
                out.writeByte(f.verified() ? DownloadVerify.FLAG_VERIFIED : 0);
                writeUuid(out, f.transferId());
            }
            case LIST_REQUEST -> {
                ListRequest f = (ListRequest) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeStr(out, f.pattern());
                writeU31(out, f.offset(), "offset");
                writeU31(out, f.limit(), "limit");
            }
            case LIST_RESPONSE -> {
                ListResponse f = (ListResponse) frame;
                out.writeByte(0);
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
            case RESUME_REQUEST -> {
                ResumeRequest f = (ResumeRequest) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeUuid(out, f.transferId());
                out.writeByte(f.direction().code());
                out.writeBytes(f.fileHash());
                writeRanges(out, f.chunksHeld());
            }
            case RESUME_RESPONSE -> {
                ResumeResponse f = (ResumeResponse) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeUuid(out, f.transferId());
                out.writeByte(f.status().code());
                writeU31(out, f.totalChunks(), "totalChunks");
                writeRanges(out, f.chunksReceived());
                writeRanges(out, f.chunksMissing());
            }
        }
    }

    private static Frame decodeBody(FrameType type, int flags, ByteBuf in, RepeatedStrings strings) {
        return switch (type) {
            case CONNECT -> new Connect(in.readUnsignedShort(), in.readLong(), readUuid(in), readStr(in), readStr(in));
            case CONNECT_ACK -> {
                int ackFlags = flags & ConnectAck.FLAG_AUTHENTICATED;
                int version = in.readUnsignedShort();
                long capabilities = in.readLong();
                UUID sessionId = readUuid(in);
                int maxFrameSize = readU31(in, "maxFrameSize");
                int heartbeatMillis = readU31(in, "heartbeatMillis");
                long maxFileSize = readSize64(in, "maxFileSize");
                int maxChunkSize = readU31(in, "maxChunkSize");
                int count = in.readUnsignedByte();
                requireAtLeast(in, count * 2L, "mechanisms");
                List<String> mechanisms = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    mechanisms.add(readStr(in));
                }
                yield new ConnectAck(ackFlags, version, capabilities, sessionId, maxFrameSize, heartbeatMillis,
                        maxFileSize, maxChunkSize, mechanisms, readStr(in));
            }
            case AUTH_START -> new AuthStart(readStr(in), readRest(in));
            case AUTH_CHALLENGE -> new AuthChallenge(readRest(in));
            case AUTH_RESPONSE -> new AuthResponse(readRest(in));
            case AUTH_OK -> new AuthOk(readStr(in), readStr(in), readSize64(in, "tokenExpiresAt"), readRest(in));
            case PING -> new Ping(in.readLong());
            case PONG -> new Pong(in.readLong());
            case PAUSE -> Pause.INSTANCE;
            case RESUME -> Resume.INSTANCE;
            case CLOSE_ACK -> CloseAck.INSTANCE;
            case CAPABILITY_CHANGE -> new CapabilityChange(in.readLong());
            case CLOSE -> new Close(in.readInt(), readStr(in));
            case ACK -> new Ack(in.readLong(), readJson(in));
            case ERROR -> new ErrorFrame(in.readLong(), in.readInt(), readStr(in), readJson(in));
            case MESSAGE -> new Message((flags & Message.FLAG_REPLY) != 0, in.readLong(), readStr(in, strings), readRest(in));
            case SUBSCRIBE -> new Subscribe(in.readLong(), readStr(in), readStr(in), readJson(in));
            case UNSUBSCRIBE -> new Unsubscribe(in.readLong());
            case PUBLISH -> new Publish(readStr(in, strings), readStr(in, strings),
                    readHeaders(in, flags & Publish.FLAG_HEADERS, strings),
                    readRest(in));
            case DELIVER -> new Deliver(in.readLong(), readStr(in, strings), readStr(in, strings),
                    readHeaders(in, flags & Deliver.FLAG_HEADERS, strings), readRest(in));
            case RPC_REQUEST -> new RpcRequest(in.readLong(), readU31(in, "timeoutMillis"), readStr(in, strings),
                    readRest(in));
            case RPC_RESPONSE -> new RpcResponse(in.readLong(), readRest(in));
            case RPC_ERROR -> new RpcError(in.readLong(), in.readInt(), readStr(in), readJson(in));
            case RPC_CANCEL -> new RpcCancel(in.readLong());
            case SERVICE_PROVIDE -> new ServiceProvide(in.readLong(), readStr(in), readJson(in));
            case SERVICE_WITHDRAW -> new ServiceWithdraw(in.readLong(), readStr(in));
            case STREAM_OPEN -> new StreamOpen(in.readLong(), in.readLong(),
                    known(StreamDirection.of(in.readUnsignedByte()), "stream direction"),
                    known(CreditMode.of(in.readUnsignedByte()), "credit mode"), readU31(in, "initialCredit"),
                    readJson(in));
            case STREAM_DATA -> new StreamData((flags & StreamData.FLAG_LAST) != 0, in.readLong(), readRest(in));
            case STREAM_CREDIT -> new StreamCredit(in.readLong(), readU31(in, "credit"));
            case STREAM_END -> new StreamEnd(in.readLong());
            case STREAM_CANCEL -> new StreamCancel(in.readLong());
            case STREAM_ERROR -> new StreamError(in.readLong(), in.readInt(), readStr(in));
            case UPLOAD_REQUEST -> new UploadRequest(in.readLong(), readStr(in), readSize64(in, "fileSize"),
                    readSha256(in), readU31(in, "chunkCount"), readU31(in, "chunkSize"), readCompression(in),
                    readJson(in));
            case UPLOAD_ACCEPT -> new UploadAccept(in.readLong(), readUuid(in), readU31(in, "chunkSize"),
                    in.readUnsignedShort());
            case UPLOAD_REJECT -> new UploadReject(in.readLong(), in.readInt(), readStr(in), readJson(in));
            case DOWNLOAD_REJECT -> new DownloadReject(in.readLong(), in.readInt(), readStr(in), readJson(in));
            case DOWNLOAD_REQUEST -> new DownloadRequest(in.readLong(), readStr(in), readU31(in, "chunkSize"),
                    readCompression(in));
            case DOWNLOAD_ACCEPT -> new DownloadAccept(in.readLong(), readUuid(in), readSize64(in, "fileSize"),
                    readSha256(in), readU31(in, "chunkCount"), readU31(in, "chunkSize"), readCompression(in));
            case CHUNK_DATA -> new ChunkData((flags & ChunkData.FLAG_COMPRESSED) != 0,
                    (flags & ChunkData.FLAG_LAST) != 0, readUuid(in), readU31(in, "chunkIndex"),
                    readU31(in, "originalSize"), in.readInt(), readRest(in));
            case CHUNK_ACK -> new ChunkAck(readUuid(in), readU31(in, "chunkIndex"));
            case CHUNK_NACK -> new ChunkNack(readUuid(in), readU31(in, "chunkIndex"), in.readInt());
            case UPLOAD_COMPLETE -> new UploadComplete(readUuid(in));
            case DOWNLOAD_COMPLETE -> new DownloadComplete(readUuid(in));
            case UPLOAD_VERIFY -> new UploadVerify((flags & UploadVerify.FLAG_VERIFIED) != 0, readUuid(in),
                    readSha256(in), readStr(in));
            case DOWNLOAD_VERIFY -> new DownloadVerify((flags & DownloadVerify.FLAG_VERIFIED) != 0, readUuid(in));
            case LIST_REQUEST -> new ListRequest(in.readLong(), readStr(in), readU31(in, "offset"),
                    readU31(in, "limit"));
            case LIST_RESPONSE -> {
                long requestId = in.readLong();
                int totalCount = readU31(in, "totalCount");
                long count = in.readUnsignedInt();
                // Each entry takes at least 18 bytes (empty name, size, time).
                requireAtLeast(in, count * 18, "list entries");
                List<FileEntry> entries = new ArrayList<>((int) count);
                for (int i = 0; i < count; i++) {
                    entries.add(new FileEntry(readStr(in), readSize64(in, "size"), in.readLong()));
                }
                yield new ListResponse(requestId, totalCount, entries);
            }
            case RESUME_REQUEST -> new ResumeRequest(in.readLong(), readUuid(in),
                    known(TransferDirection.of(in.readUnsignedByte()), "transfer direction"), readSha256(in),
                    readRanges(in));
            case RESUME_RESPONSE -> new ResumeResponse(in.readLong(), readUuid(in),
                    known(ResumeStatus.of(in.readUnsignedByte()), "resume status"), readU31(in, "totalChunks"),
                    readRanges(in), readRanges(in));
        };
    }

    // ---- writing primitives

    private static void writeU8(ByteBuf out, int value, String field) {
        if ((value & ~0xFF) != 0) {
            throw new IllegalArgumentException(field + " does not fit in u8: " + value);
        }
        out.writeByte(value);
    }

    private static void writeU16(ByteBuf out, int value, String field) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(field + " does not fit in u16: " + value);
        }
        out.writeShort(value);
    }

    private static void writeU31(ByteBuf out, int value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative: " + value);
        }
        out.writeInt(value);
    }

    private static void writeSize64(ByteBuf out, long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative: " + value);
        }
        out.writeLong(value);
    }

    private static void writeUuid(ByteBuf out, UUID uuid) {
        out.writeLong(uuid.getMostSignificantBits());
        out.writeLong(uuid.getLeastSignificantBits());
    }

    private static void writeStr(ByteBuf out, String value, RepeatedStrings strings) {
        byte[] utf8 = strings == null ? null : strings.utf8(value);
        if (utf8 == null) {
            writeStr(out, value);
            return;
        }
        out.writeShort(utf8.length);
        out.writeBytes(utf8);
    }

    private static void writeStr(ByteBuf out, String value) {
        int lengthIndex = out.writerIndex();
        out.writeShort(0);
        // One pass: write the UTF-8 bytes, then patch the length they took.
        int length = ByteBufUtil.writeUtf8(out, value);
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("string of " + length + " UTF-8 bytes exceeds 65535");
        }
        out.setShort(lengthIndex, length);
    }

    private static void writeJson(ByteBuf out, String json) {
        if (json.isEmpty()) {
            out.writeInt(0);
            return;
        }
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        int length = ByteBufUtil.writeUtf8(out, json);
        out.setInt(lengthIndex, length);
    }

    private static void writeHeaders(ByteBuf out, Map<String, String> headers, RepeatedStrings strings) {
        if (headers.isEmpty()) {
            return;
        }
        writeU16(out, headers.size(), "header count");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            writeStr(out, header.getKey(), strings);
            writeStr(out, header.getValue());
        }
    }

    private static void writeRanges(ByteBuf out, List<ChunkRange> ranges) {
        out.writeInt(ranges.size());
        for (ChunkRange range : ranges) {
            out.writeInt(range.first());
            out.writeInt(range.last());
        }
    }

    private static void writeReject(ByteBuf out, long requestId, int code, String reason, String details) {
        out.writeByte(0);
        out.writeLong(requestId);
        out.writeInt(code);
        writeStr(out, reason);
        writeJson(out, details);
    }

    // ---- reading primitives

    private static int readU31(ByteBuf in, String field) {
        int value = in.readInt();
        if (value < 0) {
            throw malformed(field + " out of range: " + Integer.toUnsignedString(value));
        }
        return value;
    }

    private static long readSize64(ByteBuf in, String field) {
        long value = in.readLong();
        if (value < 0) {
            throw malformed(field + " out of range: " + Long.toUnsignedString(value));
        }
        return value;
    }

    private static UUID readUuid(ByteBuf in) {
        long most = in.readLong();
        return new UUID(most, in.readLong());
    }

    private static String readStr(ByteBuf in) {
        return readUtf8(in, in.readUnsignedShort());
    }

    private static String readStr(ByteBuf in, RepeatedStrings strings) {
        int length = in.readUnsignedShort();
        if (strings == null || length == 0) {
            return readUtf8(in, length);
        }
        requireAtLeast(in, length, "string");
        String value = strings.read(in, length);
        if (value == null) {
            throw malformed("invalid UTF-8");
        }
        return value;
    }

    private static String readJson(ByteBuf in) {
        long length = in.readUnsignedInt();
        requireAtLeast(in, length, "json");
        return readUtf8(in, (int) length);
    }

    private static Map<String, String> readHeaders(ByteBuf in, int headersFlag, RepeatedStrings strings) {
        if (headersFlag == 0) {
            return Map.of();
        }
        int count = in.readUnsignedShort();
        if (count == 0) {
            throw malformed("HEADERS flag set on an empty header block");
        }
        // Each header takes at least 4 bytes (two empty strings).
        requireAtLeast(in, count * 4L, "headers");
        Map<String, String> headers = new LinkedHashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            String name = readStr(in, strings);
            if (headers.put(name, readStr(in)) != null) {
                throw malformed("header " + name + " appears twice");
            }
        }
        return Collections.unmodifiableMap(headers);
    }

    private static List<ChunkRange> readRanges(ByteBuf in) {
        long count = in.readUnsignedInt();
        requireAtLeast(in, count * 8, "chunk ranges");
        List<ChunkRange> ranges = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            int first = readU31(in, "first chunk");
            int last = readU31(in, "last chunk");
            if (last < first) {
                throw malformed("chunk range " + first + ".." + last + " ends before it starts");
            }
            ranges.add(new ChunkRange(first, last));
        }
        return ranges;
    }

    private static byte[] readSha256(ByteBuf in) {
        requireAtLeast(in, SHA256_LENGTH, "sha256");
        byte[] hash = new byte[SHA256_LENGTH];
        in.readBytes(hash);
        return hash;
    }

    private static Compression readCompression(ByteBuf in) {
        return known(Compression.of(in.readUnsignedByte()), "compression");
    }

    private static <T> T known(T value, String field) {
        if (value == null) {
            throw malformed("unknown " + field);
        }
        return value;
    }

    private static byte[] readRest(ByteBuf in) {
        byte[] bytes = new byte[in.readableBytes()];
        in.readBytes(bytes);
        return bytes;
    }

    private static void requireAtLeast(ByteBuf in, long needed, String field) {
        if (needed > in.readableBytes()) {
            throw malformed(field + " needs " + needed + " bytes but only " + in.readableBytes() + " remain");
        }
    }

    private static String readUtf8(ByteBuf in, int length) {
        if (length == 0) {
            return "";
        }
        requireAtLeast(in, length, "string");
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        if (!validUtf8(bytes)) {
            throw malformed("invalid UTF-8");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Strict UTF-8 check (RFC 3629): the JDK decoder would silently substitute U+FFFD, which would
     * let two different byte strings decode to the same name.
     */
    static boolean validUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            if (c >= 0xC2 && c <= 0xDF) {
                if (i + 1 >= n || !continuation(b[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                if (i + 2 >= n) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                // E0 needs A0..BF (no overlong forms); ED needs 80..9F (no surrogates).
                int lo = c == 0xE0 ? 0xA0 : 0x80;
                int hi = c == 0xED ? 0x9F : 0xBF;
                if (c1 < lo || c1 > hi || !continuation(b[i + 2])) {
                    return false;
                }
                i += 3;
            } else if (c >= 0xF0 && c <= 0xF4) {
                if (i + 3 >= n) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                // F0 needs 90..BF (no overlong forms); F4 needs 80..8F (nothing above U+10FFFF).
                int lo = c == 0xF0 ? 0x90 : 0x80;
                int hi = c == 0xF4 ? 0x8F : 0xBF;
                if (c1 < lo || c1 > hi || !continuation(b[i + 2]) || !continuation(b[i + 3])) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static ProtocolException malformed(String message) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, message);
    }
}
