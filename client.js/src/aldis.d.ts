// Types for aldis.js: the Aldis browser client.

import type { BytesInput, Frame, FrameInput, HeadersInput, Uuid } from './codec.js';

export * from './codec.js';
export { ScramClient, ScramError, SCRAM_MECHANISM } from './scram.js';

export declare const DEFAULT_URL: 'ws://127.0.0.1:7441/aldis';
/** One frame per message: what the client uses when the node does not choose BATCH_SUBPROTOCOL. */
export declare const SUBPROTOCOL: 'aldis.v1';
/** Several length-prefixed frames per message; the client offers it first. */
export declare const BATCH_SUBPROTOCOL: 'aldis.v1.batch';
export declare const CLIENT_CAPABILITIES: bigint;

export interface ReconnectPolicy {
  /** Delay before the first attempt; doubles per attempt. Default 1000. */
  initialDelayMs: number;
  /** Cap on the delay. Default 30000. */
  maxDelayMs: number;
  /** Attempts before giving up with reconnectFailed; 0 never reconnects. Default 10. */
  maxAttempts: number;
  /** Each delay is spread uniformly over ±jitter of its value (0..1). Default 0.2. */
  jitter: number;
}

/** The smallest part of the WebSocket interface the client uses. */
export interface WebSocketLike {
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Timer functions; injectable so tests can run a fake clock. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  now(): number;
}

export interface AldisClientOptions {
  /** Default 'ws://127.0.0.1:7441/aldis'. */
  url?: string;
  /**
   * Several nodes of one cluster, in place of url: the first connect tries each in turn; after a
   * lost connection the client tries each of the other known URLs once, at once (once per first
   * reconnect delay at the most), and waits its reconnect delays only when none answers, each
   * attempt going to the next URL round the list, resuming the session with its token. A node in a cluster also tells the client where the other nodes are: the
   * client adds those of the first URL's scheme after these and tries them too (`knownUrls`), so
   * one URL of a cluster is enough to fail over.
   */
  urls?: string[];
  user?: string;
  password?: string;
  /** 'SCRAM-SHA-256' (default) or 'PLAIN' (the node offers PLAIN only over TLS or loopback). */
  mechanism?: 'SCRAM-SHA-256' | 'PLAIN';
  /** Stable id of this client; default a random UUID per AldisClient. */
  clientId?: Uuid;
  /** Free-form name shown to operators. */
  clientName?: string;
  /** Capability mask sent in CONNECT; default CLIENT_CAPABILITIES. */
  capabilities?: bigint;
  /** Partial policy merged over the defaults, or false for no reconnect. */
  reconnect?: Partial<ReconnectPolicy> | false;
  /** Whether a failing first connect() also retries with the reconnect policy. Default false. */
  retryInitialConnect?: boolean;
  /** Time allowed from opening the socket to an authenticated session. Default 10000. */
  connectTimeoutMs?: number;
  /** Time close() waits for CLOSE_ACK. Default 5000. */
  closeTimeoutMs?: number;
  /** Default timeout of subscribe/unsubscribe acknowledgements, request(), send() and call(). Default 30000. */
  requestTimeoutMs?: number;
  /** Most work frames held while the node has paused the client. Default 10000. */
  maxQueuedWhilePaused?: number;
  /** WebSocket constructor; default globalThis.WebSocket. */
  WebSocket?: WebSocketConstructor;
  timers?: Timers;
  /** Random source for jitter, returning [0, 1). */
  random?: () => number;
  /**
   * Size functions of custom credit mode by name, as a callee names them in STREAM_OPEN metadata:
   * each maps the bytes of one item to its cost (an integer; below 1 counts as 1). They must give
   * the same cost as the node's function of the same name.
   */
  sizeFunctions?: Record<string, SizeFunction> | Map<string, SizeFunction>;
}

/** The cost of one stream item in custom credit mode, from the item's bytes on the wire. */
export type SizeFunction = (item: Uint8Array) => number;

