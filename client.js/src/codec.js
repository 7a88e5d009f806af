// Aldis protocol v1 frame codec (docs/protocol.md, section 5).
//
// A frame is a type byte, a flags byte and a body. This module works on whole frames:
// encodeFrame() turns a frame object into bytes and decodeFrame() turns bytes back into a frame
// object. On WebSocket a binary message is one frame (subprotocol aldis.v1) or several frames,
// each behind a length prefix (aldis.v1.batch, section 2.2): joinFrames() and splitFrames() make
// and take apart such a message. Runs unchanged in browsers and Node.js.
//
// Value mapping (see codec.d.ts for the per-frame shapes):
//   u8 / u16 / u31 / i32 / u32 -> number
//   u64 (ids, nonces, masks, sizes, times) -> bigint (numbers are accepted when encoding)
//   uuid -> lower-case canonical string "00112233-4455-6677-8899-aabbccddeeff"
//   str -> string; json -> string holding the JSON text ("" when absent)
//   sha256 and rest -> Uint8Array (decoded arrays are copies, never views of the input)
//   headers -> Map<string, string> (insertion order is wire order)
//   ranges -> Array<{first, last}>

/** Protocol version 1.0 as sent in CONNECT (major << 8 | minor). */
export const PROTOCOL_VERSION = 0x0100;

/** The default and, until CONNECT_ACK says otherwise, the assumed largest frame. */
export const DEFAULT_MAX_FRAME_SIZE = 1048576;

/** The most addresses one NODE_ADDRESSES frame carries, and the longest address in bytes (4.9). */
export const MAX_NODE_ADDRESSES = 64;
export const MAX_NODE_ADDRESS_BYTES = 255;

/** Largest frame a client may send before CONNECT_ACK has arrived. */
export const PRE_HANDSHAKE_MAX_FRAME_SIZE = 65536;

/** Frame type codes (section 7). */
export const FrameType = Object.freeze({
  CONNECT: 0x01,
  CONNECT_ACK: 0x02,
  AUTH_START: 0x10,
  AUTH_CHALLENGE: 0x11,
  AUTH_RESPONSE: 0x12,
  AUTH_OK: 0x13,
  PING: 0x20,
  PONG: 0x21,
  PAUSE: 0x22,
  RESUME: 0x23,
  CLOSE: 0x24,
  CLOSE_ACK: 0x25,
  CAPABILITY_CHANGE: 0x26,
  NODE_ADDRESSES: 0x27,
  ACK: 0x2e,
  ERROR: 0x2f,
  MESSAGE: 0x30,
  SUBSCRIBE: 0x31,
  UNSUBSCRIBE: 0x32,
  PUBLISH: 0x33,
  DELIVER: 0x34,
  RPC_REQUEST: 0x40,
  RPC_RESPONSE: 0x41,
  RPC_ERROR: 0x42,
  RPC_CANCEL: 0x43,
  SERVICE_PROVIDE: 0x44,
  SERVICE_WITHDRAW: 0x45,
  STREAM_OPEN: 0x50,
  STREAM_DATA: 0x51,
  STREAM_CREDIT: 0x52,
  STREAM_END: 0x53,
  STREAM_ERROR: 0x54,
  STREAM_CANCEL: 0x55,
  STREAM_RESUME: 0x56,
  UPLOAD_REQUEST: 0x60,
  UPLOAD_ACCEPT: 0x61,
  UPLOAD_REJECT: 0x62,
  DOWNLOAD_REQUEST: 0x63,
  DOWNLOAD_ACCEPT: 0x64,
  DOWNLOAD_REJECT: 0x65,
  CHUNK_DATA: 0x66,
  CHUNK_ACK: 0x67,
  CHUNK_NACK: 0x68,
  UPLOAD_COMPLETE: 0x69,
  UPLOAD_VERIFY: 0x6a,
  DOWNLOAD_COMPLETE: 0x6b,
  DOWNLOAD_VERIFY: 0x6c,
  LIST_REQUEST: 0x6d,
  LIST_RESPONSE: 0x6e,
  RESUME_REQUEST: 0x6f,
  RESUME_RESPONSE: 0x70,
  TRANSFER_ABORT: 0x71,
  FILE_REMOVE: 0x72,
});

const TYPE_NAMES = new Map(Object.entries(FrameType).map(([name, code]) => [code, name]));

/** Capability bits of CONNECT / CONNECT_ACK (section 4.2), as bigint masks. */
export const Capability = Object.freeze({
  MESSAGES: 0x01n,
  PUBSUB: 0x02n,
  RPC: 0x04n,
  STREAMS: 0x08n,
  FILE_TRANSFER: 0x10n,
  LZ4: 0x20n,
  RESUME_TOKEN: 0x40n,
  FLOW_CONTROL: 0x80n,
  NODE_ADDRESSES: 0x100n,
});

