// Types for codec.js: the Aldis protocol v1 frames (docs/protocol.md, section 5).

export declare const PROTOCOL_VERSION: 0x0100;
export declare const DEFAULT_MAX_FRAME_SIZE: number;
export declare const PRE_HANDSHAKE_MAX_FRAME_SIZE: number;
/** The most addresses one NODE_ADDRESSES frame carries (docs/protocol.md 4.9). */
export declare const MAX_NODE_ADDRESSES: 64;
/** The longest address NODE_ADDRESSES carries, in bytes of UTF-8. */
export declare const MAX_NODE_ADDRESS_BYTES: 255;

export declare const FrameType: Readonly<{
  CONNECT: 0x01; CONNECT_ACK: 0x02;
  AUTH_START: 0x10; AUTH_CHALLENGE: 0x11; AUTH_RESPONSE: 0x12; AUTH_OK: 0x13;
  PING: 0x20; PONG: 0x21; PAUSE: 0x22; RESUME: 0x23; CLOSE: 0x24; CLOSE_ACK: 0x25; CAPABILITY_CHANGE: 0x26;
  NODE_ADDRESSES: 0x27; ACK: 0x2e; ERROR: 0x2f;
  MESSAGE: 0x30; SUBSCRIBE: 0x31; UNSUBSCRIBE: 0x32; PUBLISH: 0x33; DELIVER: 0x34;
  RPC_REQUEST: 0x40; RPC_RESPONSE: 0x41; RPC_ERROR: 0x42; RPC_CANCEL: 0x43; SERVICE_PROVIDE: 0x44; SERVICE_WITHDRAW: 0x45;
  STREAM_OPEN: 0x50; STREAM_DATA: 0x51; STREAM_CREDIT: 0x52; STREAM_END: 0x53; STREAM_ERROR: 0x54; STREAM_CANCEL: 0x55; STREAM_RESUME: 0x56;
  UPLOAD_REQUEST: 0x60; UPLOAD_ACCEPT: 0x61; UPLOAD_REJECT: 0x62; DOWNLOAD_REQUEST: 0x63; DOWNLOAD_ACCEPT: 0x64;
  DOWNLOAD_REJECT: 0x65; CHUNK_DATA: 0x66; CHUNK_ACK: 0x67; CHUNK_NACK: 0x68; UPLOAD_COMPLETE: 0x69;
  UPLOAD_VERIFY: 0x6a; DOWNLOAD_COMPLETE: 0x6b; DOWNLOAD_VERIFY: 0x6c; LIST_REQUEST: 0x6d; LIST_RESPONSE: 0x6e;
  RESUME_REQUEST: 0x6f; RESUME_RESPONSE: 0x70; TRANSFER_ABORT: 0x71; FILE_REMOVE: 0x72;
}>;
export type FrameTypeName = keyof typeof FrameType;

export declare const Capability: Readonly<{
  MESSAGES: bigint; PUBSUB: bigint; RPC: bigint; STREAMS: bigint; FILE_TRANSFER: bigint; LZ4: bigint;
  RESUME_TOKEN: bigint; FLOW_CONTROL: bigint; NODE_ADDRESSES: bigint;
}>;

