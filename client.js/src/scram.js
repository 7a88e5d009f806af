// Client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) on WebCrypto, as the Aldis node speaks it:
// no channel binding (GS2 header "n,,"), no authorization identity, no SASLprep (user name and
// password are used as their UTF-8 bytes, exactly as the node does).

import { fromUtf8, utf8 } from './codec.js';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** Fewest iterations accepted from a server (RFC 7677 recommends at least 4096). */
export const MIN_ITERATIONS = 4096;
/** Most iterations accepted, so that a hostile server cannot make the client spin for minutes. */
export const MAX_ITERATIONS = 10_000_000;

const GS2_HEADER = 'n,,';
const CHANNEL_BINDING = 'biws'; // base64("n,,")

/** Raised when a server message is malformed, reports an error, or fails verification. */
export class ScramError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ScramError';
  }
}

function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) {
    throw new Error('WebCrypto (crypto.subtle) is not available; browsers offer it on https:// and localhost pages only');
  }
  return s;
}

// ------------------------------------------------------------------ base64

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUES = new Map([...B64].map((c, i) => [c, i]));

/** Standard base64 with padding. */
export function base64Encode(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

/** Strict standard base64 (padding required, no whitespace); throws ScramError otherwise. */
export function base64Decode(text, what = 'base64') {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new ScramError(`invalid base64 in ${what}`);
  }
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = text[i + k];
      n = (n << 6) | (c === '=' ? 0 : B64_VALUES.get(c));
    }
    if (o < out.length) out[o++] = (n >> 16) & 0xff;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

// ------------------------------------------------------------------ primitives