/** Stable error codes (section 8). */
export const ErrorCode = Object.freeze({
  PROTOCOL_ERROR: -100,
  UNSUPPORTED_VERSION: -101,
  FRAME_TOO_LARGE: -102,
  UNKNOWN_FRAME_TYPE: -103,
  MALFORMED_FRAME: -104,
  UNEXPECTED_FRAME: -105,
  CAPABILITY_UNAVAILABLE: -106,
  INTERNAL_ERROR: -110,
  SHUTTING_DOWN: -111,
  AUTH_REQUIRED: -200,
  AUTH_FAILED: -201,
  AUTH_MECHANISM_UNSUPPORTED: -202,
  AUTH_TIMEOUT: -203,
  AUTH_MECHANISM_NOT_ALLOWED: -204,
  FORBIDDEN: -210,
  SESSION_KILLED: -220,
  NO_HANDLER: -300,
  INVALID_SUBJECT: -301,
  SUBSCRIPTION_LIMIT: -302,
  MESSAGE_TOO_LARGE: -303,
  SLOW_CONSUMER: -304,
  REQUEST_TIMEOUT: -310,
  NO_RESPONDERS: -311,
  METHOD_NOT_FOUND: -400,
  INVALID_PARAMS: -401,
  DEADLINE_EXCEEDED: -402,
  CANCELLED: -403,
  PROVIDER_GONE: -404,
  SERVICE_ERROR: -405,
  CONNECTION_INTERRUPTED: -406,
  STREAM_NOT_FOUND: -500,
  STREAM_CREDIT_EXCEEDED: -501,
  STREAM_FAILED: -502,
  STREAMING_UNAVAILABLE: -503,
  STREAM_ITEM_TOO_LARGE: -504,
  UNKNOWN_SIZE_FUNCTION: -505,
  STREAM_LIMIT: -506,
  RATE_LIMITED: -600,
  BUSY: -601,
  TOO_MANY_CONNECTIONS: -602,
  HEARTBEAT_TIMEOUT: -603,
  CONNECTION_FAILED: -700,
  CONNECTION_TIMEOUT: -701,
  CONNECTION_LOST: -702,
  RECONNECT_FAILED: -703,
  TRANSFER_NOT_FOUND: -710,
  INVALID_FILE_NAME: -711,
  FILE_TOO_LARGE: -712,
  UPLOAD_REJECTED: -713,
  DOWNLOAD_REJECTED: -714,
  CHUNK_CHECKSUM_ERROR: -720,
  CHUNK_OUT_OF_RANGE: -721,
  DECOMPRESSION_FAILED: -722,
  FILE_HASH_MISMATCH: -730,
  RESUME_NOT_POSSIBLE: -740,
  STORAGE_FULL: -745,
  FILE_NOT_FOUND_ON_SERVER: -746,
  QUOTA_EXCEEDED: -747,
  UPLOAD_CONFLICT: -748,
  STORAGE_ERROR: -750,
});

const ERROR_NAMES = new Map(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** The name of an error code, or undefined for a code this release does not know. */
export function errorName(code) {
  return ERROR_NAMES.get(code);
}

/** Enumerations carried in u8 fields. */
// Stream directions are relative to the call (section 5.6): CALLEE_TO_CALLER and CALLER_TO_CALLEE
// say so on every connection; the older names describe a client's own calls and have the same codes.
export const StreamDirection = Object.freeze({
  CALLEE_TO_CALLER: 1, CALLER_TO_CALLEE: 2, BIDIRECTIONAL: 3, NODE_TO_CLIENT: 1, CLIENT_TO_NODE: 2,
});
export const CreditMode = Object.freeze({ ITEMS: 0, BYTES: 1, CUSTOM: 2 });
export const Compression = Object.freeze({ NONE: 0, LZ4: 1, ADAPTIVE: 2 });
export const TransferDirection = Object.freeze({ UPLOAD: 1, DOWNLOAD: 2 });
export const ResumeStatus = Object.freeze({
  RESUMABLE: 0, NOT_FOUND: 1, FILE_CHANGED: 2, STATE_CORRUPTED: 3, EXPIRED: 4,
});

/**
 * A frame that cannot be decoded. `code` is ErrorCode.MALFORMED_FRAME, UNKNOWN_FRAME_TYPE or
 * FRAME_TOO_LARGE, which is also what a receiver answers the peer with.
 */
export class FrameError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'FrameError';
    this.code = code;
  }
}

