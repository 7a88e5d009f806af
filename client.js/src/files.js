// File transfer for the browser client (docs/protocol.md 5.7 and 6.5): uploads from a Blob or
// File, downloads into a Blob, listing and removal.
//
// A browser has no files to keep checkpoints in and no threads, so this side is smaller than the
// Java client's: an upload reads its Blob one chunk at a time (Blob.slice, then arrayBuffer) and
// hashes it while it reads, so UPLOAD_REQUEST carries 32 zero bytes and UPLOAD_COMPLETE the
// SHA-256 (6.5.3); a download keeps the chunks as Blob parts and hashes them in file order. Chunks
// go uncompressed: the client does not announce LZ4, so the node never compresses for it either.
// Transfers go on after the client's own reconnects (RESUME_REQUEST, 6.5.7) while the page lives;
// a reloaded page starts its transfers again.

import { Capability, Compression, ErrorCode, ResumeStatus, TransferDirection } from './codec.js';
import { Sha256, crc32, hexOf } from './digest.js';

/** The hash an UPLOAD_REQUEST carries when the client gives it only in UPLOAD_COMPLETE (6.5.3). */
const HASH_LATER = new Uint8Array(32);

/** Resumable aborts in a row, without a chunk moving in between, after which a transfer fails. */
const MAX_RESUMABLE_ABORTS = 3;

/** Ids of ended transfers remembered, so that their late chunks are not taken for a stranger's. */
const ENDED_IDS_KEPT = 64;

/** Most entries of one LIST page the node returns (6.5.5). */
const MAX_LIST_LIMIT = 1000;

const DEFAULT_PROGRESS_INTERVAL_MS = 200;

/** Weight of the newest sample in the smoothed rate. */
const RATE_SMOOTHING = 0.3;

// ------------------------------------------------------------------ small parts

/** Inclusive index ranges, as RESUME_REQUEST carries them, of a sorted list of chunk indexes. */
export function rangesOf(sortedIndexes) {
  const ranges = [];
  for (const index of sortedIndexes) {
    const last = ranges[ranges.length - 1];
    if (last && last.last + 1 === index) last.last = index;
    else ranges.push({ first: index, last: index });
  }
  return ranges;
}

/** Every index of inclusive ranges, in order. */
function indexesOf(ranges) {
  const out = [];
  for (const { first, last } of ranges) for (let i = first; i <= last; i++) out.push(i);
  return out;
}

function chunkCountOf(size, chunkSize) {
  return size === 0 ? 0 : Math.ceil(size / chunkSize);
}

/** The size of chunk `index` of a file of `size` bytes. */
function chunkLength(size, chunkSize, index) {
  return Math.min(chunkSize, size - index * chunkSize);
}

/**
 * Bytes done, the total, a smoothed rate and the time left, handed to `onProgress` at most once
 * per interval and always when every byte is done.
 */
class ProgressMeter {
  constructor(onProgress, intervalMs, timers) {
    this.onProgress = onProgress;
    this.intervalMs = intervalMs;
    this.timers = timers;
    this.total = 0;
    this.bytes = 0;
    this.rate = 0;
    this.lastReport = undefined;
    this.sampleAt = timers.now();
    this.sampleBytes = 0;
  }

  start(total, bytes = 0) {
    this.total = total;
    this.bytes = bytes;
    this.sampleAt = this.timers.now();
    this.sampleBytes = bytes;
    this.doneReported = false;
  }

  add(count) {
    this.bytes += count;
    if (!this.onProgress) return;
    const now = this.timers.now();
    const done = this.bytes >= this.total;
    if (done && this.doneReported) return;
    if (!done && this.lastReport !== undefined && now - this.lastReport < this.intervalMs) return;
    const elapsed = now - this.sampleAt;
    if (elapsed > 0) {
      const sample = ((this.bytes - this.sampleBytes) * 1000) / elapsed;
      this.rate = this.rate === 0 ? sample : this.rate + RATE_SMOOTHING * (sample - this.rate);
      this.sampleAt = now;
      this.sampleBytes = this.bytes;
    }
    this.lastReport = now;
    this.doneReported = done;
    const left = this.total - this.bytes;
    const etaMs = left === 0 ? 0 : this.rate > 0 ? Math.round((left * 1000) / this.rate) : undefined;
    try {
      this.onProgress({ bytes: this.bytes, total: this.total, rate: Math.round(this.rate), etaMs });
    } catch {
      // The application's callback must not break the transfer.
    }
  }
}