/** High-water marks per credit mode (the callee's STREAM_OPEN names the mode). */
export interface HighWaterMarks {
  /** Default 64. */
  items?: number;
  /** Default 1048576 (1 MiB). */
  bytes?: number;
  /** Default 1048576. */
  custom?: number;
}

/** How the items of a streamed result are held and handed out. */
export interface ResultStreamOptions {
  /**
   * The most credit this client grants, and so the most it holds of items: one number for any
   * credit mode, or one per mode. 1 to 2147483647; an item may cost at most half of it.
   */
  highWaterMark?: number | HighWaterMarks;
  /** 'json' (default): each item is parsed JSON; 'bytes': each item is a Uint8Array (Stream<bytes>). */
  items?: 'json' | 'bytes';
}

export interface CallOptions extends ResultStreamOptions {
  /** Deadline of the whole call, sent to the node too; 0 for none. Default requestTimeoutMs. */
  timeoutMs?: number;
  /** Aborting cancels the call (RPC_CANCEL, and STREAM_CANCEL for items still coming). */
  signal?: AbortSignal;
}

export interface StreamOptions extends CallOptions {
  /** Deadline of the whole call and its stream; 0 (the default for streams) for none. */
  timeoutMs?: number;
}

/** A streamed parameter of a call, made by streamOf(); stands where the method takes its stream. */
export declare class StreamSource {
  private constructor();
  readonly iterable: AsyncIterable<unknown> | Iterable<unknown>;
}

/**
 * Marks `iterable` as the streamed parameter of a call. Items that are Uint8Arrays (or other typed
 * arrays, DataViews, ArrayBuffers) go as raw bytes, every other item as JSON.
 */
export declare function streamOf(iterable: AsyncIterable<unknown> | Iterable<unknown>): StreamSource;

/**
 * The items of a streamed result. Iterating it makes the call; it can be iterated once. Leaving
 * the loop cancels the call unless it has been answered already. Once its stream has opened it
 * survives a broken connection when the session is resumed (the loop then goes on where it
 * stopped, each item once); otherwise the loop throws CONNECTION_INTERRUPTED after the items
 * already received.
 */
export interface AldisStream<T> extends AsyncIterable<T> {
  [Symbol.asyncIterator](): AsyncIterator<T, undefined, undefined>;
}

export interface SessionInfo {
  readonly sessionId: Uuid;
  readonly user: string;
  /** True when the resume token was accepted and no authentication took place; open streams then go on. */
  readonly resumed: boolean;
  readonly capabilities: bigint;
  readonly maxFrameSize: number;
  readonly heartbeatMillis: number;
  readonly maxFileSize: bigint;
  readonly maxChunkSize: number;
  readonly mechanisms: readonly string[];
  readonly nodeName: string;
}

export interface DisconnectReason {
  /** 0 for a normal close, otherwise an ErrorCode (e.g. CONNECTION_LOST, HEARTBEAT_TIMEOUT). */
  code: number;
  message: string;
}

export type ClientState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closing' | 'closed' | 'failed';

export declare class AldisError extends Error {
  constructor(code: number, message: string, options?: { details?: unknown; requestId?: bigint; cause?: unknown });
  /** An ErrorCode value; codes this release does not know are kept as numbers. */
  readonly code: number;
  readonly codeName: string | undefined;
  /** The parsed JSON details, e.g. `{fields: {...}}` for INVALID_PARAMS. */
  readonly details: any;
  readonly requestId?: bigint;
  static fromFrame(frame: { code: number; message: string; details: string; requestId?: bigint; callId?: bigint }): AldisError;
}

export interface PublishOptions {
  replyTo?: string;
  headers?: HeadersInput;
}

/** A DELIVER (pub/sub; `subject` set) or a MESSAGE (typed; `messageType` set). */
export declare class AldisMessage {
  readonly subject?: string;
  readonly replyTo?: string;
  readonly headers?: Map<string, string>;
  readonly subscriptionId?: bigint;
  readonly messageType?: string;
  readonly correlationId?: bigint;
  readonly reply?: boolean;
  readonly payload: Uint8Array;
  text(): string;
  json<T = any>(): T;
  /** Publishes to replyTo (DELIVER) or sends a REPLY with the same correlation id (MESSAGE). */
  respond(payload?: BytesInput, options?: PublishOptions): Promise<void>;
}