/** PBKDF2-HMAC-SHA-256 with a 32-byte output: SaltedPassword of RFC 5802. */
export async function saltedPassword(password, salt, iterations) {
  const key = await subtle().importKey('raw', utf8(password, 'password'), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** HMAC-SHA-256. */
export async function hmac(key, data) {
  const k = await subtle().importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', k, data));
}

/** SHA-256. */
export async function sha256(data) {
  return new Uint8Array(await subtle().digest('SHA-256', data));
}

function xor(a, b) {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** `=` to `=3D` and `,` to `=2C`, for the `n=` attribute. */
export function escapeUser(user) {
  return user.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** Printable ASCII without a comma, not empty. */
export function validNonce(nonce) {
  return typeof nonce === 'string' && /^[\x21-\x2b\x2d-\x7e]+$/.test(nonce);
}

/** A fresh random nonce (144 bits, base64, so never a comma). */
export function randomNonce() {
  return base64Encode(globalThis.crypto.getRandomValues(new Uint8Array(18)));
}

/**
 * Splits "a=1,b=2" into an ordered Map; each attribute is one ASCII letter, `=`, a value without
 * a comma, and names do not repeat.
 */
export function parseAttributes(message) {
  if (message.length === 0) throw new ScramError('empty message');
  const out = new Map();
  let start = 0;
  for (;;) {
    const comma = message.indexOf(',', start);
    const end = comma < 0 ? message.length : comma;
    if (end - start < 2 || message[start + 1] !== '=') {
      throw new ScramError(`malformed attribute at offset ${start}`);
    }
    const name = message[start];
    if (!/^[A-Za-z]$/.test(name)) throw new ScramError(`invalid attribute name at offset ${start}`);
    if (out.has(name)) throw new ScramError(`repeated attribute ${name}`);
    out.set(name, message.slice(start + 2, end));
    if (comma < 0) return out;
    start = comma + 1;
  }
}

function decodeMessage(bytes) {
  try {
    return fromUtf8(bytes);
  } catch {
    throw new ScramError('message is not valid UTF-8');
  }
}

// ------------------------------------------------------------------ the exchange

/**
 * One SCRAM-SHA-256 exchange from the client's side. Call clientFirstMessage(), then
 * clientFinalMessage(serverFirst), then verifyServerFinal(serverFinal). One instance serves one
 * exchange.
 */
export class ScramClient {
  /**
   * @param {string} user
   * @param {string} password
   * @param {{nonce?: string}} [options] a fixed client nonce, for tests with known vectors
   */
  constructor(user, password, options = {}) {
    if (typeof user !== 'string' || user.length === 0) throw new TypeError('user must be a non-empty string');
    if (typeof password !== 'string') throw new TypeError('password must be a string');
    const nonce = options.nonce ?? randomNonce();
    if (!validNonce(nonce)) throw new TypeError('nonce must be printable ASCII without commas');
    this._user = user;
    this._password = password;
    this._nonce = nonce;
    this._state = 'initial';
    this._firstBare = undefined;
    this._serverSignature = undefined;
  }

  /** `n,,n=<user>,r=<nonce>` as UTF-8. */
  clientFirstMessage() {
    if (this._state !== 'initial') throw new Error('client-first-message already produced');
    this._state = 'first-sent';
    this._firstBare = `n=${escapeUser(this._user)},r=${this._nonce}`;
    return utf8(GS2_HEADER + this._firstBare, 'user');
  }

  /**
   * Answers the server-first-message with the client-final-message carrying the proof.
   * @param {Uint8Array} serverFirstMessage
   * @returns {Promise<Uint8Array>}
   */
  async clientFinalMessage(serverFirstMessage) {
    if (this._state !== 'first-sent') throw new Error('clientFirstMessage() must be called first, and once');
    this._state = 'failed';
    const serverFirst = decodeMessage(serverFirstMessage);
    const attrs = parseAttributes(serverFirst);
    if (attrs.has('e')) throw new ScramError(`server reported error: ${attrs.get('e')}`);
    if (attrs.has('m')) throw new ScramError('server requires an unsupported extension');
    const order = [...attrs.keys()];
    if (order.length < 3 || order[0] !== 'r' || order[1] !== 's' || order[2] !== 'i') {
      throw new ScramError('server-first-message must start with r, s, i in that order');
    }
    const nonce = attrs.get('r');
    if (!validNonce(nonce) || !nonce.startsWith(this._nonce) || nonce.length === this._nonce.length) {
      throw new ScramError('server nonce does not extend the client nonce');
    }
    const salt = base64Decode(attrs.get('s'), 'salt');
    if (salt.length === 0) throw new ScramError('empty salt');
    const iterText = attrs.get('i');
    if (!/^[0-9]{1,9}$/.test(iterText)) throw new ScramError('iteration count is not a number');
    const iterations = Number(iterText);
    if (iterations < MIN_ITERATIONS) throw new ScramError(`iteration count ${iterations} is below ${MIN_ITERATIONS}`);
    if (iterations > MAX_ITERATIONS) throw new ScramError(`iteration count ${iterations} is above ${MAX_ITERATIONS}`);

    const withoutProof = `c=${CHANNEL_BINDING},r=${nonce}`;
    const authMessage = utf8(`${this._firstBare},${serverFirst},${withoutProof}`);
    const salted = await saltedPassword(this._password, salt, iterations);
    this._password = '';
    const clientKey = await hmac(salted, utf8('Client Key'));
    const storedKey = await sha256(clientKey);
    const proof = xor(clientKey, await hmac(storedKey, authMessage));
    const serverKey = await hmac(salted, utf8('Server Key'));
    this._serverSignature = await hmac(serverKey, authMessage);
    salted.fill(0);
    clientKey.fill(0);
    this._state = 'final-sent';
    return utf8(`${withoutProof},p=${base64Encode(proof)}`);
  }

  /**
   * Checks the server-final-message `v=<signature>`: the server proves it knows the user's keys.
   * @param {Uint8Array} serverFinalMessage
   * @throws {ScramError} on an error report, a malformed message or a wrong signature
   */
  verifyServerFinal(serverFinalMessage) {
    if (this._state !== 'final-sent') throw new Error('clientFinalMessage() must succeed first');
    this._state = 'done';
    const attrs = parseAttributes(decodeMessage(serverFinalMessage));
    const first = attrs.keys().next().value;
    if (first === 'e') throw new ScramError(`server reported error: ${attrs.get('e')}`);
    if (first !== 'v') throw new ScramError('server-final-message must start with v= or e=');
    const signature = base64Decode(attrs.get('v'), 'server signature');
    if (!sameBytes(signature, this._serverSignature)) throw new ScramError('server signature does not match');
  }
}