/** The AldisError an UPLOAD_REJECT, DOWNLOAD_REJECT or TRANSFER_ABORT describes. */
function errorOf(AldisError, frame, what) {
  let details;
  if (frame.details) {
    try {
      details = JSON.parse(frame.details);
    } catch {
      details = { raw: frame.details };
    }
  }
  return new AldisError(frame.code, frame.reason ? `${what}: ${frame.reason}` : what, { details });
}

// ------------------------------------------------------------------ one transfer

/**
 * What the two directions share: the request and its answer, the id, resumption, cancel, the
 * result. Subclasses move the chunks.
 */
class Transfer {
  constructor(files, remoteName, options, direction) {
    this.files = files;
    this.client = files.client;
    this.remoteName = remoteName;
    this.direction = direction;
    this.transferId = undefined;
    this.requestId = undefined; // of the request waiting for its answer
    this.window = 0;
    this.state = 'new'; // new, requested, running, waiting (for a session), resuming, done
    this.resumed = false;
    this.resent = 0;
    this.abortsInARow = 0;
    this.progress = new ProgressMeter(options.onProgress, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
      this.client._options.timers);
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  get finished() {
    return this.state === 'done';
  }

  /** The handle the application gets: id, result, cancel(). */
  handle() {
    const transfer = this;
    return Object.freeze({
      get id() { return transfer.transferId; },
      get name() { return transfer.remoteName; },
      result: this.result,
      cancel: () => transfer.cancel(),
    });
  }

  send(frame) {
    return this.client.sendFrame(frame).catch(() => {
      // A frame that could not go out is lost with its connection; the resume after the
      // reconnect, or the failure when there is none, takes over.
    });
  }

  /** Sends the first request (again, after a reconnect that lost it or a resume that cannot go on). */
  request() {
    this.requestId = this.files.register(this);
    this.state = 'requested';
    this.send(this.requestFrame(this.requestId));
  }

  /** After a reconnect, or when the node offers file transfer again: go on where it stopped. */
  resume() {
    if (this.finished) return;
    if (this.transferId === undefined) {
      this.request();
      return;
    }
    this.requestId = this.files.register(this);
    this.state = 'resuming';
    this.send({ type: 'RESUME_REQUEST', requestId: this.requestId, transferId: this.transferId,
      direction: this.direction, fileHash: this.announcedHash(), chunksHeld: this.chunksHeld() });
  }

  /** The connection broke, or the node withdrew file transfer: wait for a session to go on. */
  suspend() {
    if (this.finished) return;
    if (this.requestId !== undefined) this.files.forget(this.requestId);
    this.requestId = undefined;
    this.state = 'waiting';
    this.stopSending();
  }

  onResumeResponse(frame) {
    this.requestId = undefined;
    if (frame.status !== ResumeStatus.RESUMABLE) {
      // The node has nothing to go on from: start again from the request.
      this.files.untrack(this);
      this.transferId = undefined;
      this.restart();
      this.request();
      return;
    }
    this.resumed = true;
    this.state = 'running';
    this.window = frame.window;
    this.resumeWith(frame);
  }

  onReject(frame, what) {
    this.fail(errorOf(this.files.AldisError, frame, what));
  }

  onAbort(frame) {
    if (!frame.resumable) {
      this.fail(errorOf(this.files.AldisError, frame, 'the node ended the transfer'));
      return;
    }
    this.abortsInARow += 1;
    if (this.abortsInARow > MAX_RESUMABLE_ABORTS) {
      this.fail(errorOf(this.files.AldisError, frame, `the node stopped the transfer ${this.abortsInARow} times`));
      return;
    }
    this.suspend();
    if (this.files.available()) this.resume();
  }

  /** A chunk moved: aborts before it do not count towards giving up. */
  moved() {
    this.abortsInARow = 0;
  }

  cancel() {
    if (this.finished) return;
    if (this.transferId !== undefined) {
      this.files.abortCancelled(this.transferId);
    } else if (this.requestId !== undefined) {
      // The answer may still come; a transfer accepted for nobody is aborted when it does.
      this.files.orphan(this.requestId);
    }
    this.fail(new this.files.AldisError(ErrorCode.CANCELLED, 'cancelled by the user'));
  }

  succeed(value) {
    if (this.finished) return;
    this.state = 'done';
    this.stopSending();
    this.files.ended(this);
    this.resolve(value);
  }

  fail(error) {
    if (this.finished) return;
    this.state = 'done';
    this.stopSending();
    this.files.ended(this);
    this.reject(error);
  }

  protocolError(message) {
    if (this.transferId !== undefined) {
      this.send({ type: 'TRANSFER_ABORT', resumable: false, transferId: this.transferId, code: ErrorCode.PROTOCOL_ERROR,
        reason: message, details: '' });
    }
    this.fail(new this.files.AldisError(ErrorCode.PROTOCOL_ERROR, message));
  }
}

/**
 * An upload from a Blob: at most `window` chunks sent and not acknowledged; chunks on the wire are
 * not kept (a CHUNK_NACK reads the chunk again from the Blob); the SHA-256 grows as the chunks are
 * read in order, so the Blob is read once, plus whatever is resent.
 */
class Upload extends Transfer {
  constructor(files, blob, remoteName, options) {
    super(files, remoteName, options, TransferDirection.UPLOAD);
    this.blob = blob;
    this.size = blob.size;
    this.chunkSize = options.chunkSize;
    this.restart();
  }