export interface Subscription {
  readonly id: bigint;
  readonly subject: string;
  readonly queueGroup: string;
  /** Stops deliveries at once and tells the node; idempotent. */
  unsubscribe(): Promise<void>;
}

export interface SubscribeOptions {
  /** Among subscriptions sharing a queue group, one gets each message. */
  queueGroup?: string;
  /** JSON options for the node, e.g. slow-consumer policy. */
  options?: string | Record<string, unknown>;
}

export interface AldisEventMap {
  connected: { session: SessionInfo };
  disconnected: { reason: DisconnectReason };
  /**
   * An attempt that waits `delay` ms (not emitted for the tries of the other known URLs made at
   * once after a loss). reason: why the connection was lost (for a retried first connect: why the
   * last attempt failed).
   */
  reconnecting: { attempt: number; delay: number; reason: DisconnectReason };
  reconnected: { session: SessionInfo };
  reconnectFailed: { error: AldisError };
  paused: Record<string, never>;
  resumed: Record<string, never>;
  capabilitiesChanged: { session: SessionInfo };
  /** `knownUrls` changed because the node told where the cluster's nodes are; `urls` is `knownUrls` after the change. */
  addressesChanged: { urls: readonly string[] };
  error: { error: Error; subscription?: Subscription };
  message: { message: AldisMessage };
  frame: { frame: Frame };
}

/** The delay before reconnect attempt `attempt` (from 1) under `policy`. */
export declare function backoffDelay(policy: ReconnectPolicy, attempt: number, random?: () => number): number;

export declare class AldisClient extends EventTarget {
  constructor(options?: AldisClientOptions);
  readonly state: ClientState;
  readonly session: SessionInfo | undefined;
  readonly paused: boolean;
  readonly resumeToken: string | undefined;
  /**
   * Every node URL the client knows: the given `urls`, always kept, then those of the other nodes
   * of the cluster its node told it of (docs/protocol.md 4.9), but not the node it is connected
   * to under another name. Reconnects go round this list, going on from the URL in use (from the
   * first URL when a new list dropped it). Learned URLs are kept when the node leaves its cluster.
   */
  readonly knownUrls: readonly string[];
  /** Whether this client announced STREAMS and the node offers it now (CONNECT_ACK, CAPABILITY_CHANGE). */
  readonly streamsAvailable: boolean;