// ------------------------------------------------------------------ layouts

const U31_MAX = 0x7fffffff;
const U64_MAX = (1n << 64n) - 1n;
const SIZE64_MAX = (1n << 63n) - 1n;

// Field kinds:
//   u8e:<values>  enumeration in a u8     u16   u31 (u32 at most 2^31-1)   u32 (any bit, checksums)
//   i32   id64 (u64, any bit)   size64 (u64 at most 2^63-1)   uuid   str   json   sha256
//   strs8 (u8 count then strings)   headers (only with flag bit 0)   entries   ranges   rest
const ENUMS = {
  direction: [...new Set(Object.values(StreamDirection))],
  creditMode: Object.values(CreditMode),
  compression: Object.values(Compression),
  transferDirection: Object.values(TransferDirection),
  resumeStatus: Object.values(ResumeStatus),
};

/**
 * type name -> { flags: {field: bit}, fields: [[name, kind, enum?]], check?: frame -> problem or undefined }
 * (`check` relates fields to each other after they are read, and before they are written)
 */
const LAYOUTS = {
  CONNECT: { fields: [['version', 'u16'], ['capabilities', 'id64'], ['clientId', 'uuid'],
    ['resumeToken', 'str'], ['clientName', 'str']] },
  CONNECT_ACK: { flags: { authenticated: 0x01 }, fields: [['version', 'u16'], ['capabilities', 'id64'],
    ['sessionId', 'uuid'], ['maxFrameSize', 'u31'], ['heartbeatMillis', 'u31'], ['maxFileSize', 'size64'],
    ['maxChunkSize', 'u31'], ['mechanisms', 'strs8'], ['nodeName', 'str']] },
  AUTH_START: { fields: [['mechanism', 'str'], ['data', 'rest']] },
  AUTH_CHALLENGE: { fields: [['data', 'rest']] },
  AUTH_RESPONSE: { fields: [['data', 'rest']] },
  AUTH_OK: { fields: [['user', 'str'], ['resumeToken', 'str'], ['tokenExpiresAt', 'size64'], ['data', 'rest']] },
  PING: { fields: [['nonce', 'id64']] },
  PONG: { fields: [['nonce', 'id64']] },
  PAUSE: { fields: [] },
  RESUME: { fields: [] },
  CLOSE: { fields: [['code', 'i32'], ['message', 'str']] },
  CLOSE_ACK: { fields: [] },
  CAPABILITY_CHANGE: { fields: [['capabilities', 'id64']] },
  NODE_ADDRESSES: { fields: [['addresses', 'strs8']],
    check: (f) => {
      if (f.addresses.length > MAX_NODE_ADDRESSES) return `more than ${MAX_NODE_ADDRESSES} addresses`;
      if (f.addresses.some((a) => utf8Encoder.encode(a).length > MAX_NODE_ADDRESS_BYTES)) {
        return `an address longer than ${MAX_NODE_ADDRESS_BYTES} bytes`;
      }
      return undefined;
    } },
  ACK: { fields: [['requestId', 'id64'], ['json', 'json']] },
  ERROR: { fields: [['requestId', 'id64'], ['code', 'i32'], ['message', 'str'], ['details', 'json']] },
  MESSAGE: { flags: { reply: 0x01 }, fields: [['correlationId', 'id64'], ['messageType', 'str'],
    ['payload', 'rest']] },
  SUBSCRIBE: { fields: [['subscriptionId', 'id64'], ['subject', 'str'], ['queueGroup', 'str'],
    ['options', 'json']] },
  UNSUBSCRIBE: { fields: [['subscriptionId', 'id64']] },
  PUBLISH: { fields: [['subject', 'str'], ['replyTo', 'str'], ['headers', 'headers'], ['payload', 'rest']] },
  DELIVER: { fields: [['subscriptionId', 'id64'], ['subject', 'str'], ['replyTo', 'str'],
    ['headers', 'headers'], ['payload', 'rest']] },
  RPC_REQUEST: { flags: { streams: 0x01 }, fields: [['callId', 'id64'], ['timeoutMillis', 'u31'], ['method', 'str'],
    ['params', 'rest']] },
  RPC_RESPONSE: { fields: [['callId', 'id64'], ['result', 'rest']] },
  RPC_ERROR: { fields: [['callId', 'id64'], ['code', 'i32'], ['message', 'str'], ['details', 'json']] },
  RPC_CANCEL: { fields: [['callId', 'id64']] },
  SERVICE_PROVIDE: { fields: [['requestId', 'id64'], ['service', 'str'], ['descriptor', 'json']] },
  SERVICE_WITHDRAW: { fields: [['requestId', 'id64'], ['service', 'str']] },
  STREAM_OPEN: { fields: [['streamId', 'id64'], ['callId', 'id64'], ['direction', 'u8e', 'direction'],
    ['creditMode', 'u8e', 'creditMode'], ['initialCredit', 'u31'], ['metadata', 'json']] },
  STREAM_DATA: { flags: { last: 0x01 }, fields: [['streamId', 'id64'], ['item', 'rest']] },
  STREAM_CREDIT: { fields: [['streamId', 'id64'], ['credit', 'u31']] },
  STREAM_END: { fields: [['streamId', 'id64']] },
  STREAM_ERROR: { fields: [['streamId', 'id64'], ['code', 'i32'], ['message', 'str']] },
  STREAM_CANCEL: { fields: [['streamId', 'id64']] },
  STREAM_RESUME: { flags: { receiving: 0x01, ended: 0x02 },
    fields: [['streamId', 'id64'], ['received', 'size64'], ['credit', 'u31']],
    check: (f) => (!f.receiving && (BigInt(f.received) !== 0n || f.credit !== 0 || f.ended)
      ? 'a side that does not receive reports no items, credit or end' : undefined) },
  UPLOAD_REQUEST: { fields: [['requestId', 'id64'], ['fileName', 'str'], ['fileSize', 'size64'],
    ['fileHash', 'sha256'], ['chunkCount', 'u31'], ['chunkSize', 'u31'], ['compression', 'u8e', 'compression'],
    ['metadata', 'json']] },
  UPLOAD_ACCEPT: { fields: [['requestId', 'id64'], ['transferId', 'uuid'], ['chunkSize', 'u31'],
    ['window', 'u16']] },
  UPLOAD_REJECT: { fields: [['requestId', 'id64'], ['code', 'i32'], ['reason', 'str'], ['details', 'json']] },
  DOWNLOAD_REQUEST: { fields: [['requestId', 'id64'], ['fileName', 'str'], ['chunkSize', 'u31'],
    ['compression', 'u8e', 'compression']] },
  DOWNLOAD_ACCEPT: { fields: [['requestId', 'id64'], ['transferId', 'uuid'], ['fileSize', 'size64'],
    ['fileHash', 'sha256'], ['chunkCount', 'u31'], ['chunkSize', 'u31'], ['compression', 'u8e', 'compression'],
    ['window', 'u16']] },
  DOWNLOAD_REJECT: { fields: [['requestId', 'id64'], ['code', 'i32'], ['reason', 'str'], ['details', 'json']] },
  CHUNK_DATA: { flags: { compressed: 0x01, last: 0x02 }, fields: [['transferId', 'uuid'],
    ['chunkIndex', 'u31'], ['originalSize', 'u31'], ['crc32', 'u32'], ['data', 'rest']] },
  CHUNK_ACK: { fields: [['transferId', 'uuid'], ['chunkIndex', 'u31']] },
  CHUNK_NACK: { fields: [['transferId', 'uuid'], ['chunkIndex', 'u31'], ['code', 'i32']] },
  UPLOAD_COMPLETE: { fields: [['transferId', 'uuid'], ['fileHash', 'sha256']] },
  UPLOAD_VERIFY: { flags: { verified: 0x01 }, fields: [['transferId', 'uuid'], ['computedHash', 'sha256'],
    ['storedName', 'str']] },
  DOWNLOAD_COMPLETE: { fields: [['transferId', 'uuid']] },
  DOWNLOAD_VERIFY: { flags: { verified: 0x01 }, fields: [['transferId', 'uuid']] },
  LIST_REQUEST: { fields: [['requestId', 'id64'], ['pattern', 'str'], ['offset', 'u31'], ['limit', 'u31']] },
  LIST_RESPONSE: { fields: [['requestId', 'id64'], ['totalCount', 'u31'], ['entries', 'entries']] },
  RESUME_REQUEST: { fields: [['requestId', 'id64'], ['transferId', 'uuid'],
    ['direction', 'u8e', 'transferDirection'], ['fileHash', 'sha256'], ['chunksHeld', 'ranges']] },
  RESUME_RESPONSE: { fields: [['requestId', 'id64'], ['transferId', 'uuid'], ['status', 'u8e', 'resumeStatus'],
    ['totalChunks', 'u31'], ['chunkSize', 'u31'], ['window', 'u16'], ['chunksReceived', 'ranges'],
    ['chunksMissing', 'ranges']] },
  TRANSFER_ABORT: { flags: { resumable: 0x01 }, fields: [['transferId', 'uuid'], ['code', 'i32'], ['reason', 'str'],
    ['details', 'json']] },
  FILE_REMOVE: { fields: [['requestId', 'id64'], ['fileName', 'str']] },
};

