// Aldis browser client: protocol v1 over WebSocket (subprotocol "aldis.v1.batch", several
// length-prefixed frames per binary message, or "aldis.v1", one frame per message, whichever the
// node chooses). No dependencies; works as a <script type="module"> import and under Node.js with
// an injected WebSocket constructor.
//
// The node's WebSocket listener serves a fixed list of modules to the browser: this file,
// codec.js, scram.js, files.js (file transfer) and digest.js (its checksums). Every other part of
// the client stays in this module, a section per concern: errors, received messages, the
// connection, streams (credit and the copies kept for a resume, items, receiving, sending, one
// call, which call a frame belongs to), and the client.

import {
  Capability, CreditMode, DEFAULT_MAX_FRAME_SIZE, ErrorCode, FrameError, LENGTH_PREFIX, MAX_NODE_ADDRESSES,
  PRE_HANDSHAKE_MAX_FRAME_SIZE, PROTOCOL_VERSION, decodeFrame, encodeFrame, errorName, fromUtf8, joinFrames,
  splitFrames, toBytes, utf8,
} from './codec.js';
import { SCRAM_MECHANISM, ScramClient } from './scram.js';
import { FileTransfers } from './files.js';

export * from './codec.js';
export { ScramClient, ScramError, SCRAM_MECHANISM } from './scram.js';
export { Sha256, crc32, hexOf, sha256Of } from './digest.js';

export const DEFAULT_URL = 'ws://127.0.0.1:7441/aldis';
export const SUBPROTOCOL = 'aldis.v1';
/**
 * Several length-prefixed frames per message (docs/protocol.md 2.2). Offered first; a node that
 * does not know it chooses SUBPROTOCOL, and the client then sends one frame per message.
 */
export const BATCH_SUBPROTOCOL = 'aldis.v1.batch';

/**
 * What this client can use: typed messages, pub/sub, RPC, streams, file transfer, resume tokens and
 * PAUSE/RESUME. Not LZ4: the client has no LZ4 codec, so it sends file chunks uncompressed and the
 * node sends it none compressed.
 */
export const CLIENT_CAPABILITIES = Capability.MESSAGES | Capability.PUBSUB | Capability.RPC | Capability.STREAMS
  | Capability.FILE_TRANSFER | Capability.RESUME_TOKEN | Capability.FLOW_CONTROL | Capability.NODE_ADDRESSES;

/** Failures after which reconnecting cannot help. */
const FATAL = new Set([ErrorCode.AUTH_FAILED, ErrorCode.UNSUPPORTED_VERSION, ErrorCode.AUTH_REQUIRED,
  ErrorCode.AUTH_MECHANISM_UNSUPPORTED, ErrorCode.AUTH_MECHANISM_NOT_ALLOWED]);

/** Frames that may be sent while the node has paused us (section 4.7). */
const CONTROL = new Set(['PING', 'PONG', 'CLOSE', 'CLOSE_ACK', 'STREAM_CREDIT', 'CHUNK_ACK', 'CHUNK_NACK']);

/**
 * A failure reported by the node or detected by the client. `code` is a protocol error code
 * (ErrorCode); unknown codes are kept as numbers. `details` is the parsed JSON details, if any.
 */
export class AldisError extends Error {
  constructor(code, message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AldisError';
    this.code = code;
    this.codeName = errorName(code);
    this.details = options.details;
    if (options.requestId !== undefined) this.requestId = options.requestId;
  }

  /** The error an ERROR or RPC_ERROR frame describes. */
  static fromFrame(frame) {
    return new AldisError(frame.code, frame.message, {
      details: parseDetails(frame.details),
      requestId: frame.requestId ?? frame.callId,
    });
  }
}

function parseDetails(json) {
  if (!json) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return { raw: json };
  }
}

// ------------------------------------------------------------------ received messages

/** A DELIVER (pub/sub) or MESSAGE (typed message) as handed to application code. */
export class AldisMessage {
  constructor(client, fields) {
    Object.defineProperty(this, '_client', { value: client });
    Object.assign(this, fields);
  }

  /** The payload as UTF-8 text (strict: invalid UTF-8 throws). */
  text() {
    return fromUtf8(this.payload);
  }

  /** The payload parsed as JSON. */
  json() {
    return JSON.parse(this.text());
  }

  /**
   * Answers the message: for a DELIVER with a reply subject, publishes to it; for a MESSAGE from
   * the node that wants a reply, sends a MESSAGE with REPLY and the same correlation id.
   */
  respond(payload, options = {}) {
    if (this.subject !== undefined) {
      if (!this.replyTo) return Promise.reject(new AldisError(ErrorCode.PROTOCOL_ERROR, 'the message has no reply subject'));
      return this._client.publish(this.replyTo, payload, options);
    }
    if (!this.correlationId) {
      return Promise.reject(new AldisError(ErrorCode.PROTOCOL_ERROR, 'the sender wants no reply'));
    }
    return this._client.sendFrame({ type: 'MESSAGE', reply: true, correlationId: this.correlationId,
      messageType: this.messageType, payload: toBytes(payload) });
  }
}

// ------------------------------------------------------------------ utilities

const realTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
  // Monotonic: every use is a difference of two readings, which a clock set back must not upset.
  now: () => globalThis.performance.now(),
};