export declare const ErrorCode: Readonly<{
  PROTOCOL_ERROR: -100; UNSUPPORTED_VERSION: -101; FRAME_TOO_LARGE: -102; UNKNOWN_FRAME_TYPE: -103;
  MALFORMED_FRAME: -104; UNEXPECTED_FRAME: -105; CAPABILITY_UNAVAILABLE: -106; INTERNAL_ERROR: -110;
  SHUTTING_DOWN: -111; AUTH_REQUIRED: -200; AUTH_FAILED: -201; AUTH_MECHANISM_UNSUPPORTED: -202;
  AUTH_TIMEOUT: -203; AUTH_MECHANISM_NOT_ALLOWED: -204; FORBIDDEN: -210; SESSION_KILLED: -220;
  NO_HANDLER: -300; INVALID_SUBJECT: -301; SUBSCRIPTION_LIMIT: -302; MESSAGE_TOO_LARGE: -303;
  SLOW_CONSUMER: -304; REQUEST_TIMEOUT: -310; NO_RESPONDERS: -311; METHOD_NOT_FOUND: -400;
  INVALID_PARAMS: -401; DEADLINE_EXCEEDED: -402; CANCELLED: -403; PROVIDER_GONE: -404; SERVICE_ERROR: -405;
  CONNECTION_INTERRUPTED: -406; STREAM_NOT_FOUND: -500; STREAM_CREDIT_EXCEEDED: -501; STREAM_FAILED: -502;
  STREAMING_UNAVAILABLE: -503; STREAM_ITEM_TOO_LARGE: -504; UNKNOWN_SIZE_FUNCTION: -505; STREAM_LIMIT: -506; RATE_LIMITED: -600; BUSY: -601; TOO_MANY_CONNECTIONS: -602;
  HEARTBEAT_TIMEOUT: -603; CONNECTION_FAILED: -700; CONNECTION_TIMEOUT: -701; CONNECTION_LOST: -702;
  RECONNECT_FAILED: -703; TRANSFER_NOT_FOUND: -710; INVALID_FILE_NAME: -711; FILE_TOO_LARGE: -712;
  UPLOAD_REJECTED: -713; DOWNLOAD_REJECTED: -714; CHUNK_CHECKSUM_ERROR: -720; CHUNK_OUT_OF_RANGE: -721;
  DECOMPRESSION_FAILED: -722; FILE_HASH_MISMATCH: -730; RESUME_NOT_POSSIBLE: -740; STORAGE_FULL: -745;
  FILE_NOT_FOUND_ON_SERVER: -746; QUOTA_EXCEEDED: -747; UPLOAD_CONFLICT: -748; STORAGE_ERROR: -750;
}>;
export type ErrorCodeName = keyof typeof ErrorCode;
export declare function errorName(code: number): ErrorCodeName | undefined;
export declare function frameTypeName(code: number): FrameTypeName | undefined;

/** Relative to the call; NODE_TO_CLIENT and CLIENT_TO_NODE are the older names of codes 1 and 2. */
export declare const StreamDirection: Readonly<{
  CALLEE_TO_CALLER: 1; CALLER_TO_CALLEE: 2; BIDIRECTIONAL: 3; NODE_TO_CLIENT: 1; CLIENT_TO_NODE: 2;
}>;
export declare const CreditMode: Readonly<{ ITEMS: 0; BYTES: 1; CUSTOM: 2 }>;
export declare const Compression: Readonly<{ NONE: 0; LZ4: 1; ADAPTIVE: 2 }>;
export declare const TransferDirection: Readonly<{ UPLOAD: 1; DOWNLOAD: 2 }>;
export declare const ResumeStatus: Readonly<{
  RESUMABLE: 0; NOT_FOUND: 1; FILE_CHANGED: 2; STATE_CORRUPTED: 3; EXPIRED: 4;
}>;

/** A decoding failure; `code` is MALFORMED_FRAME, UNKNOWN_FRAME_TYPE or FRAME_TOO_LARGE. */
export declare class FrameError extends Error {
  constructor(code: number, message: string);
  readonly code: number;
}

/** u64 values decode as bigint; encoding also accepts safe integer numbers. */
export type U64 = bigint;
export type U64Input = bigint | number;
/** Canonical UUID text, e.g. "00112233-4455-6677-8899-aabbccddeeff". */
export type Uuid = string;
/** Raw JSON text of one object; "" when absent. Encoding also accepts an object. */
export type JsonText = string;
export type Bytes = Uint8Array;
export type BytesInput = Uint8Array | ArrayBuffer | ArrayBufferView | string;
export type HeadersInput = Map<string, string> | Array<[string, string]> | Record<string, string>;
export interface ChunkRange { first: number; last: number }
export interface FileEntry { name: string; size: U64; modifiedMillis: U64 }