  restart() {
    this.chunkCount = chunkCountOf(this.size, this.chunkSize);
    this.hash = new Sha256();
    this.sha256 = undefined;
    this.hashed = 0; // chunks added to the hash, from the first
    this.acked = new Set();
    this.unacked = new Set();
    this.queue = []; // indexes to send, in order
    this.nextNew = 0; // the first index never sent
    this.reading = false;
    this.epoch = (this.epoch ?? 0) + 1; // reads begun before a suspend or restart are not sent
    this.completeSent = false;
    this.progress.start(this.size, 0);
  }

  requestFrame(requestId) {
    return { type: 'UPLOAD_REQUEST', requestId, fileName: this.remoteName, fileSize: BigInt(this.size),
      fileHash: HASH_LATER, chunkCount: this.chunkCount, chunkSize: this.chunkSize, compression: Compression.NONE,
      metadata: '' };
  }

  announcedHash() {
    return HASH_LATER;
  }

  chunksHeld() {
    return rangesOf([...this.acked].sort((a, b) => a - b));
  }

  onAccept(frame) {
    this.requestId = undefined;
    this.transferId = frame.transferId;
    this.window = frame.window;
    if (frame.chunkSize !== this.chunkSize) {
      if (frame.chunkSize > this.chunkSize || frame.chunkSize < 1) {
        this.protocolError(`UPLOAD_ACCEPT gives a chunk size of ${frame.chunkSize}, larger than the ${this.chunkSize} asked`);
        return;
      }
      this.chunkSize = frame.chunkSize;
      this.chunkCount = chunkCountOf(this.size, this.chunkSize);
    }
    this.state = 'running';
    this.pump();
  }

  resumeWith(frame) {
    if (frame.chunkSize !== this.chunkSize || frame.totalChunks !== this.chunkCount) {
      this.protocolError(`RESUME_RESPONSE describes ${frame.totalChunks} chunks of ${frame.chunkSize} bytes, `
        + `not the ${this.chunkCount} of ${this.chunkSize} of this upload`);
      return;
    }
    // The node's record is the truth (6.5.7): what it has is acknowledged, what it lacks goes again.
    this.acked = new Set(indexesOf(frame.chunksReceived));
    this.unacked.clear();
    this.queue = indexesOf(frame.chunksMissing);
    this.nextNew = this.chunkCount;
    this.epoch += 1;
    this.completeSent = false;
    this.progress.start(this.size, this.ackedBytes());
    this.pump();
  }

  ackedBytes() {
    let bytes = 0;
    for (const index of this.acked) bytes += chunkLength(this.size, this.chunkSize, index);
    return bytes;
  }

  stopSending() {
    this.epoch += 1;
    this.queue = [];
    this.unacked.clear();
  }