/** Bit 0 of PUBLISH and DELIVER: the header block is present. */
const FLAG_HEADERS = 0x01;

// ------------------------------------------------------------------ text

const utf8Encoder = new TextEncoder();
// fatal: malformed UTF-8 (overlong forms, surrogates, > U+10FFFF) throws instead of being repaired;
// ignoreBOM: a leading U+FEFF is content, not something to strip.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Characters that could break a line or change how the text around them is shown. */
const BREAKS_THE_LINE = /^[\p{Cc}\p{Zl}\p{Zp}\p{Cf}\p{Cs}]$/u;

/**
 * Text that came from a peer (a name, a header), quoted on one short line for a message: every
 * control, line or paragraph separator, format character or lone surrogate as a \uXXXX escape,
 * cut after maxCodePoints code points with "..." after it; as the Java codec quotes it.
 */
export function quoted(text, maxCodePoints) {
  const codePoints = [...text];
  const cut = maxCodePoints > 0 && codePoints.length > maxCodePoints;
  const kept = cut ? codePoints.slice(0, maxCodePoints) : codePoints;
  const shown = kept.map((c) => (BREAKS_THE_LINE.test(c)
    ? `\\u${c.codePointAt(0).toString(16).padStart(4, '0')}` : c)).join('');
  return cut ? `${shown}...` : shown;
}