export interface Connect { type: 'CONNECT'; version: number; capabilities: U64; clientId: Uuid; resumeToken: string; clientName: string }
export interface ConnectAck {
  type: 'CONNECT_ACK'; authenticated: boolean; version: number; capabilities: U64; sessionId: Uuid;
  maxFrameSize: number; heartbeatMillis: number; maxFileSize: U64; maxChunkSize: number; mechanisms: string[]; nodeName: string;
}
export interface AuthStart { type: 'AUTH_START'; mechanism: string; data: Bytes }
export interface AuthChallenge { type: 'AUTH_CHALLENGE'; data: Bytes }
export interface AuthResponse { type: 'AUTH_RESPONSE'; data: Bytes }
export interface AuthOk { type: 'AUTH_OK'; user: string; resumeToken: string; tokenExpiresAt: U64; data: Bytes }
export interface Ping { type: 'PING'; nonce: U64 }
export interface Pong { type: 'PONG'; nonce: U64 }
export interface Pause { type: 'PAUSE' }
export interface Resume { type: 'RESUME' }
export interface Close { type: 'CLOSE'; code: number; message: string }
export interface CloseAck { type: 'CLOSE_ACK' }
export interface CapabilityChange { type: 'CAPABILITY_CHANGE'; capabilities: U64 }
/** Where the client reaches the nodes of its node's cluster: URIs such as `ws://host:port/path` (4.9). */
export interface NodeAddresses { type: 'NODE_ADDRESSES'; addresses: string[] }
export interface Ack { type: 'ACK'; requestId: U64; json: JsonText }
export interface ErrorFrame { type: 'ERROR'; requestId: U64; code: number; message: string; details: JsonText }
export interface Message { type: 'MESSAGE'; reply: boolean; correlationId: U64; messageType: string; payload: Bytes }
export interface Subscribe { type: 'SUBSCRIBE'; subscriptionId: U64; subject: string; queueGroup: string; options: JsonText }
export interface Unsubscribe { type: 'UNSUBSCRIBE'; subscriptionId: U64 }
export interface Publish { type: 'PUBLISH'; subject: string; replyTo: string; headers: Map<string, string>; payload: Bytes }
export interface Deliver {
  type: 'DELIVER'; subscriptionId: U64; subject: string; replyTo: string; headers: Map<string, string>; payload: Bytes;
}
/** `streams`: the caller takes streams on this call (flag bit 0, STREAMS; absent = false). */
export interface RpcRequest {
  type: 'RPC_REQUEST'; streams?: boolean; callId: U64; timeoutMillis: number; method: string; params: Bytes;
}
export interface RpcResponse { type: 'RPC_RESPONSE'; callId: U64; result: Bytes }
export interface RpcError { type: 'RPC_ERROR'; callId: U64; code: number; message: string; details: JsonText }
export interface RpcCancel { type: 'RPC_CANCEL'; callId: U64 }
export interface ServiceProvide { type: 'SERVICE_PROVIDE'; requestId: U64; service: string; descriptor: JsonText }
export interface ServiceWithdraw { type: 'SERVICE_WITHDRAW'; requestId: U64; service: string }
export interface StreamOpen {
  type: 'STREAM_OPEN'; streamId: U64; callId: U64; direction: 1 | 2 | 3; creditMode: 0 | 1 | 2; initialCredit: number; metadata: JsonText;
}
export interface StreamData { type: 'STREAM_DATA'; last: boolean; streamId: U64; item: Bytes }
export interface StreamCredit { type: 'STREAM_CREDIT'; streamId: U64; credit: number }
export interface StreamEnd { type: 'STREAM_END'; streamId: U64 }
export interface StreamError { type: 'STREAM_ERROR'; streamId: U64; code: number; message: string }
export interface StreamCancel { type: 'STREAM_CANCEL'; streamId: U64 }
/**
 * After a session resume: with `receiving`, this side holds or consumed `received` items and the
 * peer's credit is now `credit`; without it, `received` and `credit` are 0 and `ended` is false.
 */