  /** The next index to send within the window, or undefined. */
  nextIndex() {
    // A NACKed chunk is still unacknowledged, so its resend takes no new room in the window.
    const resend = this.queue.findIndex((index) => this.unacked.has(index));
    if (resend >= 0) return this.queue.splice(resend, 1)[0];
    if (this.unacked.size >= this.window) return undefined;
    while (this.queue.length > 0) {
      const index = this.queue.shift();
      if (!this.acked.has(index)) return index;
    }
    if (this.nextNew < this.chunkCount) return this.nextNew++;
    return undefined;
  }

  /** Reads and sends chunks while the window has room; one read at a time keeps the hash in order. */
  pump() {
    if (this.reading || this.state !== 'running') return;
    const index = this.nextIndex();
    if (index === undefined) {
      this.completeWhenDone();
      return;
    }
    this.reading = true;
    this.unacked.add(index);
    const { transferId, epoch } = this;
    this.readChunk(index).then((bytes) => {
      this.reading = false;
      if (epoch !== this.epoch) {
        this.pump(); // read for a session that is gone; the resume decided again what to send
        return;
      }
      this.send({ type: 'CHUNK_DATA', compressed: false, last: index === this.chunkCount - 1, transferId,
        chunkIndex: index, originalSize: bytes.length, crc32: crc32(bytes), data: bytes });
      this.pump();
    }, (e) => {
      this.reading = false;
      this.unreadable(e);
    });
  }

  /** Chunk `index`, hashing it, and any chunk before it not hashed yet, when its turn comes. */
  async readChunk(index) {
    while (this.hashed < index) {
      this.hash.update(await this.readBytes(this.hashed));
      this.hashed += 1;
    }
    const bytes = await this.readBytes(index);
    if (this.hashed === index) {
      this.hash.update(bytes);
      this.hashed += 1;
    }
    return bytes;
  }

  async readBytes(index) {
    const start = index * this.chunkSize;
    const end = Math.min(start + this.chunkSize, this.size);
    const bytes = new Uint8Array(await this.blob.slice(start, end).arrayBuffer());
    if (bytes.length !== end - start) {
      throw new Error(`the file gave ${bytes.length} bytes at ${start} where ${end - start} were expected`);
    }
    return bytes;
  }

  unreadable(e) {
    const error = new this.files.AldisError(ErrorCode.STORAGE_ERROR, `cannot read the file to upload: ${e?.message ?? e}`,
      { cause: e });
    if (this.transferId !== undefined) {
      // Without RESUMABLE, so the node lets the space it reserved go.
      this.send({ type: 'TRANSFER_ABORT', resumable: false, transferId: this.transferId, code: ErrorCode.STORAGE_ERROR,
        reason: 'the client cannot read its file', details: '' });
    }
    this.fail(error);
  }

  onAck(frame) {
    const index = frame.chunkIndex;
    if (!this.unacked.delete(index) || this.acked.has(index)) return; // late, or again
    this.acked.add(index);
    this.moved();
    this.progress.add(chunkLength(this.size, this.chunkSize, index));
    this.pump();
  }

  onNack(frame) {
    if (!this.unacked.has(frame.chunkIndex)) return;
    this.resent += 1;
    this.queue.unshift(frame.chunkIndex);
    this.pump();
  }

  completeWhenDone() {
    if (this.completeSent || this.acked.size < this.chunkCount || this.state !== 'running') return;
    if (this.hashed < this.chunkCount) {
      // Resumed with every chunk already on the node, but part of the file never hashed here.
      this.reading = true;
      this.readChunk(this.chunkCount - 1).then(() => {
        this.reading = false;
        // The connection may have gone meanwhile: the next resume decides again.
        this.completeWhenDone();
      }, (e) => {
        this.reading = false;
        this.unreadable(e);
      });
      return;
    }
    this.completeSent = true;
    if (this.sha256 === undefined) this.sha256 = this.hash.digest();
    this.send({ type: 'UPLOAD_COMPLETE', transferId: this.transferId, fileHash: this.sha256 });
  }

