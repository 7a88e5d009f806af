// Test doubles: a fake clock and a scripted node behind a fake WebSocket constructor.
// The node speaks just enough of protocol v1 to drive the client: the handshake with resume
// tokens and the server side of SCRAM-SHA-256 (keys derived from the RFC 7677 example),
// PING/PONG, SUBSCRIBE/UNSUBSCRIBE acknowledgements and CLOSE/CLOSE_ACK. Tests replace or add
// behaviour per frame type with node.on(type, handler). Like a real node it chooses the batched
// subprotocol when the client offers it (several length-prefixed frames per message), unless
// built with { subprotocol: 'aldis.v1' }, which plays a node that knows only one frame per message.

import { decodeFrame, encodeFrame, joinFrames, splitFrames } from '../src/codec.js';
import { base64Decode, base64Encode, hmac, parseAttributes, saltedPassword, sha256 } from '../src/scram.js';

export const SALT = 'W22ZaJ0SNY7soEsUEjb6gQ==';
export const SESSION = '0a0b0c0d-0e0f-4011-8213-141516171819';
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

/** Lets queued microtasks, immediates and short I/O callbacks (WebCrypto) run. */
export async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A manual clock: timers fire only inside advance(). */
export class FakeClock {
  constructor() {
    this.time = 1_000_000;
    this.timers = new Map();
    this.seq = 0;
    this.now = () => this.time;
    this.setTimeout = (fn, ms) => {
      const id = ++this.seq;
      this.timers.set(id, { at: this.time + Math.max(0, ms || 0), fn, id });
      return id;
    };
    this.clearTimeout = (id) => {
      this.timers.delete(id);
    };
  }

  /** Moves time forward, firing due timers in order and letting promise chains settle between them. */
  async advance(ms) {
    const end = this.time + ms;
    for (;;) {
      let next;
      for (const t of this.timers.values()) {
        if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.time = next.at;
      next.fn();
      await settle(2);
    }
    this.time = end;
    await settle(2);
  }
}

async function deriveKeys(password, salt, iterations) {
  const salted = await saltedPassword(password, base64Decode(salt), iterations);
  return {
    storedKey: await sha256(await hmac(salted, enc('Client Key'))),
    serverKey: await hmac(salted, enc('Server Key')),
  };
}

export class FakeSocket {
  constructor(node, url, protocols) {
    this.node = node;
    this.url = url;
    this.protocols = protocols;
    // As a node does: the first of the client's offers that it supports.
    this.protocol = protocols.find((p) => node.subprotocols.includes(p)) ?? '';
    this.messages = []; // messages from the client, as sent
    this.readyState = 0;
    this.binaryType = 'blob';
    this.received = []; // frames from the client, decoded
    this.closed = false;
    this.closeCode = undefined;
    this.subscriptions = new Map(); // id -> subject
    this.scram = undefined;
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
  }

  get batched() {
    return this.protocol === 'aldis.v1.batch';
  }

  /** Client side: WebSocket.send */
  send(data) {
    if (this.readyState !== 1) throw new Error('WebSocket is not open');
    this.messages.push(data);
    const frames = this.batched ? splitFrames(data).map((bytes) => decodeFrame(bytes)) : [decodeFrame(data)];
    for (const frame of frames) {
      this.received.push(frame);
      queueMicrotask(() => this.node._onFrame(this, frame));
    }
  }

  /** Client side: WebSocket.close */
  close(code) {
    if (this.closed) return;
    this.closed = true;
    this.closeCode = code;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code: code ?? 1005, reason: '' }));
  }

  /** Node side: the upgrade succeeded. */
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** Node side: one frame to the client, as a binary message. */
  deliver(frame) {
    this.deliverTogether([frame]);
  }

  /** Node side: frames in one message under the batched subprotocol, else one message each. */
  deliverTogether(frames) {
    const encoded = frames.map((frame) => encodeFrame(frame));
    for (const bytes of this.batched ? [joinFrames(encoded)] : encoded) {
      this.deliverRaw(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
  }

  deliverRaw(data) {
    if (this.closed) return;
    queueMicrotask(() => {
      if (!this.closed) this.onmessage?.({ data });
    });
  }

  /** Node side: the network drops the connection. */
  drop(code = 1006) {
    if (this.closed) return;
    // Queued behind the messages already delivered, as on a real connection.
    queueMicrotask(() => {
      if (this.closed) return;
      this.closed = true;
      this.readyState = 3;
      this.onclose?.({ code, reason: '' });
    });
  }

  /**
   * Node side: the network fails now. Frames still in flight either way are lost: those delivered
   * and not yet read by the client, and those the client sends from now on.
   */
  cut() {
    if (this.closed) return;
    this.closed = true;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code: 1006, reason: '' }));
  }

  of(type) {
    return this.received.filter((f) => f.type === type);
  }
}

