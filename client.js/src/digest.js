// Checksums of file transfer (docs/protocol.md 5.7, 6.5): CRC-32 of each chunk and SHA-256 of the
// whole file. WebCrypto's digest takes all the bytes at once, but an upload hashes its file while
// it reads it, chunk by chunk, and a download as its chunks arrive; so the SHA-256 here is
// incremental (FIPS 180-4). Both work on Uint8Arrays and run unchanged in browsers and Node.js.

// ------------------------------------------------------------------ CRC-32

/** The reflected table of CRC-32/ISO-HDLC (polynomial 0xEDB88320), one entry per byte value. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC-32 of `bytes` (ISO-HDLC, the one of `java.util.zip.CRC32` and zlib) as an unsigned
 * number. Pass the CRC of earlier bytes as `previous` to go on over several pieces.
 */
export function crc32(bytes, previous = 0) {
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ------------------------------------------------------------------ SHA-256

/**
 * The first 32 bits of the fractional parts of the cube roots of the first 64 primes. Held (like
 * the state and the message schedule) as signed 32-bit integers, so the engine keeps every value
 * of the rounds a small integer instead of a boxed double; the bits are the same.
 */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The first 32 bits of the fractional parts of the square roots of the first 8 primes. */
const INITIAL_STATE = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const BLOCK = 64;

/**
 * An incremental SHA-256: `update()` with the message in pieces of any size, in order, then
 * `digest()` once for the 32-byte hash. The pieces are not kept: only one partial block is.
 */
export class Sha256 {
  constructor() {
    this.state = new Int32Array(INITIAL_STATE);
    this.block = new Uint8Array(BLOCK);
    this.filled = 0; // bytes waiting in `block`
    this.length = 0; // bytes of message so far (a double holds up to 2^53 exactly)
    this.words = new Int32Array(64);
    this.finished = false;
  }

  /** Adds the next piece of the message; returns this. */
  update(bytes) {
    if (this.finished) throw new Error('this SHA-256 has already given its digest');
    this.length += bytes.length;
    let offset = 0;
    if (this.filled > 0) {
      const take = Math.min(BLOCK - this.filled, bytes.length);
      this.block.set(bytes.subarray(0, take), this.filled);
      this.filled += take;
      offset = take;
      if (this.filled < BLOCK) return this;
      this.compress(this.block, 0);
      this.filled = 0;
    }
    // Whole blocks are read where they lie, without copying them first.
    const whole = offset + Math.floor((bytes.length - offset) / BLOCK) * BLOCK;
    if (whole > offset) this.compress(bytes, offset, whole);
    offset = whole;
    if (offset < bytes.length) {
      this.block.set(bytes.subarray(offset), 0);
      this.filled = bytes.length - offset;
    }
    return this;
  }

  /** Pads the message (FIPS 180-4 5.1.1) and returns the hash; the object cannot be used again. */
  digest() {
    if (this.finished) throw new Error('this SHA-256 has already given its digest');
    const bits = this.length * 8;
    const padding = new Uint8Array(((this.filled < 56 ? 56 : 120) - this.filled) + 8);
    padding[0] = 0x80;
    const tail = new DataView(padding.buffer);
    // The length in bits as a big-endian 64-bit number, split because bitwise ops are 32-bit.
    tail.setUint32(padding.length - 8, Math.floor(bits / 0x100000000));
    tail.setUint32(padding.length - 4, bits >>> 0);
    const length = this.length;
    this.update(padding);
    this.length = length;
    this.finished = true;
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setInt32(i * 4, this.state[i]);
    return out;
  }

  /**
   * The 64-byte blocks of `bytes` from `offset` up to `end` into the state (FIPS 180-4 6.2.2), in
   * one loop so that the working variables stay in locals from block to block.
   */
  compress(bytes, offset, end = offset + BLOCK) {
    const w = this.words;
    const s = this.state;
    let h0 = s[0]; let h1 = s[1]; let h2 = s[2]; let h3 = s[3];
    let h4 = s[4]; let h5 = s[5]; let h6 = s[6]; let h7 = s[7];
    for (let at = offset; at < end; at += BLOCK) {
      for (let t = 0, o = at; t < 16; t++, o += 4) {
        w[t] = (bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3];
      }
      for (let t = 16; t < 64; t++) {
        const x = w[t - 15];
        const y = w[t - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      let a = h0; let b = h1; let c = h2; let d = h3;
      let e = h4; let f = h5; let g = h6; let h = h7;
      for (let t = 0; t < 64; t++) {
        const sum1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const choice = (e & f) ^ (~e & g);
        const t1 = (h + sum1 + choice + K[t] + w[t]) | 0;
        const sum0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const majority = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (sum0 + majority) | 0;
        h = g; g = f; f = e;
        e = (d + t1) | 0;
        d = c; c = b; b = a;
        a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    s[0] = h0; s[1] = h1; s[2] = h2; s[3] = h3;
    s[4] = h4; s[5] = h5; s[6] = h6; s[7] = h7;
  }

}

/** The SHA-256 of one byte array. */
export function sha256Of(bytes) {
  return new Sha256().update(bytes).digest();
}

/** Lower-case hex of bytes, as digests are usually shown. */
export function hexOf(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, '0');
  return out;
}