function randomUuid() {
  if (typeof globalThis.crypto?.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function randomToken() {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(12));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function plainMessage(user, password) {
  const u = utf8(user, 'user');
  const p = utf8(password, 'password');
  const out = new Uint8Array(2 + u.length + p.length);
  out.set(u, 1);
  out.set(p, 2 + u.length);
  return out;
}

/** A URL as the URL parser writes it, so that two spellings of one address compare equal. */
function normalUrl(text) {
  try {
    return new URL(text).href;
  } catch {
    return text;
  }
}

/**
 * Whether `url` names the node at `other` (a URL string) under another name: the same scheme and
 * port, and the same host or both a loopback host. A browser cannot see the address a name resolved
 * to, so a node listed by IP address is recognised only on loopback.
 */
function sameNode(url, other) {
  let that;
  try {
    that = new URL(other);
  } catch {
    return false;
  }
  if (url.protocol !== that.protocol || portOf(url) !== portOf(that)) return false;
  return url.hostname === that.hostname || (isLoopback(url.hostname) && isLoopback(that.hostname));
}

function portOf(url) {
  return url.port || (url.protocol === 'wss:' ? '443' : '80');
}

function isLoopback(hostname) {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function notConnected(state) {
  return new AldisError(ErrorCode.CONNECTION_LOST, `not connected (${state})`);
}

/**
 * The delay before reconnect attempt `attempt` (from 1): initialDelayMs doubled per attempt up
 * to maxDelayMs, then spread by ±jitter using `random` (a function returning [0, 1)).
 */
export function backoffDelay(policy, attempt, random = Math.random) {
  let delay = policy.initialDelayMs;
  for (let i = 1; i < attempt && delay < policy.maxDelayMs; i++) delay *= 2;
  delay = Math.min(delay, policy.maxDelayMs);
  if (policy.jitter > 0) delay *= 1 + (random() * 2 - 1) * policy.jitter;
  return Math.max(0, Math.round(delay));
}

// ------------------------------------------------------------------ one connection

/**
 * One WebSocket and the session protocol on it: handshake (token or SCRAM / PLAIN), heartbeats,
 * PAUSE/RESUME and CLOSE. Work frames are handed to the client. Not exported.
 */
class Connection {
  constructor(client, resumeToken, url) {
    this.client = client;
    this.opts = client._options;
    this.url = url;
    this.timers = this.opts.timers;
    this.resumeToken = resumeToken ?? '';
    this.phase = 'new';
    this.ack = undefined;
    this.scram = undefined;
    this.paused = false;
    this.queue = [];
    this.busy = false;
    this.backlog = [];
    this.lastSent = 0;
    this.lastReceived = 0;
    this.batched = false;
    this.outbox = []; // encoded frames written in this turn, under the batched subprotocol
    this.outboxScheduled = false;
    this.pingNonce = 1n;
    this.handshakeTimer = undefined;
    this.writeTimer = undefined;
    this.readTimer = undefined;
    this.closeTimer = undefined;
    this.opened = false;
    this.finished = new Promise((resolve) => { this._finish = resolve; });
  }

  start() {
    let ws;
    try {
      ws = new this.opts.WebSocket(this.url, [BATCH_SUBPROTOCOL, SUBPROTOCOL]);
    } catch (e) {
      queueMicrotask(() => this.lose({ code: ErrorCode.CONNECTION_FAILED, message: `cannot open ${this.url}: ${e.message}` }, true, e));
      return;
    }
    this.ws = ws;
    this.phase = 'connecting';
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => this.onOpen();
    ws.onmessage = (event) => this.onData(event.data);
    ws.onclose = (event) => this.onTransportClosed(event);
    ws.onerror = () => {}; // a close event follows and carries the outcome
    if (this.opts.connectTimeoutMs > 0) {
      this.handshakeTimer = this.timers.setTimeout(() => {
        this.handshakeTimer = undefined;
        this.lose({ code: ErrorCode.CONNECTION_TIMEOUT, message: `no session after ${this.opts.connectTimeoutMs} ms` }, true);
      }, this.opts.connectTimeoutMs);
    }
  }

  onOpen() {
    if (this.phase !== 'connecting') return;
    this.phase = 'await-ack';
    // The node's choice among the offered subprotocols; anything else (an older node) means one frame per message.
    this.batched = this.ws.protocol === BATCH_SUBPROTOCOL;
    this.lastReceived = this.timers.now();
    this.write({ type: 'CONNECT', version: PROTOCOL_VERSION, capabilities: this.opts.capabilities,
      clientId: this.opts.clientId, resumeToken: this.resumeToken, clientName: this.opts.clientName });
  }

  get maxFrameSize() {
    return this.ack ? this.ack.maxFrameSize : PRE_HANDSHAKE_MAX_FRAME_SIZE;
  }

  /** Writes a frame now; protocol-internal frames only. */
  write(frame) {
    this.writeBytes(encodeFrame(frame));
  }

  /**
   * Sends an encoded frame: at once under the one-frame subprotocol; under the batched one, with
   * every other frame written in this turn of the event loop, in as few messages as the limit allows.
   */
  writeBytes(bytes) {
    if (this.phase === 'closed') return;
    if (!this.batched) {
      this.sendMessage(bytes);
      return;
    }
    this.outbox.push(bytes);
    if (!this.outboxScheduled) {
      this.outboxScheduled = true;
      queueMicrotask(() => this.flushOutbox());
    }
  }

  /** Sends the frames written in this turn, whole frames only, no message above the limit (section 2.2). */
  flushOutbox() {
    this.outboxScheduled = false;
    const frames = this.outbox;
    this.outbox = [];
    if (frames.length === 0) return;
    // Before authentication the node holds a client to the handshake limit whatever CONNECT_ACK says.
    const authenticated = this.phase === 'open' || this.phase === 'closing';
    const maxMessage = (authenticated ? this.maxFrameSize : PRE_HANDSHAKE_MAX_FRAME_SIZE) + LENGTH_PREFIX;
    let batch = [];
    let length = 0;
    for (const frame of frames) {
      if (batch.length > 0 && length + LENGTH_PREFIX + frame.length > maxMessage) {
        this.sendMessage(joinFrames(batch));
        batch = [];
        length = 0;
      }
      batch.push(frame);
      length += LENGTH_PREFIX + frame.length;
    }
    this.sendMessage(joinFrames(batch));
  }

  sendMessage(bytes) {
    if (this.phase === 'closed') return;
    try {
      this.ws.send(bytes);
      this.lastSent = this.timers.now();
    } catch (e) {
      this.lose({ code: ErrorCode.CONNECTION_LOST, message: `send failed: ${e.message}` }, true, e);
    }
  }

  // ---------------------------------------------------------------- inbound

  onData(data) {
    if (this.phase === 'closed') return;
    this.lastReceived = this.timers.now();
    if (typeof data === 'string') {
      this.violation(ErrorCode.PROTOCOL_ERROR, 'the node sent a text message; Aldis frames are binary');
      return;
    }
    const limit = this.ack ? this.ack.maxFrameSize : DEFAULT_MAX_FRAME_SIZE;
    if (!this.batched) {
      this.onFrameBytes(toBytes(data, 'message'), limit);
      return;
    }
    let frames;
    try {
      frames = splitFrames(data, { maxFrameSize: limit });
    } catch (e) {
      const code = e instanceof FrameError ? e.code : ErrorCode.MALFORMED_FRAME;
      this.violation(code, `undecodable message from the node: ${e.message}`);
      return;
    }
    for (const bytes of frames) {
      if (this.phase === 'closed') return;
      this.onFrameBytes(bytes, limit);
    }
  }

  onFrameBytes(bytes, limit) {
    let frame;
    try {
      frame = decodeFrame(bytes, { maxFrameSize: limit });
    } catch (e) {
      if (e instanceof FrameError && e.code === ErrorCode.UNKNOWN_FRAME_TYPE) {
        this.write({ type: 'ERROR', requestId: 0n, code: e.code, message: e.message, details: '' });
        return; // the frame boundary is known: skip it and carry on
      }
      const code = e instanceof FrameError ? e.code : ErrorCode.MALFORMED_FRAME;
      this.violation(code, `undecodable frame from the node: ${e.message}`);
      return;
    }
    if (frame.type === 'PING') {
      // Answered at once in every phase, also while paused or in the middle of authentication.
      this.write({ type: 'PONG', nonce: frame.nonce });
      return;
    }
    if (this.busy) {
      this.backlog.push(frame);
      return;
    }
    this.handle(frame);
  }

  /** Tells the node what was wrong and closes the connection. */
  violation(code, message) {
    this.write({ type: 'ERROR', requestId: 0n, code, message: message.slice(0, 1000), details: '' });
    this.lose({ code, message }, true);
  }

  handle(frame) {
    switch (frame.type) {
      case 'PONG': return;
      case 'CLOSE': this.onRemoteClose(frame); return;
      case 'PAUSE': this.setPaused(true); return;
      case 'RESUME': this.setPaused(false); return;
      default: break;
    }
    switch (this.phase) {
      case 'await-ack': this.onConnectAck(frame); break;
      case 'await-challenge': this.onChallenge(frame); break;
      case 'await-auth-ok': this.onAuthOk(frame); break;
      case 'open':
      case 'closing': this.onSessionFrame(frame); break;
      default: break;
    }
  }

  /** Runs an asynchronous step; frames arriving meanwhile wait, in order, until it ends. */
  runAsync(step) {
    this.busy = true;
    step().catch((e) => this.fail(e)).finally(() => {
      this.busy = false;
      while (!this.busy && this.backlog.length > 0 && this.phase !== 'closed') this.handle(this.backlog.shift());
    });
  }

  // ---------------------------------------------------------------- handshake

  onConnectAck(frame) {
    if (frame.type === 'ERROR') return this.fail(AldisError.fromFrame(frame));
    if (frame.type !== 'CONNECT_ACK') return this.fail(this.unexpected(frame, 'CONNECT_ACK'));
    if (frame.version !== PROTOCOL_VERSION) {
      return this.fail(new AldisError(ErrorCode.UNSUPPORTED_VERSION,
        `the node answered with protocol ${frame.version >> 8}.${frame.version & 0xff}; this client speaks 1.0`));
    }
    this.ack = frame;
    this.installHeartbeat(frame.heartbeatMillis);
    if (frame.authenticated) return this.open(this.client._user ?? this.opts.user ?? '', true);
    return this.startAuthentication();
  }

  startAuthentication() {
    const { user, password, mechanism } = this.opts;
    if (user === undefined || password === undefined) {
      return this.fail(new AldisError(ErrorCode.AUTH_REQUIRED,
        'the node asks for authentication and no user and password are configured'));
    }
    if (this.ack.mechanisms.length > 0 && !this.ack.mechanisms.includes(mechanism)) {
      return this.fail(new AldisError(ErrorCode.AUTH_MECHANISM_UNSUPPORTED,
        `the node offers ${this.ack.mechanisms.join(', ')} on this connection, not ${mechanism}`));
    }
    if (mechanism === 'PLAIN') {
      this.phase = 'await-auth-ok';
      return this.write({ type: 'AUTH_START', mechanism, data: plainMessage(user, password) });
    }
    this.scram = new ScramClient(user, password);
    this.phase = 'await-challenge';
    return this.write({ type: 'AUTH_START', mechanism, data: this.scram.clientFirstMessage() });
  }

  onChallenge(frame) {
    if (frame.type === 'ERROR') return this.fail(AldisError.fromFrame(frame));
    if (frame.type !== 'AUTH_CHALLENGE') return this.fail(this.unexpected(frame, 'AUTH_CHALLENGE'));
    return this.runAsync(async () => {
      let final;
      try {
        final = await this.scram.clientFinalMessage(frame.data);
      } catch (e) {
        throw new AldisError(ErrorCode.AUTH_FAILED, `invalid SCRAM challenge: ${e.message}`, { cause: e });
      }
      if (this.phase !== 'await-challenge') return;
      this.phase = 'await-auth-ok';
      this.write({ type: 'AUTH_RESPONSE', data: final });
    });
  }

  onAuthOk(frame) {
    if (frame.type === 'ERROR') return this.fail(AldisError.fromFrame(frame));
    if (frame.type !== 'AUTH_OK') return this.fail(this.unexpected(frame, 'AUTH_OK'));
    if (this.scram) {
      try {
        this.scram.verifyServerFinal(frame.data);
      } catch (e) {
        // The node could not prove that it knows the credentials: do not trust this session.
        return this.fail(new AldisError(ErrorCode.AUTH_FAILED, `the node's SCRAM signature is wrong: ${e.message}`,
          { cause: e }));
      }
    }
    this.client._tokenIssued(frame.resumeToken, frame.tokenExpiresAt);
    return this.open(frame.user, false);
  }

  open(user, resumed) {
    this.clearTimer('handshakeTimer');
    this.phase = 'open';
    this.opened = true;
    this.scram = undefined;
    const a = this.ack;
    this.client._opened(this, Object.freeze({
      sessionId: a.sessionId,
      user,
      resumed,
      capabilities: a.capabilities,
      maxFrameSize: a.maxFrameSize,
      heartbeatMillis: a.heartbeatMillis,
      maxFileSize: a.maxFileSize,
      maxChunkSize: a.maxChunkSize,
      mechanisms: a.mechanisms,
      nodeName: a.nodeName,
    }));
  }

  unexpected(frame, expected) {
    return new AldisError(ErrorCode.UNEXPECTED_FRAME, `expected ${expected} but got ${frame.type}`);
  }

  /** A failure during the handshake. */
  fail(error) {
    const aldis = error instanceof AldisError ? error
      : new AldisError(ErrorCode.CONNECTION_FAILED, String(error?.message ?? error), { cause: error });
    this.lose({ code: aldis.code, message: aldis.message }, !FATAL.has(aldis.code), aldis);
  }

  // ---------------------------------------------------------------- session

  onSessionFrame(frame) {
    if (frame.type === 'CAPABILITY_CHANGE') {
      this.client._capabilitiesChanged(frame.capabilities);
      return;
    }
    if (frame.type === 'NODE_ADDRESSES') {
      this.client._learnUrls(frame.addresses);
      return;
    }
    if (frame.type === 'CLOSE_ACK') {
      if (this.phase === 'closing') this.lose({ code: 0, message: 'closed by the client' }, false);
      return;
    }
    this.client._frame(frame);
  }

  /** PAUSE / RESUME from the node, honoured in every phase; RESUME flushes the queue in order. */
  setPaused(paused) {
    if (this.paused === paused) return;
    this.paused = paused;
    if (!paused) this.flushQueue();
    this.client._emit(paused ? 'paused' : 'resumed', {});
  }

  onRemoteClose(frame) {
    const message = frame.message || 'closed by the node';
    const retry = frame.code !== ErrorCode.AUTH_FAILED && frame.code !== ErrorCode.UNSUPPORTED_VERSION;
    this.failQueue(new AldisError(ErrorCode.CONNECTION_LOST, `the node closed the connection: ${message}`));
    this.write({ type: 'CLOSE_ACK' });
    const error = this.opened ? undefined
      : new AldisError(frame.code === 0 ? ErrorCode.CONNECTION_LOST : frame.code, message);
    this.lose({ code: frame.code, message }, retry, error);
  }

  onTransportClosed(event) {
    if (this.phase === 'closed') return;
    if (this.phase === 'closing') {
      this.lose({ code: 0, message: 'closed by the client' }, false);
      return;
    }
    const detail = event && event.code ? ` (WebSocket code ${event.code}${event.reason ? `: ${event.reason}` : ''})` : '';
    this.lose({
      code: this.opened ? ErrorCode.CONNECTION_LOST : ErrorCode.CONNECTION_FAILED,
      message: `connection closed by the node or the network${detail}`,
    }, true);
  }

  // ---------------------------------------------------------------- outbound work

  /**
   * Sends a work frame (already encoded), honouring PAUSE. Resolves once handed to the socket, or,
   * under the batched subprotocol, to the message that leaves at the end of this turn.
   */
  send(type, bytes) {
    if (this.phase !== 'open') return Promise.reject(notConnected(this.phase));
    if (bytes.length > this.maxFrameSize) {
      return Promise.reject(new AldisError(ErrorCode.FRAME_TOO_LARGE,
        `a ${type} frame of ${bytes.length} bytes exceeds the node's maximum of ${this.maxFrameSize}`));
    }
    if (this.paused && !CONTROL.has(type)) {
      if (this.queue.length >= this.opts.maxQueuedWhilePaused) {
        return Promise.reject(new AldisError(ErrorCode.BUSY,
          `the node has paused this client and ${this.queue.length} frames are already queued`));
      }
      return new Promise((resolve, reject) => this.queue.push({ bytes, resolve, reject }));
    }
    this.writeBytes(bytes);
    return this.phase === 'closed' ? Promise.reject(notConnected('closed')) : Promise.resolve();
  }

  flushQueue() {
    while (this.queue.length > 0 && !this.paused && this.phase === 'open') {
      const next = this.queue.shift();
      this.writeBytes(next.bytes);
      if (this.phase === 'closed') next.reject(notConnected('closed'));
      else next.resolve();
    }
  }

  failQueue(error) {
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) q.reject(error);
  }

  // ---------------------------------------------------------------- heartbeat

  installHeartbeat(interval) {
    if (!(interval > 0)) return;
    const checkWrite = () => {
      this.writeTimer = undefined;
      if (this.phase === 'closed') return;
      const idle = this.timers.now() - this.lastSent;
      if (idle >= interval) {
        this.write({ type: 'PING', nonce: this.pingNonce++ });
        this.writeTimer = this.timers.setTimeout(checkWrite, interval);
      } else {
        this.writeTimer = this.timers.setTimeout(checkWrite, interval - idle);
      }
    };
    const checkRead = () => {
      this.readTimer = undefined;
      if (this.phase === 'closed') return;
      const silent = this.timers.now() - this.lastReceived;
      if (silent >= 2 * interval) {
        const message = `nothing received from the node for ${silent} ms`;
        this.write({ type: 'ERROR', requestId: 0n, code: ErrorCode.HEARTBEAT_TIMEOUT, message, details: '' });
        this.lose({ code: ErrorCode.HEARTBEAT_TIMEOUT, message }, true);
      } else {
        this.readTimer = this.timers.setTimeout(checkRead, 2 * interval - silent);
      }
    };
    this.writeTimer = this.timers.setTimeout(checkWrite, Math.max(0, interval - (this.timers.now() - this.lastSent)));
    this.readTimer = this.timers.setTimeout(checkRead, 2 * interval);
  }

  // ---------------------------------------------------------------- close

  /** Graceful close: CLOSE, then the transport closes on CLOSE_ACK or after the timeout. */
  close(timeoutMs) {
    if (this.phase === 'open') {
      this.phase = 'closing';
      this.failQueue(new AldisError(ErrorCode.CONNECTION_LOST, 'the client is closing'));
      this.write({ type: 'CLOSE', code: 0, message: 'client closing' });
      this.closeTimer = this.timers.setTimeout(() => {
        this.closeTimer = undefined;
        this.lose({ code: 0, message: 'closed by the client (no CLOSE_ACK in time)' }, false);
      }, timeoutMs);
    } else if (this.phase !== 'closing' && this.phase !== 'closed') {
      this.lose({ code: 0, message: 'closed by the client' }, false,
        new AldisError(ErrorCode.CONNECTION_FAILED, 'closed by the client'));
    }
    return this.finished;
  }

  clearTimer(name) {
    if (this[name] !== undefined) {
      this.timers.clearTimeout(this[name]);
      this[name] = undefined;
    }
  }

  /** Ends the connection once; tells the client whether reconnecting makes sense. */
  lose(reason, retry, error) {
    if (this.phase === 'closed') return;
    // What this turn wrote goes out before the close: an ERROR or CLOSE that explains it, above all.
    this.flushOutbox();
    if (this.phase === 'closed') return; // the flush itself failed and lost the connection
    this.phase = 'closed';
    this.paused = false;
    for (const t of ['handshakeTimer', 'writeTimer', 'readTimer', 'closeTimer']) this.clearTimer(t);
    this.failQueue(new AldisError(ErrorCode.CONNECTION_LOST, reason.message));
    this.backlog = [];
    if (this.ws) {
      this.ws.onopen = this.ws.onmessage = this.ws.onclose = this.ws.onerror = null;
      try {
        this.ws.close(1000);
      } catch {
        // already closed
      }
    }
    this._finish();
    if (this.opened) {
      this.client._lost(this, reason, retry);
    } else {
      const failure = error ?? new AldisError(reason.code || ErrorCode.CONNECTION_FAILED, reason.message);
      this.client._failed(this, failure, retry);
    }
  }
}

// ------------------------------------------------------------------ streams: credit
//
// Credit of one direction of a stream's items (docs/protocol.md 6.4.3 and 6.4.4): what an item
// costs, what a receiver grants and returns, and what a sender may send. The rules are those of
// the Java side (io.aldis.protocol.api.stream), so both libraries count every item alike.

/** The largest credit of the protocol (a u32 limited to 2^31-1). */
const MAX_CREDIT = 0x7fffffff;

/** The largest cost one item may have under a high-water mark: half of it, rounded up (rule 2). */
function largestItemCost(highWaterMark) {
  return Math.floor((highWaterMark + 1) / 2);
}

/** Whether `value` can be a high-water mark: an integer from 1 to 2^31-1. */
function isHighWaterMark(value) {
  return Number.isInteger(value) && value >= 1 && value <= MAX_CREDIT;
}

/**
 * What one item costs on a stream: 1 in items mode, its byte length in bytes mode, the named size
 * function's value in custom mode; never below 1.
 */
class CreditMeter {
  constructor(mode, sizeFunction, sizeFunctionName) {
    this.mode = mode;
    this.sizeFunction = sizeFunction;
    this.sizeFunctionName = sizeFunctionName;
  }

  /**
   * The meter of a stream as STREAM_OPEN announces it. `metadata` is STREAM_OPEN's JSON text;
   * `sizeFunctions` the functions the application registered (an object or a Map, by name).
   * Throws an AldisError UNKNOWN_SIZE_FUNCTION when custom mode names no function or one this
   * client does not know.
   */
  static forStream(mode, metadata, sizeFunctions) {
    if (mode !== CreditMode.CUSTOM) return new CreditMeter(mode);
    const name = sizeFunctionNameIn(metadata);
    if (name === undefined) {
      throw new AldisError(ErrorCode.UNKNOWN_SIZE_FUNCTION,
        'custom credit mode needs a size function named in the stream\'s metadata');
    }
    const fn = lookUp(sizeFunctions, name);
    if (typeof fn !== 'function') {
      throw new AldisError(ErrorCode.UNKNOWN_SIZE_FUNCTION, `size function '${name}' is not known to this client`);
    }
    return new CreditMeter(mode, fn, name);
  }

  /** The cost of an item given as its bytes on the wire (STREAM_DATA's `item`). */
  costOf(bytes) {
    switch (this.mode) {
      case CreditMode.ITEMS: return 1;
      case CreditMode.BYTES: return Math.max(1, bytes.length);
      default: return this.customCost(bytes);
    }
  }

  customCost(bytes) {
    let value;
    try {
      value = this.sizeFunction(bytes);
    } catch (e) {
      throw new AldisError(ErrorCode.STREAM_FAILED, `size function '${this.sizeFunctionName}' failed on an item`, { cause: e });
    }
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new AldisError(ErrorCode.STREAM_FAILED,
        `size function '${this.sizeFunctionName}' gave ${String(value)}, not a number`);
    }
    return Math.min(MAX_CREDIT, Math.max(1, Math.floor(value)));
  }
}

function sizeFunctionNameIn(metadata) {
  if (!metadata) return undefined;
  let parsed;
  try {
    parsed = JSON.parse(metadata);
  } catch {
    return undefined;
  }
  const name = parsed?.sizeFunction;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

function lookUp(functions, name) {
  if (!functions) return undefined;
  if (functions instanceof Map) return functions.get(name);
  // Own members only: a name such as "toString" must not find Object.prototype's.
  return Object.hasOwn(functions, name) ? functions[name] : undefined;
}

/**
 * The receiver's side of one direction (rules 3 to 5). Three amounts always add up to the
 * high-water mark: the credit handed out and not yet used by an arriving item, the cost of items
 * held and not yet consumed, and the cost consumed and not yet returned.
 */
class ReceiverCredit {
  constructor(highWaterMark) {
    this.highWaterMark = highWaterMark;
    this.handedOut = highWaterMark;
    this.held = 0;
    this.unreturned = 0;
    this.receivedItems = 0;
    this.ended = false;
  }

  /**
   * Counts an arriving item against the credit handed out. Throws the sender's error (the item is
   * not counted): STREAM_ITEM_TOO_LARGE above half the high-water mark, STREAM_CREDIT_EXCEEDED
   * beyond the credit handed out, PROTOCOL_ERROR after the end of the items.
   */
  received(cost) {
    if (this.ended) throw new AldisError(ErrorCode.PROTOCOL_ERROR, 'an item after the end of the stream\'s items');
    const largest = largestItemCost(this.highWaterMark);
    if (cost > largest) {
      throw new AldisError(ErrorCode.STREAM_ITEM_TOO_LARGE, `an item costing ${cost} is more than half the `
        + `high-water mark ${this.highWaterMark} allows (${largest})`);
    }
    if (cost > this.handedOut) {
      throw new AldisError(ErrorCode.STREAM_CREDIT_EXCEEDED,
        `an item costing ${cost} arrived with only ${this.handedOut} credit granted`);
    }
    this.handedOut -= cost;
    this.held += cost;
    this.receivedItems += 1;
  }

  /**
   * Counts an item the application has taken. Returns the credit to return now with
   * STREAM_CREDIT (everything consumed and not returned, once it reaches half the high-water
   * mark), or 0. After the end of the items, the return that would pay back the last of them is
   * left to finalReturn(), which a caller sends only once it has the call's answer.
   */
  consumed(cost) {
    this.held -= cost;
    this.unreturned += cost;
    if (this.drained() || 2 * this.unreturned < this.highWaterMark) return 0;
    return this.returnUnreturned();
  }

  /** Notes STREAM_END, or STREAM_DATA with LAST after that item was counted. */
  endReceived() {
    this.ended = true;
  }

  /** Whether the items have ended and every one has been consumed. */
  drained() {
    return this.ended && this.held === 0;
  }

  /** The rest of the consumed credit, for the final STREAM_CREDIT (0: send nothing). */
  finalReturn() {
    return this.returnUnreturned();
  }

  returnUnreturned() {
    const grant = this.unreturned;
    this.unreturned = 0;
    this.handedOut += grant;
    return grant;
  }

  /**
   * Where this receiver stands for STREAM_RESUME after a session resume (6.4.7, step 1). What it
   * consumed and had not returned is returned by the resume, and credit lost with items in the
   * break counts no more: from here the sender's credit is the high-water mark less what is held.
   */
  resumePoint() {
    this.unreturned = 0;
    this.handedOut = this.highWaterMark - this.held;
    return { received: this.receivedItems, credit: this.handedOut, ended: this.ended };
  }
}

/**
 * The sender's side of one direction (rules 1 and 2): the receiver's first grant is its
 * high-water mark; an item goes only when its cost is at most the credit left.
 */
class SenderCredit {
  constructor() {
    this.highWaterMark = 0;
    this.credit = 0;
  }

  /** Whether the receiver's first grant has arrived. */
  get granted() {
    return this.highWaterMark > 0;
  }

  /**
   * Adds a grant; the first one is the receiver's high-water mark. Throws PROTOCOL_ERROR for a
   * first grant of 0 or a grant that takes the credit above the high-water mark.
   */
  grant(amount) {
    if (!this.granted) {
      if (amount < 1) throw new AldisError(ErrorCode.PROTOCOL_ERROR, 'the first credit of a stream must be at least 1');
      this.highWaterMark = amount;
      this.credit = amount;
      return;
    }
    if (this.credit + amount > this.highWaterMark) {
      throw new AldisError(ErrorCode.PROTOCOL_ERROR, `a grant of ${amount} takes the credit to `
        + `${this.credit + amount}, above the high-water mark ${this.highWaterMark}`);
    }
    this.credit += amount;
  }

  /**
   * Takes the credit a receiver's STREAM_RESUME gives, which replaces the count kept here (grants
   * lost in the break are in it). Throws PROTOCOL_ERROR for a credit above the high-water mark.
   */
  resume(credit) {
    if (credit > this.highWaterMark) {
      throw new AldisError(ErrorCode.PROTOCOL_ERROR, `a resumed credit of ${credit} is above the high-water mark `
        + `${this.highWaterMark}`);
    }
    this.credit = credit;
  }

  /**
   * Decides about the next item: 'send' (its cost has been taken), 'wait' (not enough credit yet:
   * try again after a grant) or 'too-large' (it costs more than half the receiver's high-water
   * mark, so no grant will ever let it through).
   */
  take(cost) {
    if (!this.granted) return 'wait';
    if (cost > largestItemCost(this.highWaterMark)) return 'too-large';
    if (cost > this.credit) return 'wait';
    this.credit -= cost;
    return 'send';
  }
}

/**
 * The copies a sender keeps of one direction of a stream, so that after a session resume no item
 * is lost and none is sent twice (6.4.7); the rules are those of the Java side's ResendBuffer.
 * Credit comes back in the order items were sent, each item's cost once, so returned credit pays
 * copies from the oldest, and what is kept never costs more than the receiver's high-water mark.
 * After a resume, the returned credit first pays for the items the receiver still held then (their
 * copies are gone), and only after that for the items sent since.
 */
class ResendBuffer {
  constructor() {
    this.copies = []; // {item, cost}, oldest first from `head`
    this.head = 0;
    this.oldestIndex = 0; // the number of the oldest copy
    this.nextIndex = 0; // the number of the next item sent
    this.keptCost = 0;
    this.owedForHeld = 0; // returned credit still to come for what the receiver held at the resume
    this.paidTowardOldest = 0; // returned credit that does not cover the oldest copy yet
  }

  /** The number of copies kept. */
  get keptItems() {
    return this.copies.length - this.head;
  }

  /** Records an item that was just sent, at the next number. */
  sent(item, cost) {
    this.copies.push({ item, cost });
    this.keptCost += cost;
    this.nextIndex += 1;
  }

  /** Applies credit returned with STREAM_CREDIT (not the receiver's first grant), dropping the copies it pays. */
  paidBack(credit) {
    const forHeld = Math.min(credit, this.owedForHeld);
    this.owedForHeld -= forHeld;
    this.paidTowardOldest += credit - forHeld;
    while (this.keptItems > 0 && this.copies[this.head].cost <= this.paidTowardOldest) {
      const paid = this.copies[this.head];
      this.copies[this.head] = undefined;
      this.head += 1;
      this.paidTowardOldest -= paid.cost;
      this.keptCost -= paid.cost;
      this.oldestIndex += 1;
    }
    // Keeps the array from growing with the length of the stream.
    if (this.head > 64 && 2 * this.head > this.copies.length) {
      this.copies = this.copies.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Applies the receiver's STREAM_RESUME: drops the copies of the items it holds or has consumed
   * and returns, oldest first, the items to send again; they count as sent again only when
   * sent() records them. Throws PROTOCOL_ERROR for a `received` below the oldest copy or above the
   * number sent, or a credit above the high-water mark; then nothing has changed.
   */
  resume(received, credit, highWaterMark) {
    if (received < this.oldestIndex || received > this.nextIndex) {
      throw new AldisError(ErrorCode.PROTOCOL_ERROR, `the receiver claims ${received} items, but ${this.oldestIndex} `
        + `were paid back and ${this.nextIndex} sent`);
    }
    if (credit > highWaterMark) {
      throw new AldisError(ErrorCode.PROTOCOL_ERROR, `a resumed credit of ${credit} is above the high-water mark `
        + `${highWaterMark}`);
    }
    const again = this.copies.slice(this.head + (received - this.oldestIndex)).map((copy) => copy.item);
    this.copies = [];
    this.head = 0;
    this.keptCost = 0;
    this.oldestIndex = received;
    this.nextIndex = received;
    this.owedForHeld = highWaterMark - credit;
    this.paidTowardOldest = 0;
    return again;
  }
}

// ------------------------------------------------------------------ streams: items
//
// The items of a stream as the application sees them and as the wire carries them
// (docs/protocol.md 5.6 and 6.4.1): JSON values or raw bytes one by one on a stream, one JSON
// array in a batch; and the parameter that marks a streamed argument of a call.

/** A streamed parameter of a call: stands in `params` where the method takes its stream. */
export class StreamSource {
  constructor(iterable) {
    this.iterable = iterable;
    Object.freeze(this);
  }

  // JSON.stringify meets a StreamSource only when it is not a parameter of the call itself.
  toJSON() {
    throw new TypeError('streamOf(...) must be one of the call\'s parameters itself, not inside one');
  }
}

/**
 * Marks `iterable` (an async iterable, or a sync one such as an array) as the streamed parameter of
 * a call: `client.call('store.put', ['name', streamOf(chunks)])`. Each item is sent as raw bytes
 * when it is a Uint8Array (or another typed array, a DataView or an ArrayBuffer) and as JSON
 * otherwise.
 */
export function streamOf(iterable) {
  const iterableEnough = iterable !== null && iterable !== undefined && typeof iterable !== 'string'
    && (typeof iterable[Symbol.asyncIterator] === 'function' || typeof iterable[Symbol.iterator] === 'function');
  if (!iterableEnough) throw new TypeError('streamOf() takes an async iterable, an iterable or an array (not a string)');
  return new StreamSource(iterable);
}

/**
 * Where a call's params hold a StreamSource: `{source, key}` (an index or a member name), or
 * undefined. Throws a TypeError for more than one, since a method streams at most one parameter.
 */
function findStreamParam(params) {
  if (params instanceof StreamSource) {
    throw new TypeError('streamOf(...) must be one of the call\'s parameters, in an array or an object');
  }
  if (params === null || typeof params !== 'object') return undefined;
  const entries = Array.isArray(params) ? params.map((v, i) => [i, v]) : Object.entries(params);
  const found = entries.filter(([, value]) => value instanceof StreamSource);
  if (found.length > 1) throw new TypeError('a call streams at most one parameter; params hold several streamOf(...)');
  return found.length === 0 ? undefined : { source: found[0][1], key: found[0][0] };
}

/**
 * The params with the streamed parameter at `key` replaced by `value`; `undefined` stands for a
 * stream that goes on its own: JSON null by position, left out by name (6.4.1).
 */
function paramsWith(params, key, value) {
  if (Array.isArray(params)) {
    const copy = params.slice();
    copy[key] = value === undefined ? null : value;
    return copy;
  }
  const copy = { ...params };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

/** Whether an item goes as raw bytes rather than JSON. */
function isBytes(value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** An item's bytes for STREAM_DATA. Throws an AldisError STREAM_FAILED for a value JSON cannot hold. */
function encodeItem(value) {
  return isBytes(value) ? toBytes(value) : utf8(jsonText(value), 'item');
}

function jsonText(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    // The engine's own text (a cycle, a BigInt) stays in `cause`.
    throw new AldisError(ErrorCode.STREAM_FAILED, `an item of type ${typeof value} cannot be written as JSON`, { cause: e });
  }
  if (text === undefined) throw new AldisError(ErrorCode.STREAM_FAILED, `an item of type ${typeof value} cannot be written as JSON`);
  return text;
}

/** An item from STREAM_DATA as the application gets it: a Uint8Array, or the parsed JSON. */
function decodeItem(bytes, kind) {
  if (kind === 'bytes') return bytes;
  return JSON.parse(fromUtf8(bytes));
}

/** An item as one element of a batch: bytes as an array of integers 0–255 (6.4.1). */
function batchElement(value) {
  return isBytes(value) ? Array.from(toBytes(value)) : value;
}

/**
 * The element `index` of a batched result as the application gets it. Throws an AldisError
 * PROTOCOL_ERROR when a stream of bytes holds something other than an array of byte values.
 */
function itemFromBatch(element, kind, index, method) {
  if (kind !== 'bytes') return element;
  const byteArray = Array.isArray(element) && element.every((b) => Number.isInteger(b) && b >= 0 && b <= 255);
  if (!byteArray) {
    throw new AldisError(ErrorCode.PROTOCOL_ERROR, `item ${index} of the batched result of ${method} is not an array of bytes`);
  }
  return Uint8Array.from(element);
}

/** An async iterator over any iterable a StreamSource holds. */
function openSource(source) {
  const iterable = source.iterable;
  if (typeof iterable[Symbol.asyncIterator] === 'function') return iterable[Symbol.asyncIterator]();
  return (async function* fromSync() {
    yield* iterable;
  }());
}

/**
 * Every item of `source` as batch elements, for a call without streams. Stops reading, with an
 * AldisError MESSAGE_TOO_LARGE, as soon as the batch could no longer fit in `maxFrameSize`, so an
 * endless source does not fill the memory.
 */
async function collectBatch(source, maxFrameSize, method) {
  const elements = [];
  let size = 2;
  const iterator = openSource(source);
  try {
    for (;;) {
      let step;
      try {
        step = await iterator.next();
      } catch (e) {
        throw new AldisError(ErrorCode.STREAM_FAILED, `the items for ${method} failed: ${e?.message ?? e}`, { cause: e });
      }
      if (step.done) return elements;
      const element = batchElement(step.value);
      const text = jsonText(element);
      // A string's length never exceeds its UTF-8 length, so passing the limit here is final.
      size += text.length + 1;
      if (size > maxFrameSize) throw batchTooLarge(method, maxFrameSize);
      elements.push(element);
    }
  } finally {
    closeQuietly(iterator);
  }
}

/** Tells an iterator that no more items are wanted; its own failure to stop changes nothing here. */
function closeQuietly(iterator) {
  try {
    const done = iterator.return?.();
    if (done && typeof done.then === 'function') done.then(undefined, () => {});
  } catch {
    // the source failed while stopping; the call's outcome is already decided
  }
}

/** The error of a batch that does not fit in one frame (6.4.1). */
function batchTooLarge(method, maxFrameSize) {
  return new AldisError(ErrorCode.MESSAGE_TOO_LARGE, `the items for ${method} sent as one batch do not fit in the `
    + `node's maxFrameSize of ${maxFrameSize} bytes; the call was not sent`);
}

// ------------------------------------------------------------------ streams: the receiving side
//
// The caller's receiving side of a stream (docs/protocol.md 6.4.3, 6.4.6): items held for the
// application and handed out by an async iterator whose pace drives the credit.

const DONE = Object.freeze({ value: undefined, done: true });

/**
 * The items of one call's result, in order: from a stream under credit, or from a batch. An item
 * counts as consumed when the application asks for the next one (or stops), so the one it is
 * working on is still held. Errors come after the items that arrived before them; stopping, an
 * abort or the deadline end the iteration at once.
 *
 * `hooks`: grant(credit) sends STREAM_CREDIT; cancel() stops the call (the application stopped
 * before the call's answer); sinkFailed(error) ends the stream because an item could not be taken.
 */
class ResultStream {
  constructor(kind, method, hooks) {
    this.kind = kind;
    this.method = method;
    this.hooks = hooks;
    this.queue = []; // {bytes, cost} from a stream, {value, cost: 0} from a batch
    this.credit = undefined;
    this.meter = undefined;
    this.closed = false; // no more credit goes out
    this.handedOutCost = 0; // the item the application holds, consumed at its next request
    this.outcome = undefined; // {ok: true} or {error}
    this.finished = false;
    this.itemsHandedOut = 0;
    this.wake = undefined;
    this.chain = Promise.resolve();
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  // ------------------------------------------------------------- fed by the call

  /** A stream opened: credit as this side granted it, the stream's meter. */
  open(credit, meter) {
    this.credit = credit;
    this.meter = meter;
  }

  /** An item from STREAM_DATA; throws the AldisError that the sender's fault gets. */
  receive(bytes) {
    const cost = this.meter.costOf(bytes);
    this.credit.received(cost);
    this.queue.push({ bytes, cost });
    this.notify();
  }

  /** STREAM_END, or LAST. */
  end() {
    this.credit.endReceived();
    this.notify();
  }

  /** The items of a batched result (no credit). */
  batch(values) {
    for (const value of values) this.queue.push({ value, cost: 0 });
    this.notify();
  }

  /** The call was answered successfully: the iteration ends once the items held are handed out. */
  succeed() {
    this.outcome ??= { ok: true };
    this.notify();
  }

  /** The call failed: `error` is thrown once the items held are handed out. */
  fail(error) {
    this.outcome ??= { error };
    this.notify();
  }

  /** The call failed and the items held no longer matter: `error` is thrown at the next request. */
  abort(error) {
    this.close();
    this.queue = [];
    this.outcome = { error };
    this.notify();
  }

  /** The receiving side is closed: nothing more is granted. */
  close() {
    this.closed = true;
  }

  notify() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  // ------------------------------------------------------------- the iterator

  /** The next item; requests are served one after the other, as `for await` makes them. */
  next() {
    const result = this.chain.then(() => this.step());
    this.chain = result.then(() => undefined, () => undefined);
    return result;
  }

  async step() {
    for (;;) {
      if (this.finished) return DONE;
      this.consumeHandedOut();
      if (this.queue.length > 0) return { value: this.handOut(this.queue.shift()), done: false };
      if (this.outcome) {
        this.finished = true;
        this.returnTheRest();
        if (this.outcome.error) throw this.outcome.error;
        return DONE;
      }
      await new Promise((resolve) => {
        this.wake = resolve;
      });
    }
  }

  handOut(entry) {
    this.handedOutCost = entry.cost;
    const index = this.itemsHandedOut++;
    if (entry.cost === 0) return entry.value;
    try {
      return decodeItem(entry.bytes, this.kind);
    } catch (e) {
      const error = new AldisError(ErrorCode.STREAM_FAILED, `item ${index} of ${this.method} is not valid JSON`, { cause: e });
      this.finished = true;
      this.abort(error);
      this.hooks.sinkFailed(error);
      throw error;
    }
  }

  consumeHandedOut() {
    const cost = this.handedOutCost;
    if (cost === 0) return;
    this.handedOutCost = 0;
    const grant = this.credit.consumed(cost);
    if (grant > 0 && !this.closed) this.hooks.grant(grant);
  }

  /** The final return (rule 5), once the call's answer is in and every item is consumed. */
  returnTheRest() {
    if (!this.credit || this.closed || !this.credit.drained()) return;
    const grant = this.credit.finalReturn();
    if (grant > 0) this.hooks.grant(grant);
  }

  /**
   * The application stops (`break` in `for await`). Before the call's answer this cancels the call;
   * after it, the items left count as consumed and the final return goes out.
   */
  async return() {
    if (this.finished) return DONE;
    this.finished = true;
    if (this.outcome) {
      this.consumeHandedOut();
      for (const entry of this.queue) {
        if (entry.cost > 0) {
          this.handedOutCost = entry.cost;
          this.consumeHandedOut();
        }
      }
      this.returnTheRest();
    } else {
      this.hooks.cancel();
    }
    this.queue = [];
    this.close();
    this.notify();
    return DONE;
  }
}

// ------------------------------------------------------------------ streams: the sending side
//
// The caller's sending side of a stream (docs/protocol.md 6.4.3, 6.4.5, 6.4.6): reads the
// application's items one at a time and sends each only within the callee's credit.

/** Bytes of STREAM_DATA before its item: type, flags and the stream id. */
const STREAM_DATA_HEADER = 10;

/**
 * Sends the items of a StreamSource on one stream, then STREAM_END. Nothing is read from the
 * source before the item before it has gone, so at most one item of the source waits here for
 * credit, and one frame at a time is handed to the connection. A copy of each item sent stays until the callee
 * pays it back, so that after a session resume the items the break lost go again (6.4.7); while
 * the connection is down (suspended) nothing goes.
 *
 * `io`: send(frame) resolves once the frame is handed to the connection (later while the node has
 * paused the client); failed(error, wireMessage) ends the stream with STREAM_ERROR and fails the call.
 */
class ItemPump {
  constructor({ source, meter, streamId, method, maxFrameSize, io }) {
    this.source = source;
    this.meter = meter;
    this.streamId = streamId;
    this.method = method;
    this.maxFrameSize = maxFrameSize;
    this.io = io;
    this.credit = new SenderCredit();
    this.copies = new ResendBuffer();
    this.again = []; // items to send again after a resume, oldest first from `againAt`
    this.againAt = 0;
    this.fresh = undefined; // the item read from the source and not sent yet
    this.iterator = undefined;
    this.itemsRead = 0;
    this.reading = false;
    this.sending = false;
    this.sourceDone = false;
    this.endSent = false;
    this.suspended = false;
    this.stopped = false;
  }

  /** Starts sending under the callee's first grant (STREAM_OPEN's initialCredit). */
  open(initialCredit) {
    this.credit.grant(initialCredit);
    this.iterator = openSource(this.source);
    this.pump();
  }

  /** Credit the callee returned with STREAM_CREDIT; throws its error. */
  grant(amount) {
    this.credit.grant(amount);
    this.copies.paidBack(amount);
    this.pump();
  }

  /** The connection broke and the session may be resumed: nothing goes until resume(). */
  suspend() {
    this.suspended = true;
  }

  /**
   * The callee's STREAM_RESUME (6.4.7, step 3): the copies before `received` go, `credit` is the
   * credit, the items from number `received` go again, and STREAM_END again when it was sent and
   * the callee has not seen it (`ended` clear). Throws PROTOCOL_ERROR, changing nothing.
   */
  resume(received, credit, ended) {
    const items = this.copies.resume(received, credit, this.credit.highWaterMark);
    this.credit.resume(credit);
    // Items an earlier resume gave back and that have not gone again yet follow those sent since.
    this.again = items.concat(this.again.slice(this.againAt));
    this.againAt = 0;
    if (!ended) this.endSent = false;
    this.suspended = false;
    this.pump();
  }

  /** No more items go (STREAM_CANCEL, an error, the call's answer, the application stopped). */
  stop() {
    this.stopped = true;
    if (this.iterator && !this.sourceDone) {
      this.sourceDone = true;
      closeQuietly(this.iterator);
    }
  }

  /** Sends what credit allows, in order: items to send again, then the source's, then STREAM_END. */
  pump() {
    while (!this.stopped && !this.suspended && !this.sending) {
      const item = this.againAt < this.again.length ? this.again[this.againAt] : this.fresh;
      if (item === undefined) {
        if (!this.sourceDone) {
          if (!this.reading) this.readNext();
        } else if (!this.endSent) {
          this.endSent = true;
          this.send({ type: 'STREAM_END', streamId: this.streamId });
        }
        return;
      }
      const verdict = this.credit.take(item.cost);
      if (verdict === 'wait') return;
      if (verdict === 'too-large') {
        const limit = largestItemCost(this.credit.highWaterMark);
        const message = `item ${item.index} for ${this.method} costs ${item.cost}, more than half the callee's `
          + `high-water mark ${this.credit.highWaterMark} allows (${limit})`;
        this.fail(new AldisError(ErrorCode.STREAM_ITEM_TOO_LARGE, message), message);
        return;
      }
      if (item === this.fresh) {
        this.fresh = undefined;
      } else {
        this.again[this.againAt] = undefined;
        this.againAt += 1;
      }
      this.copies.sent(item, item.cost);
      this.send({ type: 'STREAM_DATA', last: false, streamId: this.streamId, item: item.bytes });
    }
  }

  send(frame) {
    this.sending = true;
    this.io.send(frame).then(() => {
      this.sending = false;
      this.pump();
    }, (e) => {
      this.sending = false;
      // Lost with the connection: the copy is kept, and a resumed session sends it again.
      if (this.suspended) return;
      // A send refused by the connection (closing, closed, too much queued while paused) says why itself.
      this.fail(e instanceof AldisError ? e
        : new AldisError(ErrorCode.STREAM_FAILED, `sending the items of ${this.method} failed`, { cause: e }),
      'the caller could not send its items');
    });
  }

  readNext() {
    this.reading = true;
    Promise.resolve().then(() => this.iterator.next()).then((step) => {
      this.reading = false;
      if (this.stopped) return;
      if (step.done) {
        this.sourceDone = true;
      } else {
        const item = this.prepare(step.value, this.itemsRead++);
        if (item === undefined) return;
        this.fresh = item;
      }
      this.pump();
    }, (e) => {
      this.reading = false;
      this.sourceDone = true; // a source that threw is over
      this.fail(new AldisError(ErrorCode.STREAM_FAILED, `the items for ${this.method} failed: ${e?.message ?? e}`,
        { cause: e }), 'the caller\'s source of items failed');
    });
  }

  /** The item with its bytes and cost, or undefined after failing the stream for an item that cannot go. */
  prepare(value, index) {
    let bytes;
    try {
      bytes = encodeItem(value);
    } catch (e) {
      this.fail(new AldisError(ErrorCode.STREAM_FAILED, `item ${index} for ${this.method}: ${e.message}`, { cause: e.cause ?? e }),
        `item ${index} of the caller's items cannot be sent`);
      return undefined;
    }
    if (STREAM_DATA_HEADER + bytes.length > this.maxFrameSize) {
      const message = `item ${index} for ${this.method} takes ${bytes.length} bytes, more than one frame holds `
        + `(maxFrameSize ${this.maxFrameSize})`;
      this.fail(new AldisError(ErrorCode.MESSAGE_TOO_LARGE, message), message);
      return undefined;
    }
    let cost;
    try {
      cost = this.meter.costOf(bytes);
    } catch (e) {
      this.fail(e, e.message);
      return undefined;
    }
    return { bytes, cost, index };
  }

  fail(error, wireMessage) {
    if (this.stopped) return;
    this.stop();
    this.io.failed(error, wireMessage);
  }
}

// ------------------------------------------------------------------ streams: one call
//
// One RPC call of this client that streams its result, a parameter, or both (docs/protocol.md
// 6.4): made with STREAMS when the session has it and as a batch otherwise (6.4.1), it takes the
// stream the callee opens (6.4.2), and ends with the call's answer (6.4.5).

const RECEIVES = 1; // direction bit: the callee sends items to the caller
const SENDS = 2; // direction bit: the caller sends items to the callee

/**
 * The call's life, for the two ways of making it: `client.stream()` iterates the result's items
 * (`results` from the start); `client.call()` with a streamed parameter resolves `promise` with the
 * result (an array when the callee streams the result too).
 *
 * spec: method, params, source/key (the streamed parameter, if any), iterate, items ('json' or
 * 'bytes'), highWaterMark (resolved per credit mode), timeoutMs (0: none), signal.
 */
class StreamCall {
  constructor(client, registry, spec) {
    this.client = client;
    this.registry = registry;
    this.spec = spec;
    this.method = spec.method;
    this.callId = undefined;
    this.streamsFlag = false;
    this.opened = false;
    this.answered = false;
    this.settled = false; // the application's outcome is decided
    this.streamId = undefined;
    this.receiving = 'none'; // 'open', 'draining' or 'closed' once a stream brings items
    this.pump = undefined;
    this.resumed = false; // its STREAM_RESUME went on a resumed session (6.4.7)
    this.deadline = undefined;
    this.detachSignal = () => {};
    if (spec.iterate) {
      this.results = this.newResults();
    } else {
      this.results = undefined;
      this.promise = new Promise((resolve, reject) => {
        this.resolve = resolve;
        this.reject = reject;
      });
    }
  }

  newResults() {
    return new ResultStream(this.spec.items, this.method, {
      grant: (credit) => this.sendQuietly({ type: 'STREAM_CREDIT', streamId: this.streamId, credit }),
      cancel: () => this.cancel(undefined),
      sinkFailed: (error) => this.endStream(error, error.message),
    });
  }

  // ---------------------------------------------------------------- making the call

  start() {
    const missing = this.client._requireCapability(Capability.RPC, 'RPC');
    if (missing) return this.settle(missing, true);
    const { signal, timeoutMs } = this.spec;
    if (signal?.aborted) return this.settle(new AldisError(ErrorCode.CANCELLED, 'cancelled by the caller'), true);
    if (signal) {
      const abort = () => this.cancel(new AldisError(ErrorCode.CANCELLED, 'cancelled by the caller'));
      signal.addEventListener('abort', abort, { once: true });
      this.detachSignal = () => signal.removeEventListener('abort', abort);
    }
    const timers = this.client._options.timers;
    if (timeoutMs > 0) {
      this.deadlineAt = timers.now() + timeoutMs;
      this.deadline = timers.setTimeout(() => {
        this.deadline = undefined;
        this.cancel(new AldisError(ErrorCode.DEADLINE_EXCEEDED, `${this.method} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
    }
    if (this.client.streamsAvailable) return this.request(true, this.spec.source ? paramsWith(this.spec.params,
      this.spec.key, undefined) : this.spec.params);
    return this.requestBatch();
  }

  /** The call without streams: a streamed parameter goes as one JSON array (6.4.1). */
  async requestBatch() {
    let params = this.spec.params;
    if (this.spec.source) {
      const maxFrameSize = this.client.session?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
      let elements;
      try {
        elements = await collectBatch(this.spec.source, maxFrameSize, this.method);
      } catch (e) {
        return this.settle(e, true);
      }
      if (this.settled) return undefined;
      params = paramsWith(params, this.spec.key, elements);
    }
    return this.request(false, params);
  }

  request(streams, params) {
    let body;
    try {
      body = params === undefined ? new Uint8Array(0) : utf8(JSON.stringify(params), 'params');
    } catch (e) {
      return this.settle(e, true);
    }
    const session = this.client.session;
    if (!streams && this.spec.source && session && 16 + utf8(this.method).length + body.length > session.maxFrameSize) {
      return this.settle(batchTooLarge(this.method, session.maxFrameSize), true);
    }
    this.callId = this.client._id();
    this.streamsFlag = streams;
    this.registry.addCall(this);
    // Rounded up: a clock may read fractions of a millisecond, and the frame carries whole ones.
    const remaining = this.deadlineAt === undefined ? 0
      : Math.max(1, Math.ceil(this.deadlineAt - this.client._options.timers.now()));
    this.client.sendFrame({ type: 'RPC_REQUEST', streams, callId: this.callId, timeoutMillis: Math.min(remaining, 0x7fffffff),
      method: this.method, params: body }).catch((e) => {
      this.registry.removeCall(this);
      this.settle(e, true);
    });
    return undefined;
  }

  // ---------------------------------------------------------------- the stream

  /** Whether a STREAM_OPEN for this call may open a stream (6.4.2): made with STREAMS, the first. */
  acceptsOpen() {
    return this.streamsFlag && !this.opened && !this.answered;
  }

  onOpen(frame) {
    this.opened = true;
    this.streamId = frame.streamId;
    const receives = (frame.direction & RECEIVES) !== 0;
    const sends = (frame.direction & SENDS) !== 0;
    if (receives) this.receiving = 'open';
    if ((sends && frame.initialCredit === 0) || (!sends && frame.initialCredit !== 0)) {
      return this.endStream(new AldisError(ErrorCode.PROTOCOL_ERROR, `STREAM_OPEN for ${this.method} with direction `
        + `${frame.direction} cannot carry initialCredit ${frame.initialCredit}`));
    }
    let meter;
    try {
      meter = CreditMeter.forStream(frame.creditMode, frame.metadata, this.client._options.sizeFunctions);
    } catch (e) {
      return this.endStream(e);
    }
    if (this.settled) {
      // The application stopped before the stream opened: refuse the items (the call is cancelled).
      if (receives) this.sendQuietly({ type: 'STREAM_CANCEL', streamId: this.streamId });
      this.receiving = 'closed';
      return undefined;
    }
    if (sends && !this.spec.source) {
      return this.endStream(new AldisError(ErrorCode.PROTOCOL_ERROR,
        `${this.method} takes a streamed parameter: give its items with streamOf(...)`));
    }
    if (receives) this.openReceiving(frame.creditMode, meter);
    if (sends) this.openSending(frame.initialCredit, meter);
    return undefined;
  }

  openReceiving(creditMode, meter) {
    if (!this.results) {
      this.results = this.newResults();
      this.collectResults();
    }
    const highWaterMark = this.spec.highWaterMark(creditMode);
    this.results.open(new ReceiverCredit(highWaterMark), meter);
    this.sendQuietly({ type: 'STREAM_CREDIT', streamId: this.streamId, credit: highWaterMark });
  }

  /** call() on a method that streams its result too: its items become the result, as in a batch. */
  async collectResults() {
    const items = [];
    try {
      for await (const item of this.results) items.push(item);
      this.resolve(items);
    } catch (e) {
      this.reject(e);
    }
  }

  openSending(initialCredit, meter) {
    this.pump = new ItemPump({
      source: this.spec.source,
      meter,
      streamId: this.streamId,
      method: this.method,
      maxFrameSize: this.client.session?.maxFrameSize ?? Infinity,
      io: {
        send: (frame) => this.client.sendFrame(frame),
        failed: (error, wireMessage) => this.endStream(error, wireMessage),
      },
    });
    this.pump.open(initialCredit);
  }

  onData(frame) {
    if (this.receiving !== 'open') return; // crossed a cancel, an error or the answer: dropped (6.4.5)
    try {
      this.results.receive(frame.item);
      if (frame.last) this.endOfItems();
    } catch (e) {
      this.endStream(e);
    }
  }

  onEnd() {
    if (this.receiving === 'open') this.endOfItems();
  }

  endOfItems() {
    this.receiving = 'draining';
    this.results.end();
  }

  onCredit(frame) {
    if (!this.pump || this.pump.stopped) return;
    try {
      this.pump.grant(frame.credit);
    } catch (e) {
      this.endStream(e);
    }
  }

  /** STREAM_CANCEL: the callee wants no more of this client's items; the call goes on. */
  onCancel() {
    this.pump?.stop();
  }

  /** STREAM_ERROR from the callee: the whole stream is over; the answer that follows is absorbed. */
  onStreamError(frame) {
    this.closeStream();
    if (this.resumed && frame.code === ErrorCode.STREAM_NOT_FOUND) {
      // The node did not keep the stream, nor its call: no answer follows (6.4.7, step 2).
      this.registry.removeCall(this);
      this.settle(new AldisError(ErrorCode.CONNECTION_INTERRUPTED, `the connection was lost and the node no longer `
        + `had the stream of ${this.method} when the session was resumed: ${frame.message}`), false);
      return;
    }
    this.settle(new AldisError(frame.code, frame.message), false);
  }

  /** This side ends the whole stream with STREAM_ERROR (6.4.5) and fails the call with `error`. */
  endStream(failure, wireMessage) {
    const error = failure instanceof AldisError ? failure
      : new AldisError(ErrorCode.STREAM_FAILED, `the stream of ${this.method} failed`, { cause: failure });
    if (this.streamId !== undefined && !this.answered) {
      const message = (wireMessage ?? error.message).slice(0, 1000);
      this.sendQuietly({ type: 'STREAM_ERROR', streamId: this.streamId, code: error.code, message });
    }
    this.closeStream();
    this.settle(error, false);
  }

  closeStream() {
    this.receiving = 'closed';
    this.results?.close();
    this.pump?.stop();
  }

  // ---------------------------------------------------------------- the answer

  /** RPC_RESPONSE, RPC_ERROR, or an ERROR carrying the call's id. */
  onAnswer(frame, error) {
    this.answered = true;
    this.registry.removeCall(this);
    this.pump?.stop(); // the answer closes the sending side (6.4.5)
    if (error) return this.answeredWithError(error);
    if (this.settled) return undefined;
    if (this.receiving === 'open') {
      this.closeStream();
      return this.settle(new AldisError(ErrorCode.PROTOCOL_ERROR,
        `${this.method} was answered before the end of its stream of items`), false);
    }
    if (this.receiving === 'draining') {
      this.finishTimers();
      this.settled = true;
      this.results.succeed();
      return undefined;
    }
    return this.answeredWithValue(frame.result);
  }

  answeredWithError(error) {
    if (error.code === ErrorCode.STREAMING_UNAVAILABLE && this.streamsFlag && !this.opened && !this.settled) {
      // The callee cannot take a streamed parameter: the same call again, as a batch (6.4.1).
      this.streamsFlag = false;
      this.answered = false;
      this.requestBatch();
      return;
    }
    // A side still draining finishes with the final return (6.4.5); an open one is closed.
    if (this.receiving === 'open') this.receiving = 'closed';
    if (this.receiving === 'closed') this.results?.close();
    this.settle(error, false);
  }

  answeredWithValue(result) {
    let value;
    try {
      value = result.length === 0 ? undefined : JSON.parse(fromUtf8(result));
    } catch (e) {
      return this.settle(new AldisError(ErrorCode.PROTOCOL_ERROR, `the result of ${this.method} is not valid JSON`,
        { cause: e }), false);
    }
    if (!this.spec.iterate) {
      this.finishTimers();
      this.settled = true;
      this.resolve(value);
      return undefined;
    }
    // No stream came: a batch, which a caller that set STREAMS accepts too (6.4.1).
    if (!Array.isArray(value)) {
      return this.settle(new AldisError(ErrorCode.PROTOCOL_ERROR,
        `${this.method} answered with one value, not a stream of items`), false);
    }
    let items;
    try {
      items = value.map((element, index) => itemFromBatch(element, this.spec.items, index, this.method));
    } catch (e) {
      return this.settle(e, false);
    }
    this.finishTimers();
    this.settled = true;
    this.results.batch(items);
    this.results.succeed();
    return undefined;
  }

  // ---------------------------------------------------------------- ending early

  /**
   * The application stops the call (`error` undefined: it left the loop), or an abort or the
   * deadline fails it (`error`): STREAM_CANCEL for items still coming, and RPC_CANCEL (6.4.5).
   */
  cancel(error) {
    if (this.settled) return;
    if (this.receiving === 'open' || this.receiving === 'draining') {
      this.sendQuietly({ type: 'STREAM_CANCEL', streamId: this.streamId });
    }
    this.closeStream();
    if (this.callId !== undefined && !this.answered) this.sendQuietly({ type: 'RPC_CANCEL', callId: this.callId });
    if (error) this.settle(error, true);
    else this.settled = true;
    this.finishTimers();
  }

  /** The connection broke and the stream cannot go on (no stream yet, or no resumed session). */
  interrupted(error) {
    this.closeStream();
    this.settle(error, false);
  }

  // ---------------------------------------------------------------- resumption (6.4.7)

  /**
   * The connection broke and the client reconnects with its resume token: the stream waits, the
   * items held stay with the application, and the deadline keeps running.
   */
  suspend() {
    this.resumed = false;
    this.pump?.suspend();
  }

  /**
   * The session was resumed: this call's STREAM_RESUME (step 1), sent before any other frame of
   * the stream. Where the caller receives items, it says how many came, the credit from here and
   * whether the end came; where it only sends, it names the stream, and its items wait for the
   * callee's own STREAM_RESUME.
   */
  resume() {
    this.resumed = true;
    const receiving = this.receiving === 'open' || this.receiving === 'draining';
    if (!receiving) {
      this.sendQuietly({ type: 'STREAM_RESUME', streamId: this.streamId, receiving: false, ended: false,
        received: 0n, credit: 0 });
      return;
    }
    const point = this.results.credit.resumePoint();
    this.sendQuietly({ type: 'STREAM_RESUME', streamId: this.streamId, receiving: true, ended: point.ended,
      received: BigInt(point.received), credit: point.credit });
  }

  /** The callee's STREAM_RESUME where it receives this call's items (step 3). */
  onResume(frame) {
    if (this.settled) return;
    if (!this.resumed || !this.pump || !this.pump.suspended || !frame.receiving) {
      this.endStream(new AldisError(ErrorCode.PROTOCOL_ERROR, `STREAM_RESUME for the stream of ${this.method}, `
        + 'which expects none from the callee now'));
      return;
    }
    try {
      this.pump.resume(Number(frame.received), frame.credit, frame.ended);
    } catch (e) {
      this.endStream(e);
    }
  }

  /** Decides the application's outcome once: after the items already held, or `immediately`. */
  settle(error, immediately) {
    if (this.settled) return undefined;
    this.settled = true;
    this.finishTimers();
    this.pump?.stop();
    if (this.results) {
      if (immediately) this.results.abort(error);
      else this.results.fail(error);
    } else {
      this.reject(error);
    }
    return undefined;
  }

  finishTimers() {
    if (this.deadline !== undefined) {
      this.client._options.timers.clearTimeout(this.deadline);
      this.deadline = undefined;
    }
    this.detachSignal();
    this.detachSignal = () => {};
  }

  sendQuietly(frame) {
    // A frame that cannot go means the connection is gone, which fails the call on its own.
    this.client.sendFrame(frame).catch(() => {});
  }
}

/** The high-water mark a stream() option gives for a credit mode. */
function highWaterMarkOption(option) {
  const defaults = { [CreditMode.ITEMS]: 64, [CreditMode.BYTES]: 1048576, [CreditMode.CUSTOM]: 1048576 };
  if (option === undefined) return (mode) => defaults[mode];
  if (typeof option === 'number') return () => option;
  const byMode = { [CreditMode.ITEMS]: option.items, [CreditMode.BYTES]: option.bytes, [CreditMode.CUSTOM]: option.custom };
  return (mode) => byMode[mode] ?? defaults[mode];
}

// ------------------------------------------------------------------ streams: frames to calls
//
// The streaming calls of one client: which call and stream each STREAM_* frame and each answer
// belongs to (docs/protocol.md 6.4.2, 6.4.5), and the iterable that client.stream() returns.

/** The calls of one client that may stream, by call id and by the id of the stream they got. */
class CallStreams {
  constructor(client) {
    this.client = client;
    this.calls = new Map(); // call id -> StreamCall waiting for its answer
    this.streams = new Map(); // stream id -> StreamCall
    this.unconfirmed = new Set(); // calls resumed on this session whose stream the node has not spoken of yet
  }

  addCall(call) {
    this.calls.set(call.callId, call);
  }

  removeCall(call) {
    if (this.calls.get(call.callId) === call) this.calls.delete(call.callId);
    if (call.streamId !== undefined && this.streams.get(call.streamId) === call) this.streams.delete(call.streamId);
    this.unconfirmed.delete(call);
  }

  /** Takes a frame that belongs to a streaming call; false for any other frame. */
  handle(frame) {
    if (frame.streamId !== undefined && this.unconfirmed.size > 0) this.unconfirmed.delete(this.streams.get(frame.streamId));
    switch (frame.type) {
      case 'STREAM_OPEN': this.open(frame); return true;
      case 'STREAM_DATA': this.streams.get(frame.streamId)?.onData(frame); return true;
      case 'STREAM_CREDIT': this.streams.get(frame.streamId)?.onCredit(frame); return true;
      case 'STREAM_END': this.streams.get(frame.streamId)?.onEnd(frame); return true;
      case 'STREAM_CANCEL': this.streams.get(frame.streamId)?.onCancel(frame); return true;
      case 'STREAM_ERROR': this.streams.get(frame.streamId)?.onStreamError(frame); return true;
      case 'STREAM_RESUME': this.streams.get(frame.streamId)?.onResume(frame); return true;
      case 'RPC_RESPONSE': return this.answer(frame.callId, frame, undefined);
      case 'RPC_ERROR': return this.answer(frame.callId, frame, AldisError.fromFrame(frame));
      case 'ERROR':
        if (frame.requestId === 0n) return frame.code === ErrorCode.UNKNOWN_FRAME_TYPE && this.resumeUnknown(frame);
        return this.answer(frame.requestId, frame, AldisError.fromFrame(frame));
      default: return false;
    }
  }

  answer(callId, frame, error) {
    const call = this.calls.get(callId);
    if (!call) return false;
    call.onAnswer(frame, error);
    return true;
  }

  /** STREAM_OPEN: the node's streams have even ids, one per call made with STREAMS (6.4.2). */
  open(frame) {
    const { streamId, callId } = frame;
    const call = this.calls.get(callId);
    let problem;
    if (streamId === 0n || (streamId & 1n) === 1n) problem = `stream id ${streamId} is not one the node may open`;
    else if (this.streams.has(streamId)) problem = `stream id ${streamId} is already in use`;
    else if (!call || !call.acceptsOpen()) problem = `call ${callId} is not waiting for a stream`;
    if (problem) {
      // On the offered stream, not as an ERROR: callId is this client's own id, which the node
      // would take for one of its requests (6.4.2).
      this.client.sendFrame({ type: 'STREAM_ERROR', streamId, code: ErrorCode.PROTOCOL_ERROR,
        message: `STREAM_OPEN refused: ${problem}` }).catch(() => {});
      return;
    }
    this.streams.set(streamId, call);
    call.onOpen(frame);
  }

  /**
   * The connection broke and the client reconnects with its resume token (6.4.7): calls whose
   * stream opened wait for the outcome; calls without a stream fail with `error`, as any call in
   * flight; calls already settled (cancelled, failed) are forgotten, and so is their answer.
   */
  suspendAll(error) {
    this.unconfirmed.clear();
    for (const call of [...this.calls.values()]) {
      if (call.settled) {
        this.removeCall(call);
      } else if (call.opened) {
        call.suspend();
      } else {
        this.removeCall(call);
        call.interrupted(error);
      }
    }
  }

  /** The session was resumed: one STREAM_RESUME per stream kept, before any other frame of them. */
  resumeAll() {
    this.unconfirmed.clear();
    for (const call of [...this.calls.values()]) {
      if (call.settled) {
        this.removeCall(call); // its deadline or the application ended it meanwhile
      } else {
        this.unconfirmed.add(call);
        call.resume();
      }
    }
  }

  /**
   * ERROR UNKNOWN_FRAME_TYPE while STREAM_RESUMEs are unanswered: the node predates resumption
   * (5.6), so the streams end as if the session had not been resumed. False when none is waiting.
   */
  resumeUnknown(frame) {
    if (this.unconfirmed.size === 0) return false;
    const calls = [...this.unconfirmed];
    this.unconfirmed.clear();
    const error = new AldisError(ErrorCode.CONNECTION_INTERRUPTED, 'the connection was lost and the node cannot resume '
      + `streams: ${frame.message}`);
    for (const call of calls) {
      this.removeCall(call);
      call.interrupted(error);
    }
    return true;
  }

  /** The connection broke: every call waiting for its answer fails with `error`. */
  interruptAll(error) {
    const calls = [...this.calls.values()];
    this.calls.clear();
    this.streams.clear();
    this.unconfirmed.clear();
    for (const call of calls) call.interrupted(error);
  }
}

/**
 * The items of a streamed result, for `for await`. The call is made when the iteration starts; a
 * stream can be iterated once.
 */
class AldisStream {
  constructor(call) {
    this._call = call;
    this._started = false;
  }

  [Symbol.asyncIterator]() {
    if (this._started) throw new TypeError(`the stream of ${this._call.method} is already being iterated`);
    this._started = true;
    this._call.start();
    return this._call.results;
  }
}

// ------------------------------------------------------------------ the client

const DEFAULT_RECONNECT = Object.freeze({ initialDelayMs: 1000, maxDelayMs: 30000, maxAttempts: 10, jitter: 0.2 });

/**
 * A client of one Aldis node. Events (EventTarget, `event.detail`, or `client.on(name, fn)`):
 * connected {session}, disconnected {reason}, reconnecting {attempt, delay, reason}, reconnected {session},
 * reconnectFailed {error}, paused, resumed, error {error, subscription?}, message {message},
 * frame {frame}.
 */
export class AldisClient extends EventTarget {
  constructor(options = {}) {
    super();
    const WebSocketCtor = options.WebSocket ?? globalThis.WebSocket;
    if (typeof WebSocketCtor !== 'function') {
      throw new TypeError('no WebSocket available: pass options.WebSocket (a WebSocket constructor)');
    }
    const reconnect = options.reconnect === false ? { ...DEFAULT_RECONNECT, maxAttempts: 0 }
      : { ...DEFAULT_RECONNECT, ...(options.reconnect ?? {}) };
    if (!(reconnect.initialDelayMs >= 0 && reconnect.maxDelayMs >= reconnect.initialDelayMs)) {
      throw new RangeError('reconnect needs 0 <= initialDelayMs <= maxDelayMs');
    }
    if (!(reconnect.jitter >= 0 && reconnect.jitter <= 1)) throw new RangeError('reconnect.jitter must be within [0, 1]');
    if (!(Number.isInteger(reconnect.maxAttempts) && reconnect.maxAttempts >= 0)) {
      throw new RangeError('reconnect.maxAttempts must be a non-negative integer');
    }
    const urls = options.urls ?? [options.url ?? DEFAULT_URL];
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string' && u.length > 0)) {
      throw new TypeError('urls must be a non-empty array of WebSocket URLs of the nodes');
    }
    this._options = Object.freeze({
      url: urls[0],
      urls: Object.freeze([...urls]),
      user: options.user,
      password: options.password,
      mechanism: options.mechanism ?? SCRAM_MECHANISM,
      clientId: options.clientId ?? randomUuid(),
      clientName: options.clientName ?? 'aldis-js-client/1.0',
      capabilities: options.capabilities ?? CLIENT_CAPABILITIES,
      reconnect: Object.freeze(reconnect),
      retryInitialConnect: options.retryInitialConnect ?? false,
      connectTimeoutMs: options.connectTimeoutMs ?? 10000,
      closeTimeoutMs: options.closeTimeoutMs ?? 5000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30000,
      maxQueuedWhilePaused: options.maxQueuedWhilePaused ?? 10000,
      sizeFunctions: sizeFunctionsOption(options.sizeFunctions),
      WebSocket: WebSocketCtor,
      timers: options.timers ?? realTimers,
      random: options.random ?? Math.random,
    });
    this._state = 'idle';
    this._connection = undefined; // the open one
    this._attempt = undefined; // one in its handshake
    this._session = undefined;
    this._token = undefined;
    this._tokenExpiresAt = undefined;
    this._user = undefined;
    this._initial = true;
    this._attemptNumber = 0;
    /** The node URL the next attempt opens, an index into knownUrls. */
    this._urlAt = 0;
    /** The URLs the node told of (NODE_ADDRESSES) that are not among the given ones. */
    this._learnedUrls = [];
    /** URLs the first connect has tried so far: each once before it waits or gives up. */
    this._initialTries = 0;
    /** Other known URLs still to be tried at once after a loss, before the first reconnect delay. */
    this._failoverTriesLeft = 0;
    /** The URL of the attempt under way, the URL of the open connection. */
    this._attemptUrl = undefined;
    this._connectedUrl = undefined;
    /** When the last round of tries at once began, if there was one. */
    this._lastRoundAt = undefined;
    /** Why the open connection was lost, named by every reconnect attempt until one opens. */
    this._lostBecause = undefined;
    this._reconnectTimer = undefined;
    this._connectPromise = undefined;
    this._connectSettle = undefined;
    this._closePromise = undefined;
    this._nextId = 1n;
    this._pending = new Map(); // request id -> {resolve, reject, timer}
    this._subscriptions = new Map(); // subscription id -> record
    this._inboxes = new Map(); // reply subject -> reject, for NO_RESPONDERS
    this._streams = new CallStreams(this);
    this._files = new FileTransfers(this, AldisError);
  }

  /** idle, connecting, connected, reconnecting, closing, closed or failed. */
  get state() {
    return this._state;
  }

  /** The open session's parameters, or undefined. */
  get session() {
    return this._session;
  }

  /** Whether the node has paused this client (sends are queued). */
  get paused() {
    return this._connection?.paused ?? false;
  }

  /**
   * Every node URL this client knows: the `urls` it was given, which it always keeps, then those
   * of the other nodes of the cluster its node told it of (docs/protocol.md 4.9), replaced each
   * time the node tells of a change and kept when the node leaves its cluster. Each reconnect
   * attempt opens the next of them, round the list.
   */
  get knownUrls() {
    return Object.freeze([...this._options.urls, ...this._learnedUrls]);
  }

  /**
   * The node told where the cluster's nodes are: keep the WebSocket URLs of the scheme of the first
   * given URL (ws or wss) that are not given already nor the node this client is connected to under
   * another name (the node lists itself), and go on rotating from the URL in use; when the list
   * dropped it, the next attempt starts again from the first URL. `addressesChanged` is emitted only
   * when knownUrls changed.
   */
  _learnUrls(addresses) {
    const before = this.knownUrls;
    const inUse = before[this._urlAt % before.length];
    const connectedTo = this._connection?.url ?? inUse;
    const scheme = new URL(this._options.urls[0]).protocol;
    const given = new Set(this._options.urls.map(normalUrl));
    const learned = [];
    for (const address of addresses) {
      let url;
      try {
        url = new URL(address);
      } catch {
        continue; // an address this client cannot read is ignored
      }
      if (url.protocol !== scheme || given.has(url.href) || learned.includes(url.href)) continue;
      if (url.href !== normalUrl(connectedTo) && sameNode(url, connectedTo)) continue;
      if (learned.length < MAX_NODE_ADDRESSES) learned.push(url.href);
    }
    this._learnedUrls = learned;
    const after = this.knownUrls;
    const at = after.indexOf(inUse);
    this._urlAt = at >= 0 ? at : after.length - 1;
    if (after.length !== before.length || after.some((url, i) => url !== before[i])) {
      this._emit('addressesChanged', { urls: after });
    }
  }

  /** The latest resume token, or undefined. */
  get resumeToken() {
    return this._token;
  }

  /**
   * Whether calls on the open session may stream now: this client announced STREAMS and the node
   * offers it at this moment (CONNECT_ACK, then every CAPABILITY_CHANGE). False while not connected.
   */
  get streamsAvailable() {
    const session = this._session;
    return session !== undefined && (this._options.capabilities & session.capabilities & Capability.STREAMS) !== 0n;
  }

  /** Registers `listener(detail)` for an event; returns a function that removes it. */
  on(type, listener) {
    const wrapped = (event) => listener(event.detail);
    this.addEventListener(type, wrapped);
    return () => this.removeEventListener(type, wrapped);
  }

  /**
   * The node offers other capabilities now (a feature came or went). When one comes back, the
   * node has already restored this session's subscriptions and provided services of its family.
   */
  _capabilitiesChanged(capabilities) {
    if (!this._session) return;
    this._session = Object.freeze({ ...this._session, capabilities });
    this._files.capabilitiesChanged();
    this._emit('capabilitiesChanged', { session: this._session });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  // ---------------------------------------------------------------- connect / close

  /** Opens the first session. Resolves with the session; rejects with an AldisError. */
  connect() {
    switch (this._state) {
      case 'connecting':
      case 'connected':
      case 'reconnecting':
        return this._connectPromise;
      case 'closing':
      case 'closed':
        return Promise.reject(new AldisError(ErrorCode.CONNECTION_FAILED, 'the client is closed'));
      default:
        break;
    }
    this._state = 'connecting';
    this._initial = true;
    this._attemptNumber = 0;
    this._initialTries = 0;
    this._failoverTriesLeft = 0;
    this._urlAt = 0; // each connect() goes through the URLs in the order given, from the first
    this._connectPromise = new Promise((resolve, reject) => {
      this._connectSettle = { resolve, reject };
    });
    this._startAttempt();
    return this._connectPromise;
  }

  _startAttempt() {
    const urls = this.knownUrls;
    this._attemptUrl = urls[this._urlAt % urls.length];
    const connection = new Connection(this, this._token, this._attemptUrl);
    this._attempt = connection;
    connection.start();
  }

  _tokenIssued(token, expiresAt) {
    if (token) {
      this._token = token;
      this._tokenExpiresAt = expiresAt;
    }
  }

  _opened(connection, session) {
    if (connection !== this._attempt || (this._state !== 'connecting' && this._state !== 'reconnecting')) {
      connection.close(0);
      return;
    }
    this._attempt = undefined;
    this._connection = connection;
    this._session = session;
    this._user = session.user;
    this._state = 'connected';
    this._attemptNumber = 0;
    this._failoverTriesLeft = 0;
    this._connectedUrl = this._attemptUrl;
    this._lostBecause = undefined;
    if (session.resumed) {
      this._streams.resumeAll();
    } else {
      this._streams.interruptAll(new AldisError(ErrorCode.CONNECTION_INTERRUPTED,
        'the connection was lost and the node started a new session, so the streams of the old one cannot go on'));
    }
    if (this._initial) {
      this._initial = false;
      const settle = this._connectSettle;
      this._connectSettle = undefined;
      this._emit('connected', { session });
      settle.resolve(session);
    } else {
      this._emit('reconnected', { session });
    }
    this._resubscribe();
    this._files.resumeAll();
  }

  _failed(connection, error, retry) {
    if (connection !== this._attempt) return;
    this._attempt = undefined;
    if (this._state !== 'connecting' && this._state !== 'reconnecting') return;
    const fatal = !retry || FATAL.has(error.code);
    if (!fatal) this._nextUrl();
    if (this._initial && !fatal && ++this._initialTries < this._options.urls.length) {
      this._startAttempt(); // the first connect tries every node at once before it waits or gives up
      return;
    }
    if (this._initial && (!this._options.retryInitialConnect || fatal)) {
      this._state = 'failed';
      this._rejectConnect(error);
      return;
    }
    if (fatal) {
      this._giveUp(error, `the node refused the session: ${error.message}`);
      return;
    }
    if (this._triedAnotherAtOnce()) return;
    this._scheduleNext(error);
  }

  _lost(connection, reason, retry) {
    if (connection !== this._connection) return;
    this._connection = undefined;
    this._session = undefined;
    const reconnects = this._state === 'connected' && retry && this._options.reconnect.maxAttempts > 0;
    const interrupted = new AldisError(ErrorCode.CONNECTION_INTERRUPTED, `the connection was lost: ${reason.message}`);
    this._failPending(interrupted);
    // With a resume token the session may go on, and its streams with it (6.4.7).
    if (reconnects && this._token !== undefined) this._streams.suspendAll(interrupted);
    else this._streams.interruptAll(interrupted);
    // A transfer belongs to the user, not the session (6.5): any later session goes on with it.
    if (reconnects) this._files.suspendAll();
    else if (this._state === 'connected') {
      this._files.failAll(new AldisError(ErrorCode.CONNECTION_LOST, `the connection was lost: ${reason.message}`));
    }
    this._emit('disconnected', { reason });
    if (this._state !== 'connected') return; // closing: close() finishes the job
    this._attemptNumber = 0;
    if (reconnects) {
      this._state = 'reconnecting';
      this._lostBecause = reason;
      // The node that dropped the connection may be gone: the client tries each other node it
      // knows once, at once, and waits its reconnect delay only when none answers. The delay
      // spreads clients coming back to the node they lost; the others are up, and a session
      // resumed there costs them a token lookup. There is one such round per first delay at the
      // most: nodes that take the session and drop it again would otherwise have the client back
      // at once, again and again.
      this._nextUrl();
      const urls = this.knownUrls;
      const now = this._options.timers.now();
      const roundDue = this._lastRoundAt === undefined
        || now - this._lastRoundAt >= this._options.reconnect.initialDelayMs;
      this._failoverTriesLeft = !roundDue ? 0 : urls.includes(this._connectedUrl) ? urls.length - 1 : urls.length;
      if (this._failoverTriesLeft > 0) this._lastRoundAt = now;
      if (!this._triedAnotherAtOnce()) this._scheduleNext(undefined);
    } else {
      this._state = 'failed';
    }
  }

  /** Starts the next of the tries at once after a loss, when one is left; whether it did. */
  _triedAnotherAtOnce() {
    if (this._failoverTriesLeft === 0) return false;
    this._failoverTriesLeft -= 1;
    this._startAttempt();
    return true;
  }

  /** Moves on to the next known node URL, round the list. */
  _nextUrl() {
    this._urlAt = (this._urlAt + 1) % this.knownUrls.length;
  }

  _scheduleNext(lastError) {
    const policy = this._options.reconnect;
    this._attemptNumber += 1;
    if (this._attemptNumber > policy.maxAttempts) {
      this._giveUp(lastError, `no session after ${policy.maxAttempts} reconnect attempts`);
      return;
    }
    const attempt = this._attemptNumber;
    const delay = backoffDelay(policy, attempt, this._options.random);
    // Every attempt after a loss names the loss, not the previous attempt's own failure; a first
    // connect retried has lost nothing yet, so it names why the previous attempt failed.
    const reason = this._lostBecause ?? { code: lastError.code, message: lastError.message };
    this._emit('reconnecting', { attempt, delay, reason });
    this._reconnectTimer = this._options.timers.setTimeout(() => {
      this._reconnectTimer = undefined;
      if (this._state === 'connecting' || this._state === 'reconnecting') this._startAttempt();
    }, delay);
  }

  _giveUp(lastError, message) {
    this._state = 'failed';
    const error = new AldisError(ErrorCode.RECONNECT_FAILED, message, { cause: lastError });
    if (this._initial) this._rejectConnect(error);
    this._failPending(error);
    // Streams kept for a resume that will not come fail as the calls interrupted at the break did.
    this._streams.interruptAll(new AldisError(ErrorCode.CONNECTION_INTERRUPTED, `the connection was lost and ${message}`,
      { cause: error }));
    this._files.failAll(error);
    this._emit('reconnectFailed', { error });
  }

  _rejectConnect(error) {
    const settle = this._connectSettle;
    this._connectSettle = undefined;
    settle?.reject(error);
  }

  /**
   * Closes gracefully: CLOSE, wait for CLOSE_ACK (or closeTimeoutMs), close the socket. Stops
   * reconnecting. The client cannot be connected again afterwards.
   */
  close() {
    if (this._closePromise) return this._closePromise;
    this._state = 'closing';
    if (this._reconnectTimer !== undefined) {
      this._options.timers.clearTimeout(this._reconnectTimer);
      this._reconnectTimer = undefined;
    }
    this._rejectConnect(new AldisError(ErrorCode.CONNECTION_FAILED, 'the client was closed'));
    const connection = this._connection ?? this._attempt;
    this._attempt = undefined;
    const done = connection ? connection.close(this._options.closeTimeoutMs) : Promise.resolve();
    this._closePromise = done.then(() => {
      this._state = 'closed';
      this._connection = undefined;
      this._session = undefined;
      this._failInFlight(new AldisError(ErrorCode.CONNECTION_LOST, 'the client was closed'));
      this._files.failAll(new AldisError(ErrorCode.CONNECTION_LOST, 'the client was closed'));
      this._subscriptions.clear();
    });
    return this._closePromise;
  }

  // ---------------------------------------------------------------- inbound work frames

  _frame(frame) {
    if (this._streams.handle(frame)) return;
    if (this._files.handle(frame)) return;
    switch (frame.type) {
      case 'ACK':
        if (this._settle(frame.requestId, frame)) return;
        break;
      case 'ERROR':
        if (this._onError(frame)) return;
        break;
      case 'RPC_RESPONSE':
        if (this._settle(frame.callId, frame) || this._stale(frame.callId)) return;
        break;
      case 'RPC_ERROR':
        if (this._settle(frame.callId, undefined, AldisError.fromFrame(frame)) || this._stale(frame.callId)) return;
        break;
      case 'DELIVER':
        this._deliver(frame);
        return;
      case 'MESSAGE':
        if (frame.reply) {
          if (this._settle(frame.correlationId, frame)) return;
          break;
        }
        this._emit('message', { message: this._message(frame) });
        return;
      case 'RPC_REQUEST':
        // This client provides no services; say so instead of leaving the caller waiting.
        this.sendFrame({ type: 'RPC_ERROR', callId: frame.callId, code: ErrorCode.METHOD_NOT_FOUND,
          message: `this client provides no method ${frame.method}`, details: '' }).catch(() => {});
        return;
      default:
        break;
    }
    this._emit('frame', { frame });
  }

  /**
   * Whether an answer is for a call this client made and no longer waits for: one that failed or
   * was cancelled meanwhile, or one a callee answers again after a resumed session's replay
   * (6.4.7). Such an answer is dropped.
   */
  _stale(callId) {
    return callId > 0n && callId < this._nextId;
  }

  _onError(frame) {
    const error = AldisError.fromFrame(frame);
    if (frame.requestId !== 0n) {
      if (this._settle(frame.requestId, undefined, error)) return true;
      const sub = this._subscriptions.get(frame.requestId);
      if (sub) {
        this._emit('error', { error, subscription: sub.handle });
        return true;
      }
    } else if (frame.code === ErrorCode.NO_RESPONDERS && error.details?.replyTo) {
      const reject = this._inboxes.get(error.details.replyTo);
      if (reject) {
        reject(error);
        return true;
      }
    }
    this._emit('error', { error });
    return true;
  }

  _settle(id, frame, error) {
    const pending = this._pending.get(id);
    if (!pending) return false;
    this._pending.delete(id);
    if (pending.timer !== undefined) this._options.timers.clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(frame);
    return true;
  }

  /** Fails every request and call waiting for an answer, streaming calls included. */
  _failInFlight(error) {
    this._failPending(error);
    this._streams.interruptAll(error);
  }

  _failPending(error) {
    const pending = [...this._pending.values()];
    this._pending.clear();
    for (const p of pending) {
      if (p.timer !== undefined) this._options.timers.clearTimeout(p.timer);
      p.reject(error);
    }
  }

  _message(frame) {
    if (frame.type === 'DELIVER') {
      return new AldisMessage(this, { subject: frame.subject, replyTo: frame.replyTo, headers: frame.headers,
        payload: frame.payload, subscriptionId: frame.subscriptionId });
    }
    return new AldisMessage(this, { messageType: frame.messageType, payload: frame.payload,
      correlationId: frame.correlationId, reply: frame.reply });
  }

  _deliver(frame) {
    const sub = this._subscriptions.get(frame.subscriptionId);
    if (!sub) return; // unsubscribed meanwhile
    const message = this._message(frame);
    const report = (error) => this._emit('error', { error, subscription: sub.handle });
    try {
      const result = sub.handler(message);
      if (result && typeof result.then === 'function') result.then(undefined, report);
    } catch (e) {
      report(e);
    }
  }

  // ---------------------------------------------------------------- outbound

  _id() {
    const id = this._nextId;
    this._nextId += 1n;
    return id;
  }

  _requireCapability(bit, what) {
    const session = this._session;
    if (!session) return notConnected(this._state);
    if ((session.capabilities & bit) === 0n) {
      return new AldisError(ErrorCode.CAPABILITY_UNAVAILABLE, `the node does not offer ${what} on this session`);
    }
    return undefined;
  }

  /**
   * Sends any frame of the protocol (low level). Work frames wait while the node has paused the
   * client. Resolves once the frame is handed to the WebSocket.
   */
  sendFrame(frame) {
    const connection = this._connection;
    if (!connection) return Promise.reject(notConnected(this._state));
    let bytes;
    try {
      bytes = encodeFrame(frame);
    } catch (e) {
      return Promise.reject(e);
    }
    return connection.send(frame.type, bytes);
  }

  /** Sends a frame and waits for the frame that answers `id` (ACK, RPC_RESPONSE, reply MESSAGE). */
  _request(id, frame, { timeoutMs, timeoutError, onTimeout, signal } = {}) {
    return new Promise((outerResolve, outerReject) => {
      let detach = () => {};
      const resolve = (v) => { detach(); outerResolve(v); };
      const reject = (e) => { detach(); outerReject(e); };
      const entry = { resolve, reject, timer: undefined };
      if (timeoutMs > 0) {
        entry.timer = this._options.timers.setTimeout(() => {
          if (this._pending.get(id) !== entry) return;
          this._pending.delete(id);
          onTimeout?.();
          reject(timeoutError());
        }, timeoutMs);
      }
      if (signal) {
        const abort = () => {
          if (this._pending.get(id) !== entry) return;
          this._settle(id, undefined, new AldisError(ErrorCode.CANCELLED, 'cancelled by the caller'));
          onTimeout?.();
        };
        if (signal.aborted) {
          reject(new AldisError(ErrorCode.CANCELLED, 'cancelled by the caller'));
          return;
        }
        signal.addEventListener('abort', abort, { once: true });
        detach = () => signal.removeEventListener('abort', abort);
      }
      this._pending.set(id, entry);
      this.sendFrame(frame).catch((e) => {
        if (this._pending.get(id) === entry) this._settle(id, undefined, e);
      });
    });
  }

  /**
   * Publishes to a subject. Resolves once the frame is handed to the WebSocket (queued while
   * paused); PUBLISH has no acknowledgement, problems come back as `error` events.
   * @param {string} subject
   * @param {Uint8Array|ArrayBuffer|string} [payload]
   * @param {{replyTo?: string, headers?: Record<string,string>|Map<string,string>|Array<[string,string]>}} [options]
   */
  publish(subject, payload, options = {}) {
    const missing = this._requireCapability(Capability.PUBSUB, 'publish/subscribe');
    if (missing) return Promise.reject(missing);
    return this.sendFrame({ type: 'PUBLISH', subject, replyTo: options.replyTo ?? '', headers: options.headers,
      payload: toBytes(payload) });
  }

  /**
   * Subscribes to a subject pattern (`*` one token, `>` the rest). Resolves with a Subscription
   * once the node has acknowledged; rejects with the node's ERROR (e.g. INVALID_SUBJECT,
   * FORBIDDEN). Subscriptions are renewed after every reconnect.
   */
  subscribe(pattern, handler, options = {}) {
    if (typeof pattern !== 'string' || pattern.length === 0) {
      return Promise.reject(new TypeError('pattern must be a non-empty string'));
    }
    if (typeof handler !== 'function') return Promise.reject(new TypeError('handler must be a function'));
    const missing = this._requireCapability(Capability.PUBSUB, 'publish/subscribe');
    if (missing) return Promise.reject(missing);
    const id = this._id();
    const record = { id, subject: pattern, queueGroup: options.queueGroup ?? '', options: options.options ?? '', handler };
    record.handle = Object.freeze({
      id,
      subject: pattern,
      queueGroup: record.queueGroup,
      unsubscribe: () => this._unsubscribe(record),
    });
    this._subscriptions.set(id, record);
    return this._request(id, this._subscribeFrame(record), this._ackTimeout('SUBSCRIBE')).then(
      () => record.handle,
      (error) => {
        this._subscriptions.delete(id);
        throw error;
      },
    );
  }

  _subscribeFrame(record) {
    return { type: 'SUBSCRIBE', subscriptionId: record.id, subject: record.subject, queueGroup: record.queueGroup,
      options: record.options };
  }

  _ackTimeout(what) {
    const ms = this._options.requestTimeoutMs;
    return { timeoutMs: ms, timeoutError: () => new AldisError(ErrorCode.REQUEST_TIMEOUT, `no answer to ${what} in ${ms} ms`) };
  }

  _unsubscribe(record) {
    if (this._subscriptions.get(record.id) !== record) return Promise.resolve();
    this._subscriptions.delete(record.id);
    if (!this._connection) return Promise.resolve(); // the node forgot it with the connection
    return this._request(record.id, { type: 'UNSUBSCRIBE', subscriptionId: record.id }, this._ackTimeout('UNSUBSCRIBE'))
      .then(() => undefined, (error) => {
        if (error.code === ErrorCode.CONNECTION_INTERRUPTED || error.code === ErrorCode.CONNECTION_LOST) return undefined;
        throw error;
      });
  }

  _resubscribe() {
    for (const record of [...this._subscriptions.values()]) {
      this._request(record.id, this._subscribeFrame(record), this._ackTimeout('SUBSCRIBE')).catch((error) => {
        if (error.code === ErrorCode.CONNECTION_INTERRUPTED || error.code === ErrorCode.CONNECTION_LOST) return;
        if (this._subscriptions.get(record.id) === record) this._subscriptions.delete(record.id);
        this._emit('error', { error, subscription: record.handle });
      });
    }
  }

  /**
   * Request/response over pub/sub: subscribes to a fresh reply subject `_inbox.<random>`,
   * publishes with it as replyTo and resolves with the first reply (an AldisMessage).
   * Rejects with REQUEST_TIMEOUT, or NO_RESPONDERS when nobody subscribes to the subject.
   */
  async request(subject, payload, options = {}) {
    const timeoutMs = options.timeoutMs ?? this._options.requestTimeoutMs;
    const inbox = `_inbox.${randomToken()}`;
    let subscription;
    let settled = false;
    let timer;
    const answer = new Promise((resolve, reject) => {
      this._inboxes.set(inbox, reject);
      if (timeoutMs > 0) {
        timer = this._options.timers.setTimeout(() => reject(new AldisError(ErrorCode.REQUEST_TIMEOUT,
          `no reply on ${subject} within ${timeoutMs} ms`)), timeoutMs);
      }
      this.subscribe(inbox, (message) => resolve(message))
        .then((sub) => {
          subscription = sub;
          if (settled) return sub.unsubscribe().catch(() => {});
          return this.publish(subject, payload, { replyTo: inbox, headers: options.headers });
        })
        .catch(reject);
    });
    try {
      return await answer;
    } finally {
      settled = true;
      if (timer !== undefined) this._options.timers.clearTimeout(timer);
      this._inboxes.delete(inbox);
      if (subscription) subscription.unsubscribe().catch(() => {});
    }
  }

  /**
   * Sends a typed MESSAGE to the node's handler for `messageType` and resolves with the handler's
   * reply (an AldisMessage); with `{noReply: true}` resolves once sent. Rejects with the node's
   * ERROR (e.g. NO_HANDLER) or REQUEST_TIMEOUT.
   */
  send(messageType, payload, options = {}) {
    const missing = this._requireCapability(Capability.MESSAGES, 'typed messages');
    if (missing) return Promise.reject(missing);
    if (options.noReply) {
      return this.sendFrame({ type: 'MESSAGE', reply: false, correlationId: 0n, messageType, payload: toBytes(payload) });
    }
    const id = this._id();
    const timeoutMs = options.timeoutMs ?? this._options.requestTimeoutMs;
    return this._request(id, { type: 'MESSAGE', reply: false, correlationId: id, messageType, payload: toBytes(payload) }, {
      timeoutMs,
      timeoutError: () => new AldisError(ErrorCode.REQUEST_TIMEOUT, `no reply to ${messageType} within ${timeoutMs} ms`),
    }).then((frame) => this._message(frame));
  }

  /**
   * Calls a remote method (`service.method`) with JSON parameters (an array or an object) and
   * resolves with the decoded JSON result. Rejects with an AldisError carrying the node's code,
   * message and details (e.g. INVALID_PARAMS with field errors), DEADLINE_EXCEEDED after
   * `timeoutMs`, or CANCELLED when `signal` aborts (the call is then cancelled on the node).
   *
   * One parameter may be `streamOf(iterable)`: its items then go on a stream within the callee's
   * credit (or as one JSON array when the session cannot stream), and a method that streams its
   * result too resolves with the array of its items.
   */
  call(method, params, options = {}) {
    let streamCall;
    try {
      const streamed = findStreamParam(params);
      if (streamed) streamCall = new StreamCall(this, this._streams, this._streamSpec(method, params, streamed, options, false));
    } catch (e) {
      return Promise.reject(e);
    }
    if (streamCall) {
      streamCall.start();
      return streamCall.promise;
    }
    const missing = this._requireCapability(Capability.RPC, 'RPC');
    if (missing) return Promise.reject(missing);
    const timeoutMs = options.timeoutMs ?? this._options.requestTimeoutMs;
    let body;
    try {
      body = params === undefined ? new Uint8Array(0) : utf8(JSON.stringify(params), 'params');
    } catch (e) {
      return Promise.reject(e);
    }
    const id = this._id();
    const cancel = () => this.sendFrame({ type: 'RPC_CANCEL', callId: id }).catch(() => {});
    return this._request(id, { type: 'RPC_REQUEST', callId: id, timeoutMillis: Math.min(timeoutMs, 0x7fffffff), method,
      params: body }, {
      timeoutMs,
      timeoutError: () => new AldisError(ErrorCode.DEADLINE_EXCEEDED, `${method} did not answer within ${timeoutMs} ms`),
      onTimeout: cancel,
      signal: options.signal,
    }).then((frame) => {
      if (frame.result.length === 0) return undefined;
      try {
        return JSON.parse(fromUtf8(frame.result));
      } catch (e) {
        throw new AldisError(ErrorCode.PROTOCOL_ERROR, `the result of ${method} is not valid JSON`, { cause: e });
      }
    });
  }

  /**
   * Calls a method that streams its result and returns its items as an async iterable:
   * `for await (const tick of client.stream('clock.ticks', [10])) ...`. The call is made when the
   * iteration starts, with STREAMS when the session has it; otherwise, or when the callee answers
   * with a batch, the items of the JSON array are iterated. The pace of the loop drives the
   * credit: at most `highWaterMark` of items are held, and consumed credit goes back at half of
   * it. Leaving the loop, or `signal`, cancels the call; a failure of the call or its stream is
   * thrown by the loop as an AldisError once the items that arrived before it are handed out.
   * A parameter given as `streamOf(iterable)` makes the call bidirectional.
   */
  stream(method, params, options = {}) {
    const streamed = findStreamParam(params);
    return new AldisStream(new StreamCall(this, this._streams, this._streamSpec(method, params, streamed, options, true)));
  }

  // ---------------------------------------------------------------- files (docs/protocol.md 6.5)

  /**
   * Uploads a Blob or File under `remoteName` in the user's storage area. Returns at once a
   * transfer handle: `id` (the node's transfer id once it accepted), `result` (a Promise of
   * `{id, name, size, sha256, resent, resumed}`, `name` being the stored name) and `cancel()`.
   * The Blob is read one chunk at a time; `onProgress({bytes, total, rate, etaMs})` is called at
   * most every `progressIntervalMs` (200) and once when every byte is acknowledged. Chunks go
   * uncompressed; `chunkSize` defaults to the node's `maxChunkSize`.
   * @param {Blob} blob
   * @param {string} remoteName
   * @param {{onProgress?: Function, progressIntervalMs?: number, chunkSize?: number, compression?: number}} [options]
   */
  upload(blob, remoteName, options = {}) {
    return this._files.upload(blob, remoteName, options);
  }

  /**
   * Downloads `remoteName` from the user's storage area. Returns a transfer handle like
   * `upload()`'s, whose `result` resolves with `{id, blob, name, size, sha256, resent, resumed}`
   * once the SHA-256 of what arrived matches the node's; `type` sets the Blob's MIME type.
   * @param {string} remoteName
   * @param {{onProgress?: Function, progressIntervalMs?: number, chunkSize?: number, type?: string}} [options]
   */
  download(remoteName, options = {}) {
    return this._files.download(remoteName, options);
  }

  /**
   * One page of the user's files whose names match the glob `pattern` (empty: all), sorted by
   * name: `{totalCount, entries: [{name, size, modified}]}`; `limit` is at most 1000.
   * @param {string} [pattern]
   * @param {{offset?: number, limit?: number}} [options]
   */
  list(pattern = '', options = {}) {
    return this._files.list(pattern, options);
  }

  /** Removes a stored file; resolves on the node's ACK. */
  remove(remoteName) {
    return this._files.remove(remoteName);
  }

  /** Marks the streamed parameter of a call; the same as the exported `streamOf`. */
  streamOf(iterable) {
    return streamOf(iterable);
  }

  _streamSpec(method, params, streamed, options, iterate) {
    if (typeof method !== 'string' || method.length === 0) throw new TypeError('method must be a non-empty string');
    const items = options.items ?? 'json';
    if (items !== 'json' && items !== 'bytes') throw new TypeError(`items must be 'json' or 'bytes', got ${String(items)}`);
    const hwm = options.highWaterMark;
    const marks = typeof hwm === 'object' && hwm !== null ? [hwm.items, hwm.bytes, hwm.custom] : [hwm];
    if (!marks.every((mark) => mark === undefined || isHighWaterMark(mark))) {
      throw new RangeError('highWaterMark must be an integer from 1 to 2147483647, or an object of such per credit mode');
    }
    const timeoutMs = options.timeoutMs ?? (iterate ? 0 : this._options.requestTimeoutMs);
    if (!(Number.isInteger(timeoutMs) && timeoutMs >= 0)) throw new RangeError('timeoutMs must be a non-negative integer');
    return {
      method,
      params,
      source: streamed?.source,
      key: streamed?.key,
      iterate,
      items,
      highWaterMark: highWaterMarkOption(hwm),
      timeoutMs,
      signal: options.signal,
    };
  }
}

/** The size functions of custom credit mode, by name: an object or a Map of functions. */
function sizeFunctionsOption(functions) {
  if (functions === undefined) return new Map();
  const entries = functions instanceof Map ? [...functions] : Object.entries(functions);
  for (const [name, fn] of entries) {
    if (typeof fn !== 'function') throw new TypeError(`size function '${name}' must be a function of the item's bytes`);
  }
  return new Map(entries);
}