/** UTF-8 bytes of a string; a string with a lone surrogate has no UTF-8 form and is refused. */
export function utf8(text, what = 'string') {
  if (typeof text !== 'string') {
    throw new TypeError(`${what} must be a string, got ${typeof text}`);
  }
  if (LONE_SURROGATE.test(text)) {
    throw new TypeError(`${what} holds a lone surrogate and cannot be encoded as UTF-8`);
  }
  return utf8Encoder.encode(text);
}

/** Strict UTF-8 decoding; throws a TypeError on malformed input. */
export function fromUtf8(bytes) {
  return utf8Decoder.decode(bytes);
}

/** Any binary input (or a string, as UTF-8) as a Uint8Array; undefined/null give an empty array. */
export function toBytes(value, what = 'payload') {
  if (value === undefined || value === null) return new Uint8Array(0);
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return utf8(value, what);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${what} must be a Uint8Array, an ArrayBuffer, a typed array or a string`);
}

// ------------------------------------------------------------------ encoding

class Writer {
  constructor() {
    this.buf = new Uint8Array(64);
    this.view = new DataView(this.buf.buffer);
    this.length = 0;
  }

  reserve(n) {
    const needed = this.length + n;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  u8(value) {
    this.reserve(1);
    this.view.setUint8(this.length, value);
    this.length += 1;
  }

  u16(value) {
    this.reserve(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
  }

  u32(value) {
    this.reserve(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
  }

  i32(value) {
    this.reserve(4);
    this.view.setInt32(this.length, value);
    this.length += 4;
  }

  u64(value) {
    this.reserve(8);
    this.view.setBigUint64(this.length, value);
    this.length += 8;
  }

  bytes(array) {
    this.reserve(array.length);
    this.buf.set(array, this.length);
    this.length += array.length;
  }

  result() {
    return this.buf.slice(0, this.length);
  }
}

function intIn(value, min, max, field, type) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field} must be an integer ${type} (${min}..${max}), got ${String(value)}`);
  }
  return value;
}

function bigIn(value, max, field) {
  let big;
  if (typeof value === 'bigint') {
    big = value;
  } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
    big = BigInt(value);
  } else {
    throw new RangeError(`${field} must be a bigint or a safe integer, got ${String(value)}`);
  }
  if (big < 0n || big > max) {
    throw new RangeError(`${field} out of range 0..${max}: ${big}`);
  }
  return big;
}

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function uuidBytes(value, field) {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw new TypeError(`${field} must be a UUID string like 00112233-4455-6677-8899-aabbccddeeff`);
  }
  const hex = value.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function writeStr(w, value, field) {
  const bytes = utf8(value ?? '', field);
  if (bytes.length > 0xffff) {
    throw new RangeError(`${field} takes ${bytes.length} UTF-8 bytes, more than 65535`);
  }
  w.u16(bytes.length);
  w.bytes(bytes);
}

function writeJson(w, value, field) {
  let text = value ?? '';
  if (typeof text !== 'string') text = JSON.stringify(text);
  const bytes = utf8(text, field);
  if (bytes.length > U31_MAX) throw new RangeError(`${field} is too long`);
  w.u32(bytes.length);
  w.bytes(bytes);
}

