// The node's side of file transfer (docs/protocol.md 6.5), written from the document for the fake
// node: it stores uploads, serves downloads, lists and removes, keeps transfers across a broken
// connection for RESUME_REQUEST, and records every rule the client breaks in `violations`.
// Tests steer it with the hooks below (NACK a chunk, corrupt a chunk, cut the connection after a
// number of chunks).

import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { decodeFrame, encodeFrame, joinFrames, splitFrames } from '../src/codec.js';

const ZEROS = new Uint8Array(32);
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const sha256 = (bytes) => new Uint8Array(createHash('sha256').update(bytes).digest());
const concat = (chunks) => new Uint8Array(Buffer.concat(chunks.map((c) => Buffer.from(c))));

export class FileNode {
  constructor(node, { window = 4, chunkSize = 8, downloadChunkSize = 8 } = {}) {
    this.node = node;
    this.window = window;
    this.maxChunkSize = chunkSize; // what UPLOAD_ACCEPT lowers a larger ask to
    this.downloadChunkSize = downloadChunkSize;
    this.files = new Map(); // name -> {bytes, modifiedMillis}
    this.transfers = new Map(); // transfer id -> transfer
    this.violations = [];
    this.nextId = 1;
    // Hooks
    this.nackOnce = new Set(); // upload chunk indexes answered once with CHUNK_NACK
    this.corruptOnce = new Set(); // download chunk indexes sent once with a wrong CRC-32
    this.cutAfterChunks = undefined; // cut the connection after this many CHUNK_DATA frames either way
    this.chunkFrames = 0;
    this.compressDownloads = false;
    this.loseVerifyOnce = false; // cut the connection instead of sending the next UPLOAD_VERIFY
    // Per upload, the chunks the client sent whose CHUNK_ACK it has not read yet, counted at the
    // moment it sends (so the window is checked from the client's own view).
    this.inFlight = new Map();
    const files = this;
    const send = node.WebSocket.prototype.send;
    node.WebSocket.prototype.send = function sendAndCount(data) {
      const frames = this.batched ? splitFrames(data).map((bytes) => decodeFrame(bytes)) : [decodeFrame(data)];
      for (const frame of frames) {
        if (frame.type === 'CHUNK_DATA' && files.transfers.get(frame.transferId)?.direction === 1) {
          const flying = files.inFlight.get(frame.transferId) ?? new Set();
          files.inFlight.set(frame.transferId, flying);
          flying.add(frame.chunkIndex);
          if (flying.size > files.window) {
            files.violation(`chunk ${frame.chunkIndex} sent with ${flying.size - 1} unacknowledged, window ${files.window}`);
          }
        }
      }
      return send.call(this, data);
    };
    for (const type of ['UPLOAD_REQUEST', 'DOWNLOAD_REQUEST', 'CHUNK_DATA', 'CHUNK_ACK', 'CHUNK_NACK', 'UPLOAD_COMPLETE',
      'DOWNLOAD_VERIFY', 'LIST_REQUEST', 'FILE_REMOVE', 'RESUME_REQUEST', 'TRANSFER_ABORT']) {
      node.on(type, (socket, frame) => this[type](socket, frame));
    }
  }

  violation(text) {
    this.violations.push(text);
  }

  transferId() {
    return `00000000-0000-4000-8000-${String(this.nextId++).padStart(12, '0')}`;
  }

  countChunk(socket) {
    this.chunkFrames += 1;
    if (this.cutAfterChunks !== undefined && this.chunkFrames >= this.cutAfterChunks) {
      this.cutAfterChunks = undefined;
      this.park();
      socket.cut();
      return true;
    }
    return false;
  }

  /** The connection broke: every transfer waits at its checkpoint (6.5.6). */
  park() {
    for (const t of this.transfers.values()) {
      t.socket = undefined;
      t.unacked?.clear();
      t.pendingAcks = [];
    }
    this.inFlight.clear(); // the broken connection took its frames with it
  }

  // ---------------------------------------------------------------- upload