  onVerify(frame) {
    if (!frame.verified) {
      this.fail(new this.files.AldisError(ErrorCode.FILE_HASH_MISMATCH, 'the node stored something else than was sent: its SHA-256 is '
        + `${hexOf(frame.computedHash)}, the file's ${hexOf(this.sha256)}`));
      return;
    }
    this.progress.add(0);
    this.succeed({ id: this.transferId, name: frame.storedName, size: this.size, sha256: hexOf(this.sha256),
      resent: this.resent, resumed: this.resumed });
  }
}

/**
 * A download into a Blob. Chunks that continue the file so far are hashed and kept as Blob parts
 * (which the browser may keep outside the script's heap); chunks that arrive ahead of a gap wait as
 * bytes, at most a window of them.
 */
class Download extends Transfer {
  constructor(files, remoteName, options) {
    super(files, remoteName, options, TransferDirection.DOWNLOAD);
    this.askedChunkSize = options.chunkSize ?? 0;
    this.type = options.type ?? '';
    this.restart();
  }

  restart() {
    this.size = undefined;
    this.fileHash = undefined;
    this.parts = []; // Blobs of chunks 0 .. parts.length-1, hashed
    this.ahead = new Map(); // index -> bytes, stored but not yet hashed
    this.hash = new Sha256();
    this.progress.start(0, 0);
  }

  requestFrame(requestId) {
    return { type: 'DOWNLOAD_REQUEST', requestId, fileName: this.remoteName, chunkSize: this.askedChunkSize,
      compression: Compression.NONE };
  }

  announcedHash() {
    return this.fileHash;
  }

  chunksHeld() {
    const held = [];
    for (let i = 0; i < this.parts.length; i++) held.push(i);
    held.push(...[...this.ahead.keys()].sort((a, b) => a - b));
    return rangesOf(held);
  }

  onAccept(frame) {
    this.requestId = undefined;
    this.transferId = frame.transferId;
    if (frame.compression !== Compression.NONE) {
      this.protocolError('the node compresses a download this client asked to get uncompressed');
      return;
    }
    this.size = Number(frame.fileSize);
    this.fileHash = frame.fileHash;
    this.chunkSize = frame.chunkSize;
    this.chunkCount = frame.chunkCount;
    this.window = frame.window;
    if (this.chunkCount !== chunkCountOf(this.size, this.chunkSize)) {
      this.protocolError(`DOWNLOAD_ACCEPT announces ${this.chunkCount} chunks for ${this.size} bytes in chunks of ${this.chunkSize}`);
      return;
    }
    this.progress.start(this.size, 0);
    this.state = 'running';
  }

  resumeWith(frame) {
    if (frame.chunkSize !== this.chunkSize || frame.totalChunks !== this.chunkCount) {
      this.protocolError(`RESUME_RESPONSE describes ${frame.totalChunks} chunks of ${frame.chunkSize} bytes, `
        + `not the ${this.chunkCount} of ${this.chunkSize} of this download`);
      return;
    }
    let held = 0;
    for (const bytes of this.ahead.values()) held += bytes.length;
    for (const part of this.parts) held += part.size;
    this.progress.start(this.size, held);
    // The chunks still to come are those the node names; nothing else to do until they arrive.
  }

  stopSending() {
    // A download sends only answers; nothing waits to go.
  }

  onChunk(frame) {
    if (this.state !== 'running') return;
    const index = frame.chunkIndex;
    const nack = (code) => {
      this.resent += 1;
      this.send({ type: 'CHUNK_NACK', transferId: this.transferId, chunkIndex: index, code });
    };
    if (frame.compressed) {
      this.protocolError(`chunk ${index} came compressed, but this client asked for none and cannot decompress`);
      return;
    }
    if (index >= this.chunkCount || frame.originalSize !== chunkLength(this.size, this.chunkSize, index)
      || frame.data.length !== frame.originalSize) {
      nack(ErrorCode.CHUNK_OUT_OF_RANGE);
      return;
    }
    if (crc32(frame.data) !== frame.crc32) {
      nack(ErrorCode.CHUNK_CHECKSUM_ERROR);
      return;
    }
    if (index >= this.parts.length && !this.ahead.has(index)) {
      this.ahead.set(index, frame.data);
      this.moved();
      this.progress.add(frame.data.length);
      this.hashContiguous();
    }
    this.send({ type: 'CHUNK_ACK', transferId: this.transferId, chunkIndex: index });
  }