/** Headers given as a Map, an array of [name, value] pairs or a plain object, as ordered pairs. */
function headerPairs(headers) {
  if (headers === undefined || headers === null) return [];
  const pairs = headers instanceof Map || Array.isArray(headers) ? [...headers] : Object.entries(headers);
  const seen = new Set();
  for (const pair of pairs) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new TypeError('every header needs a string name and a string value');
    }
    if (seen.has(pair[0])) throw new TypeError(`header ${pair[0]} appears twice`);
    seen.add(pair[0]);
  }
  return pairs;
}

function writeField(w, frame, name, kind, enumName) {
  const value = frame[name];
  switch (kind) {
    case 'u8e': {
      const allowed = ENUMS[enumName];
      if (!allowed.includes(value)) {
        throw new RangeError(`${name} must be one of ${allowed.join(', ')}, got ${String(value)}`);
      }
      w.u8(value);
      return;
    }
    case 'u16': w.u16(intIn(value, 0, 0xffff, name, 'u16')); return;
    case 'u31': w.u32(intIn(value, 0, U31_MAX, name, 'u32')); return;
    case 'u32': w.u32(intIn(value, 0, 0xffffffff, name, 'u32')); return;
    case 'i32': w.i32(intIn(value, -0x80000000, 0x7fffffff, name, 'i32')); return;
    case 'id64': w.u64(bigIn(value, U64_MAX, name)); return;
    case 'size64': w.u64(bigIn(value, SIZE64_MAX, name)); return;
    case 'uuid': w.bytes(uuidBytes(value, name)); return;
    case 'str': writeStr(w, value, name); return;
    case 'json': writeJson(w, value, name); return;
    case 'sha256': {
      const hash = toBytes(value, name);
      if (hash.length !== 32) throw new RangeError(`${name} must be 32 bytes, got ${hash.length}`);
      w.bytes(hash);
      return;
    }
    case 'strs8': {
      const list = value ?? [];
      intIn(list.length, 0, 0xff, `${name} count`, 'u8');
      w.u8(list.length);
      for (const item of list) writeStr(w, item, name);
      return;
    }
    case 'headers': {
      const pairs = headerPairs(value);
      if (pairs.length === 0) return;
      intIn(pairs.length, 1, 0xffff, 'header count', 'u16');
      w.u16(pairs.length);
      for (const [key, val] of pairs) {
        writeStr(w, key, 'header name');
        writeStr(w, val, 'header value');
      }
      return;
    }
    case 'entries': {
      const entries = value ?? [];
      w.u32(intIn(entries.length, 0, U31_MAX, `${name} count`, 'u32'));
      for (const entry of entries) {
        writeStr(w, entry.name, 'entry name');
        w.u64(bigIn(entry.size, SIZE64_MAX, 'entry size'));
        w.u64(bigIn(entry.modifiedMillis, SIZE64_MAX, 'entry modifiedMillis'));
      }
      return;
    }
    case 'ranges': {
      const ranges = value ?? [];
      w.u32(intIn(ranges.length, 0, U31_MAX, `${name} count`, 'u32'));
      for (const range of ranges) {
        const first = intIn(range.first, 0, U31_MAX, `${name} first`, 'u32');
        const last = intIn(range.last, 0, U31_MAX, `${name} last`, 'u32');
        if (last < first) throw new RangeError(`${name}: range ${first}..${last} ends before it starts`);
        w.u32(first);
        w.u32(last);
      }
      return;
    }
    case 'rest': w.bytes(toBytes(value, name)); return;
    default: throw new Error(`no encoder for ${kind}`);
  }
}

/**
 * Encodes one frame to its bytes (type, flags, body).
 *
 * @param {object} frame a frame object whose `type` is a FrameType name
 * @param {{maxFrameSize?: number}} [options] refuse frames longer than this
 * @returns {Uint8Array}
 * @throws {TypeError|RangeError} when a field does not fit its wire form
 */
export function encodeFrame(frame, options = {}) {
  if (frame === null || typeof frame !== 'object') throw new TypeError('a frame must be an object');
  const layout = LAYOUTS[frame.type];
  if (!layout) throw new TypeError(`unknown frame type ${String(frame.type)}`);
  let flags = 0;
  for (const [field, bit] of Object.entries(layout.flags ?? {})) {
    if (frame[field]) flags |= bit;
  }
  const w = new Writer();
  w.u8(FrameType[frame.type]);
  w.u8(0); // patched below: PUBLISH/DELIVER derive their flag from the header block
  for (const [name, kind, enumName] of layout.fields) {
    if (kind === 'headers' && headerPairs(frame[name]).length > 0) flags |= FLAG_HEADERS;
    writeField(w, frame, name, kind, enumName);
  }
  w.view.setUint8(1, flags);
  const problem = layout.check?.(frame);
  if (problem) throw new RangeError(`${frame.type}: ${problem}`);
  const bytes = w.result();
  if (options.maxFrameSize !== undefined && bytes.length > options.maxFrameSize) {
    throw new RangeError(`a ${frame.type} frame of ${bytes.length} bytes exceeds the maximum of ${options.maxFrameSize}`);
  }
  return bytes;
}