  UPLOAD_REQUEST(socket, f) {
    const size = Number(f.fileSize);
    if (f.compression !== 0) this.violation(`upload asked for compression ${f.compression}`);
    if (f.chunkCount !== (size === 0 ? 0 : Math.ceil(size / f.chunkSize))) {
      this.violation(`chunkCount ${f.chunkCount} does not follow from ${size} and ${f.chunkSize}`);
    }
    if (this.refuseUpload) {
      socket.deliver({ type: 'UPLOAD_REJECT', requestId: f.requestId, ...this.refuseUpload });
      return;
    }
    const chunkSize = Math.min(f.chunkSize, this.maxChunkSize);
    const id = this.transferId();
    this.transfers.set(id, { id, direction: 1, socket, name: f.fileName, size, chunkSize,
      chunkCount: size === 0 ? 0 : Math.ceil(size / chunkSize), hash: f.fileHash, chunks: new Map(), unacked: new Set() });
    socket.deliver({ type: 'UPLOAD_ACCEPT', requestId: f.requestId, transferId: id, chunkSize, window: this.window });
  }

  CHUNK_DATA(socket, f) {
    const t = this.transfers.get(f.transferId);
    if (!t || t.socket !== socket) {
      socket.deliver({ type: 'TRANSFER_ABORT', resumable: !!t, transferId: f.transferId, code: -710, reason: 'unknown',
        details: '' });
      return;
    }
    if (this.countChunk(socket)) return;
    const i = f.chunkIndex;
    if (!t.chunks.has(i) && !t.unacked.has(i)) {
      t.unacked.add(i);
      if (t.unacked.size > this.window) this.violation(`chunk ${i} sent beyond the window of ${this.window}`);
    }
    if (f.compressed) this.violation(`chunk ${i} came compressed`);
    const expected = Math.min(t.chunkSize, t.size - i * t.chunkSize);
    if (i >= t.chunkCount || f.originalSize !== expected || f.data.length !== expected) {
      this.violation(`chunk ${i} has ${f.data.length} bytes, expected ${expected}`);
    }
    if (f.last !== (i === t.chunkCount - 1)) this.violation(`chunk ${i} LAST flag ${f.last}`);
    if (zlib.crc32(f.data) !== f.crc32) {
      this.violation(`chunk ${i} carries a wrong CRC-32`);
      socket.deliver({ type: 'CHUNK_NACK', transferId: t.id, chunkIndex: i, code: -720 });
      return;
    }
    if (this.nackOnce.delete(i)) {
      t.nacked = (t.nacked ?? 0) + 1;
      socket.deliver({ type: 'CHUNK_NACK', transferId: t.id, chunkIndex: i, code: -720 });
      return;
    }
    if (t.chunks.has(i)) t.again = (t.again ?? 0) + 1;
    t.chunks.set(i, f.data);
    // Acknowledgements are held until the window is full (or the file is whole), so that a client
    // that sends beyond its window is seen doing so.
    t.pendingAcks = [...(t.pendingAcks ?? []), i];
    if (t.unacked.size >= this.window || t.chunks.size === t.chunkCount) {
      // A moment later, which gives a client that would send beyond its window the time to do so.
      const due = t.pendingAcks;
      t.pendingAcks = [];
      setTimeout(() => {
        for (const index of due) {
          t.unacked.delete(index);
          this.ack(socket, t, index);
        }
      }, 1);
    }
  }

  /** CHUNK_ACK to the client; the chunk leaves the client's window when the client reads it. */
  ack(socket, t, index) {
    const frame = encodeFrame({ type: 'CHUNK_ACK', transferId: t.id, chunkIndex: index });
    const bytes = socket.batched ? joinFrames([frame]) : frame;
    queueMicrotask(() => {
      if (socket.closed) return;
      this.inFlight.get(t.id)?.delete(index);
      socket.onmessage?.({ data: bytes.buffer });
    });
  }