  hashContiguous() {
    for (let bytes = this.ahead.get(this.parts.length); bytes; bytes = this.ahead.get(this.parts.length)) {
      this.ahead.delete(this.parts.length);
      this.hash.update(bytes);
      this.parts.push(new Blob([bytes]));
    }
  }

  onComplete() {
    if (this.state !== 'running') return;
    if (this.parts.length < this.chunkCount) {
      this.protocolError(`DOWNLOAD_COMPLETE with ${this.chunkCount - this.parts.length} of ${this.chunkCount} chunks missing`);
      return;
    }
    const sha256 = this.hash.digest();
    const verified = hexOf(sha256) === hexOf(this.fileHash);
    this.send({ type: 'DOWNLOAD_VERIFY', verified, transferId: this.transferId });
    if (!verified) {
      this.fail(new this.files.AldisError(ErrorCode.FILE_HASH_MISMATCH, `the downloaded ${this.remoteName} has the SHA-256 `
        + `${hexOf(sha256)}, the node announced ${hexOf(this.fileHash)}`));
      return;
    }
    const blob = new Blob(this.parts, { type: this.type });
    this.parts = [];
    this.progress.add(0);
    this.succeed({ id: this.transferId, blob, name: this.remoteName, size: this.size, sha256: hexOf(sha256),
      resent: this.resent, resumed: this.resumed });
  }
}

// ------------------------------------------------------------------ the transfers of one client

/**
 * The file transfers of one client: requests by id, transfers by transfer id, and what happens to
 * them when the connection breaks or the node's capabilities change. Not exported by aldis.js;
 * the client's upload(), download(), list() and remove() are the way in.
 */
export class FileTransfers {
  /** `ErrorType` is the client's AldisError: new ErrorType(code, message, {details, cause}). */
  constructor(client, ErrorType) {
    this.client = client;
    this.AldisError = ErrorType;
    this.requests = new Map(); // request id -> Transfer waiting for its answer
    this.orphans = new Set(); // request ids of transfers cancelled before their answer
    this.running = new Map(); // transfer id -> Transfer
    this.all = new Set(); // unfinished transfers
    this.endedIds = new Set(); // transfer ids of the latest transfers that ended, oldest first
    this.cancelledAway = new Set(); // transfer ids cancelled while not connected, told to the next session
  }

  /** Whether the session offers file transfer now and this client announced it. */
  available() {
    const session = this.client.session;
    return session !== undefined
      && (this.client._options.capabilities & session.capabilities & Capability.FILE_TRANSFER) !== 0n;
  }

  unavailable() {
    if (!this.client.session) return new this.AldisError(ErrorCode.CONNECTION_LOST, `not connected (${this.client.state})`);
    return new this.AldisError(ErrorCode.CAPABILITY_UNAVAILABLE, 'the node does not offer file transfer on this session');
  }

  upload(blob, remoteName, options = {}) {
    if (!blob || typeof blob.slice !== 'function' || typeof blob.size !== 'number') {
      throw new TypeError('upload takes a Blob or a File');
    }
    if (typeof remoteName !== 'string' || remoteName.length === 0) throw new TypeError('remoteName must be a non-empty string');
    const compression = options.compression ?? Compression.NONE;
    const session = this.client.session;
    const failed = (error) => this.failedHandle(remoteName, error);
    if (!this.available()) return failed(this.unavailable());
    if (compression !== Compression.NONE && compression !== 'none') {
      return failed(new this.AldisError(ErrorCode.CAPABILITY_UNAVAILABLE,
        'this client sends chunks uncompressed; it has no LZ4 compressor'));
    }
    if (BigInt(blob.size) > session.maxFileSize) {
      return failed(new this.AldisError(ErrorCode.FILE_TOO_LARGE,
        `${remoteName} has ${blob.size} bytes; the node takes files of at most ${session.maxFileSize} bytes`));
    }
    const chunkSize = Math.min(options.chunkSize ?? session.maxChunkSize, session.maxChunkSize);
    if (!(Number.isInteger(chunkSize) && chunkSize >= 1)) throw new RangeError('chunkSize must be a positive integer');
    const upload = new Upload(this, blob, remoteName, { ...options, chunkSize });
    this.all.add(upload);
    upload.request();
    return upload.handle();
  }