  /** Calls `listener(event.detail)`; returns a function that removes the listener. */
  on<K extends keyof AldisEventMap>(type: K, listener: (detail: AldisEventMap[K]) => void): () => void;
  addEventListener<K extends keyof AldisEventMap>(type: K,
    listener: (event: CustomEvent<AldisEventMap[K]>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions): void;

  connect(): Promise<SessionInfo>;
  close(): Promise<void>;

  publish(subject: string, payload?: BytesInput, options?: PublishOptions): Promise<void>;
  subscribe(pattern: string, handler: (message: AldisMessage) => unknown, options?: SubscribeOptions): Promise<Subscription>;
  request(subject: string, payload?: BytesInput, options?: { timeoutMs?: number; headers?: HeadersInput }): Promise<AldisMessage>;
  send(messageType: string, payload?: BytesInput, options?: { timeoutMs?: number; noReply?: false }): Promise<AldisMessage>;
  send(messageType: string, payload: BytesInput | undefined, options: { noReply: true }): Promise<void>;
  /**
   * Calls a method and resolves with its result. One parameter may be streamOf(iterable): its items
   * go on a stream within the callee's credit, or as one JSON array when the session cannot stream
   * (MESSAGE_TOO_LARGE, before sending, when that array would not fit in maxFrameSize). A method
   * that streams its result too resolves with the array of its items. A call whose stream has
   * opened goes on across a broken connection when the session is resumed: the items the node
   * lacks are sent again from copies kept until the node paid them back in credit.
   */
  call<T = any>(method: string, params?: unknown, options?: CallOptions): Promise<T>;
  /**
   * Calls a method that streams its result; `for await` over the returned stream makes the call
   * and yields the items at the loop's pace, which drives the credit. A batched result (a session
   * or callee without streams) is iterated the same way. One parameter may be streamOf(iterable),
   * which makes the call bidirectional. Failures are thrown by the loop as AldisErrors.
   */
  stream<T = any>(method: string, params?: unknown, options?: StreamOptions & { items?: 'json' }): AldisStream<T>;
  stream(method: string, params: unknown, options: StreamOptions & { items: 'bytes' }): AldisStream<Uint8Array>;
  /** The same as the exported streamOf(). */
  streamOf(iterable: AsyncIterable<unknown> | Iterable<unknown>): StreamSource;

  /**
   * Uploads a Blob or File under remoteName (docs/protocol.md 6.5.3), reading it one chunk at a
   * time, uncompressed, with the SHA-256 computed while reading. Goes on after the client's own
   * reconnects.
   */
  upload(blob: Blob, remoteName: string, options?: UploadOptions): Transfer<UploadResult>;
  /** Downloads remoteName into a Blob, verified against the node's SHA-256 (6.5.4). */
  download(remoteName: string, options?: DownloadOptions): Transfer<DownloadResult>;
  /** One page of the user's files matching a glob (6.5.5); limit at most 1000. */
  list(pattern?: string, options?: { offset?: number; limit?: number }): Promise<FilePage>;
  /** Removes a stored file; resolves on the node's ACK. */
  remove(remoteName: string): Promise<void>;
  /** Low level: sends any frame, subject to PAUSE for work frames. */
  sendFrame(frame: FrameInput): Promise<void>;
}

/** Progress of a transfer: bytes acknowledged (upload) or stored (download), smoothed bytes per second. */
export interface TransferProgress {
  bytes: number;
  total: number;
  rate: number;
  /** Milliseconds left at the current rate; undefined before a rate is known. */
  etaMs: number | undefined;
}

export interface TransferOptions {
  onProgress?: (progress: TransferProgress) => void;
  /** At most one progress report per interval, and always one when every byte is done. Default 200. */
  progressIntervalMs?: number;
  /** Upload: default the node's maxChunkSize; download: 0 lets the node choose. */
  chunkSize?: number;
}

export interface UploadOptions extends TransferOptions {
  /** Only Compression.NONE: this client has no LZ4 compressor. */
  compression?: number;
}

export interface DownloadOptions extends TransferOptions {
  /** MIME type of the resulting Blob. */
  type?: string;
}

/** A transfer in progress. */
export interface Transfer<R> {
  /** The node's transfer id, once it accepted. */
  readonly id: string | undefined;
  readonly name: string;
  readonly result: Promise<R>;
  /** TRANSFER_ABORT CANCELLED (-403) without RESUMABLE; the result fails with CANCELLED. */
  cancel(): void;
}

export interface UploadResult {
  id: string;
  /** The name the node published the file under. */
  name: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
  /** Chunks sent again after a CHUNK_NACK. */
  resent: number;
  /** Whether it went on after a reconnect. */
  resumed: boolean;
}

export interface DownloadResult extends UploadResult {
  blob: Blob;
}

export interface FilePage {
  totalCount: number;
  entries: Array<{ name: string; size: number; modified: Date }>;
}

/** Incremental SHA-256 (FIPS 180-4). */
export declare class Sha256 {
  update(bytes: Uint8Array): this;
  digest(): Uint8Array;
}
/** CRC-32 (ISO-HDLC, as java.util.zip.CRC32); `previous` continues over several pieces. */
export declare function crc32(bytes: Uint8Array, previous?: number): number;
export declare function sha256Of(bytes: Uint8Array): Uint8Array;
export declare function hexOf(bytes: Uint8Array): string;