// ------------------------------------------------------------------ decoding

class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 2;
  }

  remaining() {
    return this.bytes.length - this.pos;
  }

  need(n, field) {
    if (n > this.remaining()) {
      throw malformed(`${field} needs ${n} bytes but only ${this.remaining()} remain`);
    }
  }

  u8(field) {
    this.need(1, field);
    return this.view.getUint8(this.pos++);
  }

  u16(field) {
    this.need(2, field);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  u32(field) {
    this.need(4, field);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  i32(field) {
    this.need(4, field);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  u64(field) {
    this.need(8, field);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }

  u31(field) {
    const v = this.u32(field);
    if (v > U31_MAX) throw malformed(`${field} out of range: ${v}`);
    return v;
  }

  size64(field) {
    const v = this.u64(field);
    if (v > SIZE64_MAX) throw malformed(`${field} out of range: ${v}`);
    return v;
  }

  take(n, field) {
    this.need(n, field);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  text(n, field) {
    if (n === 0) return '';
    this.need(n, field);
    const view = this.bytes.subarray(this.pos, this.pos + n);
    let s;
    try {
      s = fromUtf8(view);
    } catch {
      throw malformed(`${field} is not well-formed UTF-8`);
    }
    this.pos += n;
    return s;
  }

  str(field) {
    return this.text(this.u16(field), field);
  }

  json(field) {
    return this.text(this.u32(field), field);
  }

  uuid(field) {
    this.need(16, field);
    let hex = '';
    for (let i = 0; i < 16; i++) hex += this.bytes[this.pos + i].toString(16).padStart(2, '0');
    this.pos += 16;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

function malformed(message) {
  return new FrameError(ErrorCode.MALFORMED_FRAME, message);
}

function readField(r, flags, name, kind, enumName) {
  switch (kind) {
    case 'u8e': {
      const v = r.u8(name);
      if (!ENUMS[enumName].includes(v)) throw malformed(`unknown ${name} ${v}`);
      return v;
    }
    case 'u16': return r.u16(name);
    case 'u31': return r.u31(name);
    case 'u32': return r.u32(name);
    case 'i32': return r.i32(name);
    case 'id64': return r.u64(name);
    case 'size64': return r.size64(name);
    case 'uuid': return r.uuid(name);
    case 'str': return r.str(name);
    case 'json': return r.json(name);
    case 'sha256': return r.take(32, name);
    case 'rest': return r.take(r.remaining(), name);
    case 'strs8': {
      const count = r.u8(`${name} count`);
      r.need(count * 2, name); // each string takes at least its 2-byte length
      const list = [];
      for (let i = 0; i < count; i++) list.push(r.str(name));
      return list;
    }
    case 'headers': {
      const headers = new Map();
      if ((flags & FLAG_HEADERS) === 0) return headers;
      const count = r.u16('header count');
      if (count === 0) throw malformed('HEADERS flag set on an empty header block');
      r.need(count * 4, 'headers');
      for (let i = 0; i < count; i++) {
        const key = r.str('header name');
        if (headers.has(key)) throw malformed(`header '${quoted(key, 64)}' appears twice`);
        headers.set(key, r.str('header value'));
      }
      return headers;
    }
    case 'entries': {
      const count = r.u32(`${name} count`);
      r.need(count * 18, name); // an empty name, a size and a time
      const entries = [];
      for (let i = 0; i < count; i++) {
        entries.push({
          name: r.str('entry name'),
          size: r.size64('entry size'),
          modifiedMillis: r.size64('entry modifiedMillis'),
        });
      }
      return entries;
    }
    case 'ranges': {
      const count = r.u32(`${name} count`);
      r.need(count * 8, name);
      const ranges = [];
      for (let i = 0; i < count; i++) {
        const first = r.u31(`${name} first`);
        const last = r.u31(`${name} last`);
        if (last < first) throw malformed(`${name}: range ${first}..${last} ends before it starts`);
        ranges.push({ first, last });
      }
      return ranges;
    }
    default: throw new Error(`no decoder for ${kind}`);
  }
}

/**
 * Decodes exactly one frame from all of `input`.
 *
 * @param {Uint8Array|ArrayBuffer|ArrayBufferView} input the frame's bytes
 * @param {{maxFrameSize?: number}} [options] refuse longer input with FRAME_TOO_LARGE
 * @returns {object} a frame object; `type` is the FrameType name
 * @throws {FrameError} with code UNKNOWN_FRAME_TYPE, MALFORMED_FRAME or FRAME_TOO_LARGE
 */
export function decodeFrame(input, options = {}) {
  const bytes = toBytes(input, 'frame');
  if (options.maxFrameSize !== undefined && bytes.length > options.maxFrameSize) {
    throw new FrameError(ErrorCode.FRAME_TOO_LARGE,
      `a frame of ${bytes.length} bytes exceeds the maximum of ${options.maxFrameSize}`);
  }
  if (bytes.length < 2) {
    throw malformed(`a frame of ${bytes.length} bytes is shorter than its header`);
  }
  const type = TYPE_NAMES.get(bytes[0]);
  if (type === undefined) {
    throw new FrameError(ErrorCode.UNKNOWN_FRAME_TYPE, `unknown frame type 0x${bytes[0].toString(16).padStart(2, '0')}`);
  }
  const flags = bytes[1];
  const layout = LAYOUTS[type];
  const r = new Reader(bytes);
  const frame = { type };
  try {
    for (const [field, bit] of Object.entries(layout.flags ?? {})) frame[field] = (flags & bit) !== 0;
    for (const [name, kind, enumName] of layout.fields) frame[name] = readField(r, flags, name, kind, enumName);
    const problem = layout.check?.(frame);
    if (problem) throw malformed(problem);
  } catch (e) {
    if (e instanceof FrameError) throw new FrameError(e.code, `${type}: ${e.message}`);
    throw e;
  }
  if (r.remaining() > 0) {
    throw malformed(`${type}: ${r.remaining()} bytes after the end of the body`);
  }
  return frame;
}

/** The name of a frame type code, or undefined when v1 does not define it. */
export function frameTypeName(code) {
  return TYPE_NAMES.get(code);
}

// ------------------------------------------------------------------ batched messages (section 2.2)

/** The bytes of the big-endian length in front of each frame of a batched message. */
export const LENGTH_PREFIX = 4;

/**
 * One message of the batched subprotocol: each encoded frame behind its u32 big-endian length,
 * in order.
 *
 * @param {Uint8Array[]} frames encoded frames, as encodeFrame() returns them
 * @returns {Uint8Array}
 */
export function joinFrames(frames) {
  let length = 0;
  for (const frame of frames) length += LENGTH_PREFIX + frame.length;
  const message = new Uint8Array(length);
  const view = new DataView(message.buffer);
  let at = 0;
  for (const frame of frames) {
    view.setUint32(at, frame.length);
    message.set(frame, at + LENGTH_PREFIX);
    at += LENGTH_PREFIX + frame.length;
  }
  return message;
}

/**
 * The frames of one message of the batched subprotocol, as views into it (decode each with
 * decodeFrame()). A message holds whole frames only: an empty one, or one ending inside a prefix
 * or a frame, is malformed, since a frame never continues in the next message.
 *
 * @param {Uint8Array|ArrayBuffer|ArrayBufferView} input the message
 * @param {{maxFrameSize?: number}} [options] refuse a prefix announcing more with FRAME_TOO_LARGE
 * @returns {Uint8Array[]}
 * @throws {FrameError} with code MALFORMED_FRAME or FRAME_TOO_LARGE
 */
export function splitFrames(input, options = {}) {
  const bytes = toBytes(input, 'message');
  if (bytes.length === 0) throw malformed('an empty message; each carries at least one frame');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < LENGTH_PREFIX) {
      throw malformed(`the message ends inside a length prefix (${bytes.length - at} of its ${LENGTH_PREFIX} bytes)`);
    }
    const length = view.getUint32(at);
    if (options.maxFrameSize !== undefined && length > options.maxFrameSize) {
      throw new FrameError(ErrorCode.FRAME_TOO_LARGE,
        `frame length ${length} exceeds the maximum of ${options.maxFrameSize}`);
    }
    if (length < 2) throw malformed(`frame length ${length} is shorter than a frame header`);
    const start = at + LENGTH_PREFIX;
    if (bytes.length - start < length) {
      throw malformed(`the message ends inside a frame (${bytes.length - start} of its ${length} bytes); `
        + 'a frame never continues in the next message');
    }
    frames.push(bytes.subarray(start, start + length));
    at = start + length;
  }
  return frames;
}