  download(remoteName, options = {}) {
    if (typeof remoteName !== 'string' || remoteName.length === 0) throw new TypeError('remoteName must be a non-empty string');
    if (!this.available()) return this.failedHandle(remoteName, this.unavailable());
    const download = new Download(this, remoteName, options);
    this.all.add(download);
    download.request();
    return download.handle();
  }

  failedHandle(remoteName, error) {
    const result = Promise.reject(error);
    return Object.freeze({ id: undefined, name: remoteName, result, cancel: () => {} });
  }

  list(pattern = '', options = {}) {
    if (!this.available()) return Promise.reject(this.unavailable());
    const offset = options.offset ?? 0;
    const limit = Math.min(options.limit ?? MAX_LIST_LIMIT, MAX_LIST_LIMIT);
    const id = this.client._id();
    return this.client._request(id, { type: 'LIST_REQUEST', requestId: id, pattern, offset, limit },
      this.client._ackTimeout('LIST_REQUEST')).then((frame) => ({
      totalCount: frame.totalCount,
      entries: frame.entries.map((e) => ({ name: e.name, size: Number(e.size), modified: new Date(Number(e.modifiedMillis)) })),
    }));
  }

  remove(remoteName) {
    if (!this.available()) return Promise.reject(this.unavailable());
    const id = this.client._id();
    return this.client._request(id, { type: 'FILE_REMOVE', requestId: id, fileName: remoteName },
      this.client._ackTimeout('FILE_REMOVE')).then(() => undefined);
  }

  // ---------------------------------------------------------------- bookkeeping of the transfers

  register(transfer) {
    const id = this.client._id();
    this.requests.set(id, transfer);
    return id;
  }

  forget(requestId) {
    this.requests.delete(requestId);
  }

  orphan(requestId) {
    this.requests.delete(requestId);
    this.orphans.add(requestId);
  }

  untrack(transfer) {
    if (transfer.transferId !== undefined && this.running.get(transfer.transferId) === transfer) {
      this.running.delete(transfer.transferId);
    }
  }

  /**
   * TRANSFER_ABORT CANCELLED for a transfer the user cancelled, so that the node discards it and
   * lets its reserved space go; while not connected, on the next session.
   */
  abortCancelled(transferId) {
    const frame = { type: 'TRANSFER_ABORT', resumable: false, transferId, code: ErrorCode.CANCELLED,
      reason: 'cancelled by the user', details: '' };
    if (!this.available()) {
      this.cancelledAway.add(transferId);
      return;
    }
    this.client.sendFrame(frame).catch(() => this.cancelledAway.add(transferId));
  }

  /** A transfer ended: its id is kept a while so that frames still on their way are dropped quietly. */
  ended(transfer) {
    this.all.delete(transfer);
    if (transfer.requestId !== undefined) this.requests.delete(transfer.requestId);
    this.untrack(transfer);
    if (transfer.transferId !== undefined) {
      this.endedIds.add(transfer.transferId);
      if (this.endedIds.size > ENDED_IDS_KEPT) this.endedIds.delete(this.endedIds.values().next().value);
    }
  }

  // ---------------------------------------------------------------- frames

  /** Takes a frame of file transfer; false for any other frame. */
  handle(frame) {
    switch (frame.type) {
      case 'UPLOAD_ACCEPT':
      case 'DOWNLOAD_ACCEPT': this.accepted(frame); return true;
      case 'UPLOAD_REJECT': this.answered(frame)?.onReject(frame, `the node refused to store ${this.nameOf(frame)}`); return true;
      case 'DOWNLOAD_REJECT': this.answered(frame)?.onReject(frame, `the node refused to send ${this.nameOf(frame)}`); return true;
      case 'RESUME_RESPONSE': this.resumeAnswered(frame); return true;
      case 'LIST_RESPONSE': this.client._settle(frame.requestId, frame); return true;
      case 'CHUNK_DATA': this.forTransfer(frame, true)?.onChunk(frame); return true;
      case 'DOWNLOAD_COMPLETE': this.forTransfer(frame, true)?.onComplete(frame); return true;
      case 'CHUNK_ACK': this.forTransfer(frame, false)?.onAck?.(frame); return true;
      case 'CHUNK_NACK': this.forTransfer(frame, false)?.onNack?.(frame); return true;
      case 'UPLOAD_VERIFY': this.forTransfer(frame, false)?.onVerify?.(frame); return true;
      case 'TRANSFER_ABORT': this.forTransfer(frame, false)?.onAbort(frame); return true;
      case 'ERROR': return this.refused(frame);
      default: return false;
    }
  }