  UPLOAD_COMPLETE(socket, f) {
    const t = this.transfers.get(f.transferId);
    if (!t || t.socket !== socket) return;
    if (t.verified) {
      // Verified before, its answer lost (6.5.7): the same answer again.
      socket.deliver({ type: 'UPLOAD_VERIFY', verified: hex(t.verified) === hex(f.fileHash), transferId: t.id,
        computedHash: t.verified, storedName: t.name });
      this.transfers.delete(t.id);
      return;
    }
    if (t.chunks.size !== t.chunkCount) {
      this.violation(`UPLOAD_COMPLETE with ${t.chunkCount - t.chunks.size} chunks missing`);
      socket.deliver({ type: 'TRANSFER_ABORT', resumable: true, transferId: t.id, code: -100, reason: 'missing', details: '' });
      return;
    }
    const bytes = concat([...Array(t.chunkCount).keys()].map((i) => t.chunks.get(i)));
    const computed = sha256(bytes);
    const verified = hex(computed) === hex(f.fileHash) && (hex(t.hash) === hex(ZEROS) || hex(t.hash) === hex(f.fileHash));
    if (verified) this.files.set(t.name, { bytes, modifiedMillis: 1700000000000 });
    if (verified && this.loseVerifyOnce) {
      this.loseVerifyOnce = false;
      t.verified = computed; // remembered, as the node remembers verified uploads for a resume
      this.park();
      socket.cut();
      return;
    }
    this.transfers.delete(t.id);
    socket.deliver({ type: 'UPLOAD_VERIFY', verified, transferId: t.id, computedHash: computed,
      storedName: verified ? t.name : '' });
  }

  // ---------------------------------------------------------------- download

  DOWNLOAD_REQUEST(socket, f) {
    const file = this.files.get(f.fileName);
    if (!file) {
      socket.deliver({ type: 'DOWNLOAD_REJECT', requestId: f.requestId, code: -746, reason: `no file ${f.fileName}`,
        details: '' });
      return;
    }
    if (f.compression !== 0) this.violation(`download accepts compression ${f.compression}`);
    const chunkSize = f.chunkSize || this.downloadChunkSize;
    const size = file.bytes.length;
    const id = this.transferId();
    const t = { id, direction: 2, socket, name: f.fileName, bytes: file.bytes, size, chunkSize,
      chunkCount: size === 0 ? 0 : Math.ceil(size / chunkSize), hash: sha256(file.bytes), acked: new Set(),
      unacked: new Set(), next: 0 };
    this.transfers.set(id, t);
    socket.deliver({ type: 'DOWNLOAD_ACCEPT', requestId: f.requestId, transferId: id, fileSize: BigInt(size),
      fileHash: t.hash, chunkCount: t.chunkCount, chunkSize, compression: this.compressDownloads ? 2 : 0,
      window: this.window });
    t.toSend = [...Array(t.chunkCount).keys()];
    this.sendChunks(t);
  }

  sendChunks(t) {
    while (t.socket && t.unacked.size < this.window && t.toSend.length > 0) {
      const i = t.toSend.shift();
      if (t.acked.has(i)) continue;
      this.sendChunk(t, i);
      if (!t.socket) return;
    }
    if (t.socket && t.acked.size === t.chunkCount && !t.completeSent) {
      t.completeSent = true;
      t.socket.deliver({ type: 'DOWNLOAD_COMPLETE', transferId: t.id });
    }
  }

  sendChunk(t, i) {
    const data = t.bytes.slice(i * t.chunkSize, Math.min((i + 1) * t.chunkSize, t.size));
    let crc = zlib.crc32(data);
    if (this.corruptOnce.delete(i)) crc = (crc ^ 1) >>> 0;
    t.unacked.add(i);
    t.socket.deliver({ type: 'CHUNK_DATA', compressed: false, last: i === t.chunkCount - 1, transferId: t.id,
      chunkIndex: i, originalSize: data.length, crc32: crc, data });
    const socket = t.socket;
    if (this.countChunk(socket)) t.socket = undefined;
  }

