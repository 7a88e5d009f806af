// Aldis browser client: protocol v1 over WebSocket (subprotocol "aldis.v1", one frame per binary
// message). No dependencies; works as a <script type="module"> import and under Node.js with an
// injected WebSocket constructor.

import {
  Capability, DEFAULT_MAX_FRAME_SIZE, ErrorCode, FrameError, PRE_HANDSHAKE_MAX_FRAME_SIZE, PROTOCOL_VERSION,
  decodeFrame, encodeFrame, fromUtf8, toBytes, utf8,
} from './codec.js';
import { AldisError } from './errors.js';
import { SCRAM_MECHANISM, ScramClient } from './scram.js';
import { isHighWaterMark } from './credit.js';
import { StreamCall, highWaterMarkOption } from './stream-call.js';
import { findStreamParam, streamOf } from './stream-items.js';
import { AldisStream, CallStreams } from './streams.js';

export * from './codec.js';
export { AldisError } from './errors.js';
export { ScramClient, ScramError, SCRAM_MECHANISM } from './scram.js';
export { streamOf } from './stream-items.js';

export const DEFAULT_URL = 'ws://127.0.0.1:7441/aldis';
export const SUBPROTOCOL = 'aldis.v1';

/** What this client can use: typed messages, pub/sub, RPC, streams, resume tokens and PAUSE/RESUME. */
export const CLIENT_CAPABILITIES = Capability.MESSAGES | Capability.PUBSUB | Capability.RPC | Capability.STREAMS
  | Capability.RESUME_TOKEN | Capability.FLOW_CONTROL;

/** Failures after which reconnecting cannot help. */
const FATAL = new Set([ErrorCode.AUTH_FAILED, ErrorCode.UNSUPPORTED_VERSION, ErrorCode.AUTH_REQUIRED,
  ErrorCode.AUTH_MECHANISM_UNSUPPORTED, ErrorCode.AUTH_MECHANISM_NOT_ALLOWED]);

/** Frames that may be sent while the node has paused us (section 4.7). */
const CONTROL = new Set(['PING', 'PONG', 'CLOSE', 'CLOSE_ACK', 'STREAM_CREDIT', 'CHUNK_ACK', 'CHUNK_NACK']);

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
  now: () => Date.now(),
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
  constructor(client, resumeToken) {
    this.client = client;
    this.opts = client._options;
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
      ws = new this.opts.WebSocket(this.opts.url, [SUBPROTOCOL]);
    } catch (e) {
      queueMicrotask(() => this.lose({ code: ErrorCode.CONNECTION_FAILED, message: `cannot open ${this.opts.url}: ${e.message}` }, true, e));
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

  writeBytes(bytes) {
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
    let frame;
    try {
      const limit = this.ack ? this.ack.maxFrameSize : DEFAULT_MAX_FRAME_SIZE;
      frame = decodeFrame(toBytes(data, 'message'), { maxFrameSize: limit });
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

  /** Sends a work frame (already encoded), honouring PAUSE. Resolves once handed to the socket. */
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
    this._options = Object.freeze({
      url: options.url ?? DEFAULT_URL,
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
    this._connectPromise = new Promise((resolve, reject) => {
      this._connectSettle = { resolve, reject };
    });
    this._startAttempt();
    return this._connectPromise;
  }

  _startAttempt() {
    const connection = new Connection(this, this._token);
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
    this._lostBecause = undefined;
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
  }

  _failed(connection, error, retry) {
    if (connection !== this._attempt) return;
    this._attempt = undefined;
    if (this._state !== 'connecting' && this._state !== 'reconnecting') return;
    const fatal = !retry || FATAL.has(error.code);
    if (this._initial && (!this._options.retryInitialConnect || fatal)) {
      this._state = 'failed';
      this._rejectConnect(error);
      return;
    }
    if (fatal) {
      this._giveUp(error, `the node refused the session: ${error.message}`);
      return;
    }
    this._scheduleNext(error);
  }

  _lost(connection, reason, retry) {
    if (connection !== this._connection) return;
    this._connection = undefined;
    this._session = undefined;
    this._failInFlight(new AldisError(ErrorCode.CONNECTION_INTERRUPTED, `the connection was lost: ${reason.message}`));
    this._emit('disconnected', { reason });
    if (this._state !== 'connected') return; // closing: close() finishes the job
    this._attemptNumber = 0;
    if (retry && this._options.reconnect.maxAttempts > 0) {
      this._state = 'reconnecting';
      this._lostBecause = reason;
      this._scheduleNext(undefined);
    } else {
      this._state = 'failed';
    }
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
    this._failInFlight(error);
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
      this._subscriptions.clear();
    });
    return this._closePromise;
  }

  // ---------------------------------------------------------------- inbound work frames

  _frame(frame) {
    if (this._streams.handle(frame)) return;
    switch (frame.type) {
      case 'ACK':
        if (this._settle(frame.requestId, frame)) return;
        break;
      case 'ERROR':
        if (this._onError(frame)) return;
        break;
      case 'RPC_RESPONSE':
        if (this._settle(frame.callId, frame)) return;
        break;
      case 'RPC_ERROR':
        if (this._settle(frame.callId, undefined, AldisError.fromFrame(frame))) return;
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