export class FakeNode {
  constructor(options = {}) {
    this.heartbeatMillis = options.heartbeatMillis ?? 0;
    this.capabilities = options.capabilities ?? 0xffn;
    this.mechanisms = options.mechanisms ?? ['SCRAM-SHA-256', 'PLAIN'];
    this.maxFrameSize = options.maxFrameSize ?? 1048576;
    this.password = options.password ?? 'pencil';
    this.subprotocols = options.subprotocol ? [options.subprotocol] : ['aldis.v1.batch', 'aldis.v1'];
    this.answerPings = true;
    // When set (true, or a function of the URL that answers true), new sockets close without opening.
    this.refuse = false;
    this.tokens = new Set();
    this.tokenCount = 0;
    this.sockets = [];
    this.handlers = new Map();
    this.waiters = [];
    this.keys = deriveKeys(this.password, SALT, 4096);
    const node = this;
    this.WebSocket = class extends FakeSocket {
      constructor(url, protocols) {
        super(node, url, protocols);
        node.sockets.push(this);
        const refused = typeof node.refuse === 'function' ? node.refuse(url) : node.refuse;
        queueMicrotask(() => (refused ? this.drop(1006) : this.open()));
      }
    };
  }

  get socket() {
    return this.sockets[this.sockets.length - 1];
  }

  /** Replaces the default behaviour for one frame type: handler(socket, frame). */
  on(type, handler) {
    this.handlers.set(type, handler);
  }

  /** Resolves with the n-th frame of `type` received from the client, counting across sockets. */
  waitFor(type, n = 1) {
    return new Promise((resolve) => {
      this.waiters.push({ type, n, resolve });
      this._check();
    });
  }

  all(type) {
    return this.sockets.flatMap((s) => s.of(type));
  }

  _check() {
    this.waiters = this.waiters.filter((w) => {
      const seen = this.all(w.type);
      if (seen.length >= w.n) {
        w.resolve(seen[w.n - 1]);
        return false;
      }
      return true;
    });
  }

  async _onFrame(socket, frame) {
    try {
      const handler = this.handlers.get(frame.type);
      if (handler) await handler(socket, frame);
      else await this._default(socket, frame);
    } finally {
      this._check();
    }
  }

  connectAck(authenticated) {
    return { type: 'CONNECT_ACK', authenticated, version: 0x0100, capabilities: this.capabilities, sessionId: SESSION,
      maxFrameSize: this.maxFrameSize, heartbeatMillis: this.heartbeatMillis, maxFileSize: 1n << 30n,
      maxChunkSize: 262144, mechanisms: this.mechanisms, nodeName: 'fake' };
  }

  issueToken() {
    const token = `tok-${++this.tokenCount}`;
    this.tokens.add(token);
    return token;
  }

  fail(socket) {
    socket.deliver({ type: 'ERROR', requestId: 0n, code: -201, message: 'authentication failed', details: '' });
    socket.drop(1000);
  }

  async _default(socket, frame) {
    switch (frame.type) {
      case 'CONNECT':
        socket.deliver(this.connectAck(this.tokens.has(frame.resumeToken)));
        return;
      case 'AUTH_START': {
        if (frame.mechanism === 'PLAIN') {
          const [, user, password] = dec(frame.data).split('\0');
          if (user === 'user' && password === this.password) {
            socket.deliver({ type: 'AUTH_OK', user, resumeToken: this.issueToken(), tokenExpiresAt: 0n, data: new Uint8Array(0) });
          } else {
            this.fail(socket);
          }
          return;
        }
        const first = dec(frame.data);
        const bare = first.slice(3);
        const attrs = parseAttributes(bare);
        const nonce = `${attrs.get('r')}srv-nonce`;
        const serverFirst = `r=${nonce},s=${SALT},i=4096`;
        socket.scram = { user: attrs.get('n'), bare, serverFirst, nonce };
        socket.deliver({ type: 'AUTH_CHALLENGE', data: enc(serverFirst) });
        return;
      }
      case 'AUTH_RESPONSE': {
        const s = socket.scram;
        const final = dec(frame.data);
        const attrs = parseAttributes(final);
        const withoutProof = final.slice(0, final.lastIndexOf(',p='));
        const authMessage = enc(`${s.bare},${s.serverFirst},${withoutProof}`);
        const { storedKey, serverKey } = await this.keys;
        const signature = await hmac(storedKey, authMessage);
        const proof = base64Decode(attrs.get('p'));
        const clientKey = proof.map((b, i) => b ^ signature[i]);
        const ok = attrs.get('r') === s.nonce && attrs.get('c') === 'biws'
          && base64Encode(await sha256(clientKey)) === base64Encode(storedKey);
        if (!ok) {
          this.fail(socket);
          return;
        }
        const v = base64Encode(await hmac(serverKey, authMessage));
        socket.deliver({ type: 'AUTH_OK', user: s.user, resumeToken: this.issueToken(), tokenExpiresAt: 1700000000000n,
          data: enc(`v=${v}`) });
        return;
      }
      case 'PING':
        if (this.answerPings) socket.deliver({ type: 'PONG', nonce: frame.nonce });
        return;
      case 'SUBSCRIBE':
        socket.subscriptions.set(frame.subscriptionId, frame.subject);
        socket.deliver({ type: 'ACK', requestId: frame.subscriptionId, json: '' });
        return;
      case 'UNSUBSCRIBE':
        socket.subscriptions.delete(frame.subscriptionId);
        socket.deliver({ type: 'ACK', requestId: frame.subscriptionId, json: '' });
        return;
      case 'CLOSE':
        socket.deliver({ type: 'CLOSE_ACK' });
        return;
      default:
        return;
    }
  }
}