  CHUNK_ACK(socket, f) {
    const t = this.transfers.get(f.transferId);
    if (!t || t.socket !== socket || t.direction !== 2) return;
    t.unacked.delete(f.chunkIndex);
    t.acked.add(f.chunkIndex);
    this.sendChunks(t);
  }

  CHUNK_NACK(socket, f) {
    const t = this.transfers.get(f.transferId);
    if (!t || t.socket !== socket || t.direction !== 2) return;
    t.nacks = [...(t.nacks ?? []), { index: f.chunkIndex, code: f.code }];
    this.sendChunk(t, f.chunkIndex);
  }

  DOWNLOAD_VERIFY(socket, f) {
    const t = this.transfers.get(f.transferId);
    if (!t) return;
    this.transfers.delete(t.id);
    this.verified = [...(this.verified ?? []), { name: t.name, verified: f.verified, nacks: t.nacks ?? [] }];
  }

  // ---------------------------------------------------------------- the rest

  LIST_REQUEST(socket, f) {
    const names = [...this.files.keys()].filter((n) => f.pattern === '' || new RegExp(`^${f.pattern.replace(/\./g, '\\.')
      .replace(/\*/g, '[^/]*')}$`).test(n)).sort();
    const page = names.slice(f.offset, f.offset + f.limit);
    socket.deliver({ type: 'LIST_RESPONSE', requestId: f.requestId, totalCount: names.length,
      entries: page.map((name) => ({ name, size: BigInt(this.files.get(name).bytes.length),
        modifiedMillis: BigInt(this.files.get(name).modifiedMillis) })) });
  }

  FILE_REMOVE(socket, f) {
    if (!this.files.delete(f.fileName)) {
      socket.deliver({ type: 'ERROR', requestId: f.requestId, code: -746, message: `no file ${f.fileName}`, details: '' });
      return;
    }
    socket.deliver({ type: 'ACK', requestId: f.requestId, json: '' });
  }

  RESUME_REQUEST(socket, f) {
    const t = this.transfers.get(f.transferId);
    const none = { totalChunks: 0, chunkSize: 0, window: 0, chunksReceived: [], chunksMissing: [] };
    if (!t || t.direction !== f.direction) {
      socket.deliver({ type: 'RESUME_RESPONSE', requestId: f.requestId, transferId: f.transferId, status: 1, ...none });
      return;
    }
    if (hex(f.fileHash) !== hex(t.direction === 1 ? t.hash : t.hash)) {
      socket.deliver({ type: 'RESUME_RESPONSE', requestId: f.requestId, transferId: f.transferId, status: 2, ...none });
      return;
    }
    t.socket = socket;
    t.unacked = new Set();
    t.resumes = [...(t.resumes ?? []), f.chunksHeld];
    const all = [...Array(t.chunkCount).keys()];
    const received = t.direction === 1 ? all.filter((i) => t.chunks.has(i)) : heldIndexes(f.chunksHeld);
    const missing = all.filter((i) => !received.includes(i));
    socket.deliver({ type: 'RESUME_RESPONSE', requestId: f.requestId, transferId: t.id, status: 0,
      totalChunks: t.chunkCount, chunkSize: t.chunkSize, window: this.window,
      chunksReceived: ranges(received), chunksMissing: ranges(missing) });
    if (t.direction === 2) {
      t.acked = new Set(received);
      t.toSend = missing;
      t.completeSent = false;
      this.sendChunks(t);
    }
  }

  TRANSFER_ABORT(socket, f) {
    const t = this.transfers.get(f.transferId);
    if (!t) return;
    this.aborts = [...(this.aborts ?? []), { name: t.name, code: f.code, resumable: f.resumable }];
    if (!f.resumable) this.transfers.delete(t.id);
  }
}

function heldIndexes(rangeList) {
  const out = [];
  for (const { first, last } of rangeList) for (let i = first; i <= last; i++) out.push(i);
  return out;
}

function ranges(indexes) {
  const out = [];
  for (const i of indexes) {
    const last = out[out.length - 1];
    if (last && last.last + 1 === i) last.last = i;
    else out.push({ first: i, last: i });
  }
  return out;
}