  nameOf(frame) {
    return this.requests.get(frame.requestId)?.remoteName ?? 'the file';
  }

  /** The transfer a request id belongs to, no longer waiting for an answer. */
  answered(frame) {
    const transfer = this.requests.get(frame.requestId);
    if (transfer) {
      this.requests.delete(frame.requestId);
      transfer.requestId = undefined;
    }
    return transfer;
  }

  accepted(frame) {
    if (this.orphans.delete(frame.requestId)) {
      this.client.sendFrame({ type: 'TRANSFER_ABORT', resumable: false, transferId: frame.transferId,
        code: ErrorCode.CANCELLED, reason: 'cancelled by the user', details: '' }).catch(() => {});
      return;
    }
    const transfer = this.answered(frame);
    if (!transfer) return;
    // Known by its id before anything else is read: chunks may follow right behind the accept.
    this.running.set(frame.transferId, transfer);
    transfer.onAccept(frame);
  }

  resumeAnswered(frame) {
    const transfer = this.answered(frame);
    if (!transfer) return;
    this.running.set(frame.transferId, transfer);
    transfer.onResumeResponse(frame);
  }

  /**
   * The transfer a frame names. Chunks and DOWNLOAD_COMPLETE of a transfer nobody here runs are
   * answered with TRANSFER_ABORT TRANSFER_NOT_FOUND so the node stops sending; other frames of it
   * are late answers and are dropped, so that two sides never answer each other's aborts (6.5.6).
   */
  forTransfer(frame, answerUnknown) {
    const transfer = this.running.get(frame.transferId);
    if (transfer && !transfer.finished && (transfer.state === 'running' || frame.type === 'TRANSFER_ABORT'
      || frame.type === 'UPLOAD_VERIFY')) {
      return transfer;
    }
    if (answerUnknown && !transfer && !this.endedIds.has(frame.transferId)) {
      this.client.sendFrame({ type: 'TRANSFER_ABORT', resumable: false, transferId: frame.transferId,
        code: ErrorCode.TRANSFER_NOT_FOUND, reason: 'this client runs no such transfer', details: '' }).catch(() => {});
    }
    return undefined;
  }

  /** ERROR answering a transfer's request (e.g. CAPABILITY_UNAVAILABLE); false for other errors. */
  refused(frame) {
    if (frame.requestId === 0n) return false;
    if (this.orphans.delete(frame.requestId)) return true;
    const transfer = this.requests.get(frame.requestId);
    if (!transfer) return false;
    this.answered(frame);
    if (frame.code === ErrorCode.CAPABILITY_UNAVAILABLE && transfer.transferId !== undefined) {
      transfer.suspend(); // file transfer went away meanwhile: go on when it is back
      return true;
    }
    transfer.fail(new this.AldisError(frame.code, frame.message));
    return true;
  }

  // ---------------------------------------------------------------- the session around them

  /** The connection broke and the client reconnects: every transfer waits for the next session. */
  suspendAll() {
    this.orphans.clear();
    for (const transfer of this.all) transfer.suspend();
  }

  /** A session opened (again): transfers that wait go on, if it offers file transfer. */
  resumeAll() {
    if (!this.available()) return;
    const cancelled = [...this.cancelledAway];
    this.cancelledAway.clear();
    for (const transferId of cancelled) this.abortCancelled(transferId);
    for (const transfer of [...this.all]) {
      if (transfer.state === 'waiting') transfer.resume();
    }
  }

  /** The node's capabilities changed: transfers stop while file transfer is away and go on when it is back. */
  capabilitiesChanged() {
    if (this.available()) {
      this.resumeAll();
    } else {
      for (const transfer of this.all) transfer.suspend();
    }
  }

  /** The client gave up or was closed: every unfinished transfer fails with `error`. */
  failAll(error) {
    this.orphans.clear();
    for (const transfer of [...this.all]) transfer.fail(error);
  }
}