export interface StreamResume {
  type: 'STREAM_RESUME'; receiving: boolean; ended: boolean; streamId: U64; received: U64; credit: number;
}
export interface UploadRequest {
  type: 'UPLOAD_REQUEST'; requestId: U64; fileName: string; fileSize: U64; fileHash: Bytes; chunkCount: number;
  chunkSize: number; compression: 0 | 1 | 2; metadata: JsonText;
}
export interface UploadAccept { type: 'UPLOAD_ACCEPT'; requestId: U64; transferId: Uuid; chunkSize: number; window: number }
export interface UploadReject { type: 'UPLOAD_REJECT'; requestId: U64; code: number; reason: string; details: JsonText }
export interface DownloadRequest { type: 'DOWNLOAD_REQUEST'; requestId: U64; fileName: string; chunkSize: number; compression: 0 | 1 | 2 }
export interface DownloadAccept {
  type: 'DOWNLOAD_ACCEPT'; requestId: U64; transferId: Uuid; fileSize: U64; fileHash: Bytes; chunkCount: number;
  chunkSize: number; compression: 0 | 1 | 2; window: number;
}
export interface DownloadReject { type: 'DOWNLOAD_REJECT'; requestId: U64; code: number; reason: string; details: JsonText }
export interface ChunkData {
  type: 'CHUNK_DATA'; compressed: boolean; last: boolean; transferId: Uuid; chunkIndex: number; originalSize: number;
  crc32: number; data: Bytes;
}
export interface ChunkAck { type: 'CHUNK_ACK'; transferId: Uuid; chunkIndex: number }
export interface ChunkNack { type: 'CHUNK_NACK'; transferId: Uuid; chunkIndex: number; code: number }
export interface UploadComplete { type: 'UPLOAD_COMPLETE'; transferId: Uuid; fileHash: Bytes }
export interface UploadVerify { type: 'UPLOAD_VERIFY'; verified: boolean; transferId: Uuid; computedHash: Bytes; storedName: string }
export interface DownloadComplete { type: 'DOWNLOAD_COMPLETE'; transferId: Uuid }
export interface DownloadVerify { type: 'DOWNLOAD_VERIFY'; verified: boolean; transferId: Uuid }
export interface ListRequest { type: 'LIST_REQUEST'; requestId: U64; pattern: string; offset: number; limit: number }
export interface ListResponse { type: 'LIST_RESPONSE'; requestId: U64; totalCount: number; entries: FileEntry[] }
export interface ResumeRequest {
  type: 'RESUME_REQUEST'; requestId: U64; transferId: Uuid; direction: 1 | 2; fileHash: Bytes; chunksHeld: ChunkRange[];
}
export interface ResumeResponse {
  type: 'RESUME_RESPONSE'; requestId: U64; transferId: Uuid; status: 0 | 1 | 2 | 3 | 4; totalChunks: number;
  chunkSize: number; window: number; chunksReceived: ChunkRange[]; chunksMissing: ChunkRange[];
}
export interface TransferAbort {
  type: 'TRANSFER_ABORT'; resumable: boolean; transferId: Uuid; code: number; reason: string; details: JsonText;
}
export interface FileRemove { type: 'FILE_REMOVE'; requestId: U64; fileName: string }

/** Every frame as decodeFrame() returns it. */
export type Frame =
  | Connect | ConnectAck | AuthStart | AuthChallenge | AuthResponse | AuthOk | Ping | Pong | Pause | Resume | Close
  | CloseAck | CapabilityChange | NodeAddresses | Ack | ErrorFrame | Message | Subscribe | Unsubscribe | Publish
  | Deliver | RpcRequest | RpcResponse
  | RpcError | RpcCancel | ServiceProvide | ServiceWithdraw | StreamOpen | StreamData | StreamCredit | StreamEnd
  | StreamError | StreamCancel | StreamResume | UploadRequest | UploadAccept | UploadReject | DownloadRequest | DownloadAccept
  | DownloadReject | ChunkData | ChunkAck | ChunkNack | UploadComplete | UploadVerify | DownloadComplete
  | DownloadVerify | ListRequest | ListResponse | ResumeRequest | ResumeResponse | TransferAbort | FileRemove;

type Loosen<T> =
  T extends bigint ? U64Input
    : T extends Uint8Array ? BytesInput
      : T extends Map<string, string> ? HeadersInput
        : T;
/**
 * What encodeFrame() accepts: the same shapes, with numbers for u64 fields, any binary input
 * for bytes, headers in any of three forms, and optional strings, JSON, headers, flags and payloads.
 */
export type FrameInput = Frame extends infer F
  ? F extends { type: infer T } ? { type: T } & { [K in Exclude<keyof F, 'type'>]?: Loosen<F[K]> } : never
  : never;

export interface CodecOptions { maxFrameSize?: number }

export declare function encodeFrame(frame: FrameInput, options?: CodecOptions): Uint8Array;
export declare function decodeFrame(input: Uint8Array | ArrayBuffer | ArrayBufferView, options?: CodecOptions): Frame;

/** The length prefix in front of each frame of a batched WebSocket message (section 2.2). */
export declare const LENGTH_PREFIX: 4;
/** One message of the batched subprotocol: each encoded frame behind its u32 big-endian length. */
export declare function joinFrames(frames: Uint8Array[]): Uint8Array;
/** The frames of one batched message, as views into it; a message ending inside a frame throws a FrameError. */
export declare function splitFrames(input: Uint8Array | ArrayBuffer | ArrayBufferView, options?: CodecOptions): Uint8Array[];

/** UTF-8 bytes of a string; a lone surrogate throws a TypeError. */
export declare function utf8(text: string, what?: string): Uint8Array;
/** Strict UTF-8 decoding; malformed input throws a TypeError. */
export declare function fromUtf8(bytes: Uint8Array): string;
/** Binary input (or a string, as UTF-8) as a Uint8Array; undefined and null give an empty array. */
export declare function toBytes(value: BytesInput | undefined | null, what?: string): Uint8Array;
