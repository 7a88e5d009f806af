// File transfer of the browser client (docs/protocol.md 5.7, 6.5): the checksums against
// references, the bytes of every file frame the client sends, and uploads, downloads, listing,
// removal, cancel and resumption against the fake node's file side (file-node.js).

import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { Capability, ErrorCode, encodeFrame } from '../src/aldis.js';
import { Sha256, crc32, hexOf } from '../src/digest.js';
import { rangesOf } from '../src/files.js';
import { settle } from './fake-node.js';
import { FileNode } from './file-node.js';
import { hex, toHex } from './fixtures.js';
import { rejectsWithCode, setup } from './rig.js';

/** Deterministic bytes that are not all alike. */
function bytesOf(length, seed = 1) {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const sha256Hex = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function connected(nodeOptions = {}, fileOptions = {}) {
  const rig = setup(nodeOptions);
  const files = new FileNode(rig.node, fileOptions);
  await rig.client.connect();
  return { ...rig, files };
}

/** The bytes the client sent for each frame of `type`, as the codec (held to golden bytes) writes them. */
function sentHex(node, type) {
  return node.all(type).map((f) => toHex(encodeFrame(f)));
}

describe('checksums', () => {
  it('CRC-32 is ISO-HDLC: the check value, and the same as zlib on many sizes and split points', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
    for (const size of [1, 2, 3, 7, 8, 255, 256, 1000, 65537]) {
      const bytes = bytesOf(size, size);
      assert.equal(crc32(bytes), zlib.crc32(bytes), `size ${size}`);
      const cut = Math.floor(size / 3);
      assert.equal(crc32(bytes.subarray(cut), crc32(bytes.subarray(0, cut))), zlib.crc32(bytes), `size ${size} in two`);
    }
  });

  it('SHA-256 fed in pieces equals WebCrypto\'s digest of the whole, for every size around the block and padding edges', async () => {
    const sizes = [];
    for (let n = 0; n <= 200; n++) sizes.push(n);
    sizes.push(447, 448, 511, 512, 513, 1023, 1024, 4095, 65536, 100003, 1048576 + 17);
    for (const size of sizes) {
      const bytes = bytesOf(size, size + 11);
      const expected = hexOf(new Uint8Array(await webcrypto.subtle.digest('SHA-256', bytes)));
      assert.equal(hexOf(new Sha256().update(bytes).digest()), expected, `size ${size} at once`);
      const pieces = new Sha256();
      let step = 1;
      for (let at = 0; at < size; at += step, step = (step * 7) % 131 + 1) pieces.update(bytes.subarray(at, at + step));
      assert.equal(hexOf(pieces.digest()), expected, `size ${size} in pieces`);
    }
  });

  it('SHA-256 of the FIPS 180-4 examples', () => {
    const text = (s) => hexOf(new Sha256().update(new TextEncoder().encode(s)).digest());
    assert.equal(text('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    assert.equal(text(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('a SHA-256 gives its digest once', () => {
    const hash = new Sha256();
    hash.digest();
    assert.throws(() => hash.digest());
    assert.throws(() => hash.update(new Uint8Array(1)));
  });

  it('ranges of chunk indexes', () => {
    assert.deepEqual(rangesOf([]), []);
    assert.deepEqual(rangesOf([0, 1, 2, 5, 7, 8]), [{ first: 0, last: 2 }, { first: 5, last: 5 }, { first: 7, last: 8 }]);
  });
});

describe('file frames the client sends', () => {
  it('an upload of "hello world" in 8-byte chunks, byte for byte', async () => {
    const { client, node, files } = await connected();
    const handle = client.upload(new Blob(['hello world']), 'greeting.txt', { chunkSize: 8 });
    const result = await handle.result;
    const id = '00000000000040008000000000000001';
    // UPLOAD_REQUEST: request id, name, 11 bytes, 32 zero bytes (the hash comes in UPLOAD_COMPLETE),
    // 2 chunks of 8, no compression, no metadata.
    const requestId = node.all('UPLOAD_REQUEST')[0].requestId.toString(16).padStart(16, '0');
    assert.deepEqual(sentHex(node, 'UPLOAD_REQUEST'), [toHex(hex(`60 00 | ${requestId} | 000c 6772656574696e672e747874
      | 000000000000000b | ${'00'.repeat(32)} | 00000002 | 00000008 | 00 | 00000000`))]);
    // CHUNK_DATA: "hello wo" with its CRC-32, then "rld" flagged LAST.
    assert.deepEqual(sentHex(node, 'CHUNK_DATA'), [
      toHex(hex(`66 00 | ${id} | 00000000 | 00000008 | ${zlib.crc32('hello wo').toString(16).padStart(8, '0')}
        | 68656c6c6f20776f`)),
      toHex(hex(`66 02 | ${id} | 00000001 | 00000003 | ${zlib.crc32('rld').toString(16).padStart(8, '0')} | 726c64`)),
    ]);
    const digest = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
    assert.deepEqual(sentHex(node, 'UPLOAD_COMPLETE'), [toHex(hex(`69 00 | ${id} | ${digest}`))]);
    assert.deepEqual(result, { id: '00000000-0000-4000-8000-000000000001', name: 'greeting.txt', size: 11,
      sha256: digest, resent: 0, resumed: false });
    assert.deepEqual(files.violations, []);
  });

  it('a download, a list, a removal and a cancel, byte for byte', async () => {
    const { client, node, files } = await connected();
    files.files.set('a.txt', { bytes: new TextEncoder().encode('hello world'), modifiedMillis: 1700000000000 });
    const id = '00000000000040008000000000000001';
    await client.download('a.txt', { chunkSize: 8 }).result;
    const req = (frame) => frame.requestId.toString(16).padStart(16, '0');
    assert.deepEqual(sentHex(node, 'DOWNLOAD_REQUEST'),
      [toHex(hex(`63 00 | ${req(node.all('DOWNLOAD_REQUEST')[0])} | 0005 612e747874 | 00000008 | 00`))]);
    assert.deepEqual(sentHex(node, 'CHUNK_ACK'), [toHex(hex(`67 00 | ${id} | 00000000`)), toHex(hex(`67 00 | ${id} | 00000001`))]);
    assert.deepEqual(sentHex(node, 'DOWNLOAD_VERIFY'), [toHex(hex(`6c 01 | ${id}`))]);

    await client.list('*.txt', { offset: 2, limit: 5 });
    assert.deepEqual(sentHex(node, 'LIST_REQUEST'),
      [toHex(hex(`6d 00 | ${req(node.all('LIST_REQUEST')[0])} | 0005 2a2e747874 | 00000002 | 00000005`))]);
    await client.remove('a.txt');
    assert.deepEqual(sentHex(node, 'FILE_REMOVE'),
      [toHex(hex(`72 00 | ${req(node.all('FILE_REMOVE')[0])} | 0005 612e747874`))]);

    files.files.set('b.txt', { bytes: bytesOf(100), modifiedMillis: 1 });
    files.window = 1;
    node.on('CHUNK_ACK', () => {}); // the node waits; the download is cancelled meanwhile
    const handle = client.download('b.txt', { chunkSize: 8 });
    await node.waitFor('CHUNK_ACK', 3);
    handle.cancel();
    await rejectsWithCode(handle.result, ErrorCode.CANCELLED);
    await settle();
    assert.deepEqual(sentHex(node, 'TRANSFER_ABORT'),
      [toHex(hex(`71 00 | 00000000000040008000000000000002 | fffffe6d | 0015 ${Buffer.from('cancelled by the user')
        .toString('hex')} | 00000000`))]);
  });
});

describe('upload', () => {
  it('announces file transfer without LZ4, and asks for no compression', async () => {
    const { client, node } = await connected();
    const caps = node.all('CONNECT')[0].capabilities;
    assert.equal(caps & Capability.FILE_TRANSFER, Capability.FILE_TRANSFER);
    assert.equal(caps & Capability.LZ4, 0n);
    await rejectsWithCode(client.upload(new Blob(['x']), 'x', { compression: 2 }).result, ErrorCode.CAPABILITY_UNAVAILABLE);
    assert.equal(node.all('UPLOAD_REQUEST').length, 0);
  });

  it('sends a file of many chunks within the window, resends a NACKed chunk read again, and reports progress', async () => {
    const { client, files } = await connected({}, { window: 3 });
    const bytes = bytesOf(1000);
    files.nackOnce.add(4);
    files.nackOnce.add(124);
    const progress = [];
    const handle = client.upload(new Blob([bytes]), 'dir/data.bin', { chunkSize: 8, progressIntervalMs: 0,
      onProgress: (p) => progress.push(p) });
    const result = await handle.result;
    assert.equal(handle.id, result.id);
    assert.equal(result.sha256, sha256Hex(bytes));
    assert.equal(result.resent, 2);
    assert.deepEqual(files.violations, []);
    assert.deepEqual(files.files.get('dir/data.bin').bytes, bytes);
    assert.ok(progress.length > 100, `${progress.length} progress reports`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].bytes >= progress[i - 1].bytes);
    assert.deepEqual({ ...progress[progress.length - 1], rate: 0 }, { bytes: 1000, total: 1000, rate: 0, etaMs: 0 });
  });

  it('progress comes at most once per interval and once at the end', async () => {
    const { client } = await connected({}, { window: 4 });
    const progress = [];
    await client.upload(new Blob([bytesOf(200)]), 'p.bin', { chunkSize: 8, onProgress: (p) => progress.push(p) }).result;
    // The fake clock stands still: the first report, and the one when every byte is done.
    assert.deepEqual(progress.map((p) => p.bytes), [8, 200]);
  });

  it('follows the smaller chunk size of UPLOAD_ACCEPT', async () => {
    const { client, node, files } = await connected({}, { chunkSize: 5 });
    const bytes = bytesOf(23);
    await client.upload(new Blob([bytes]), 'small.bin', { chunkSize: 8 }).result;
    assert.deepEqual(node.all('CHUNK_DATA').map((f) => f.data.length), [5, 5, 5, 5, 3]);
    assert.deepEqual(files.files.get('small.bin').bytes, bytes);
    assert.deepEqual(files.violations, []);
  });

  it('an empty file has no chunks: UPLOAD_COMPLETE follows UPLOAD_ACCEPT', async () => {
    const { client, node, files } = await connected();
    const result = await client.upload(new Blob([]), 'empty', { chunkSize: 8 }).result;
    assert.equal(node.all('UPLOAD_REQUEST')[0].chunkCount, 0);
    assert.equal(node.all('CHUNK_DATA').length, 0);
    assert.equal(result.sha256, sha256Hex(new Uint8Array(0)));
    assert.equal(files.files.get('empty').bytes.length, 0);
  });

  it('a refusal fails with the node\'s code, reason and details', async () => {
    const { client, files } = await connected();
    files.refuseUpload = { code: ErrorCode.QUOTA_EXCEEDED, reason: 'quota of ada exceeded',
      details: '{"available":10,"requested":11}' };
    await assert.rejects(client.upload(new Blob(['hello world']), 'q.txt').result, (e) => {
      assert.equal(e.code, ErrorCode.QUOTA_EXCEEDED);
      assert.match(e.message, /quota of ada exceeded/);
      assert.deepEqual(e.details, { available: 10, requested: 11 });
      return true;
    });
  });

  it('a file above the node\'s maxFileSize is refused before anything is sent', async () => {
    const { client, node } = await connected();
    const huge = { size: 2 ** 31, slice: () => { throw new Error('must not be read'); } };
    await rejectsWithCode(client.upload(huge, 'huge').result, ErrorCode.FILE_TOO_LARGE);
    assert.equal(node.all('UPLOAD_REQUEST').length, 0);
  });

  it('UPLOAD_VERIFY without VERIFIED fails with FILE_HASH_MISMATCH', async () => {
    const { client, node } = await connected();
    node.on('UPLOAD_COMPLETE', (socket, f) => socket.deliver({ type: 'UPLOAD_VERIFY', verified: false,
      transferId: f.transferId, computedHash: new Uint8Array(32), storedName: '' }));
    await rejectsWithCode(client.upload(new Blob(['abc']), 'x').result, ErrorCode.FILE_HASH_MISMATCH);
  });

  it('cancel sends TRANSFER_ABORT CANCELLED without RESUMABLE and fails the result', async () => {
    const { client, node, files } = await connected({}, { window: 1 });
    node.on('CHUNK_DATA', () => {}); // never acknowledged
    const handle = client.upload(new Blob([bytesOf(100)]), 'c.bin', { chunkSize: 8 });
    await node.waitFor('CHUNK_DATA');
    handle.cancel();
    await rejectsWithCode(handle.result, ErrorCode.CANCELLED);
    await settle();
    assert.deepEqual(node.all('TRANSFER_ABORT').map((f) => [f.code, f.resumable]), [[ErrorCode.CANCELLED, false]]);
    assert.equal(node.all('CHUNK_DATA').length, 1, 'nothing sent beyond the window of 1');
    assert.deepEqual(files.violations, []);
  });

  it('an upload cancelled while the client reconnects is aborted on the next session instead of resumed', async () => {
    const { client, clock, node } = await connected({}, { window: 1 });
    node.on('CHUNK_DATA', () => {}); // never acknowledged
    const handle = client.upload(new Blob([bytesOf(100)]), 'away.bin', { chunkSize: 8 });
    await node.waitFor('CHUNK_DATA');
    const id = handle.id;
    node.socket.cut();
    await new Promise((resolve) => client.addEventListener('reconnecting', resolve, { once: true }));
    handle.cancel();
    await rejectsWithCode(handle.result, ErrorCode.CANCELLED);
    await clock.advance(100);
    await node.waitFor('TRANSFER_ABORT');
    assert.deepEqual(node.all('TRANSFER_ABORT').map((f) => [f.transferId, f.code, f.resumable]),
      [[id, ErrorCode.CANCELLED, false]]);
    assert.equal(node.all('RESUME_REQUEST').length, 0);
  });

  it('a cut connection: after the reconnect the upload resumes with the chunks it saw acknowledged and sends the rest', async () => {
    const { client, clock, node, files } = await connected({}, { window: 4 });
    const bytes = bytesOf(800);
    files.cutAfterChunks = 40;
    const handle = client.upload(new Blob([bytes]), 'r.bin', { chunkSize: 8 });
    await node.waitFor('CONNECT', 1);
    await new Promise((resolve) => client.addEventListener('reconnecting', resolve, { once: true }));
    await clock.advance(100);
    const result = await handle.result;
    assert.equal(result.resumed, true);
    assert.equal(result.sha256, sha256Hex(bytes));
    assert.deepEqual(files.files.get('r.bin').bytes, bytes);
    const [resume] = node.all('RESUME_REQUEST');
    assert.equal(resume.direction, 1);
    assert.deepEqual(resume.fileHash, new Uint8Array(32), 'the hash announced in UPLOAD_REQUEST: zeros');
    assert.ok(resume.chunksHeld.length <= 1 && resume.chunksHeld[0].first === 0, JSON.stringify(resume.chunksHeld));
    assert.equal(node.all('UPLOAD_REQUEST').length, 1, 'resumed, not started again');
    assert.deepEqual(files.violations, []);
  });

  it('an upload whose UPLOAD_VERIFY was lost resumes with nothing missing and sends UPLOAD_COMPLETE again, no chunk', async () => {
    const { client, clock, node, files } = await connected({}, { window: 4 });
    const bytes = bytesOf(100);
    files.loseVerifyOnce = true;
    const handle = client.upload(new Blob([bytes]), 'v.bin', { chunkSize: 8 });
    await new Promise((resolve) => client.addEventListener('reconnecting', resolve, { once: true }));
    const chunksBefore = node.all('CHUNK_DATA').length;
    await clock.advance(100);
    const result = await handle.result;
    assert.equal(result.resumed, true);
    assert.equal(result.sha256, sha256Hex(bytes));
    assert.equal(node.all('CHUNK_DATA').length, chunksBefore, 'no chunk went again');
    assert.equal(node.all('UPLOAD_COMPLETE').length, 2);
    assert.equal(node.all('UPLOAD_REQUEST').length, 1);
    assert.deepEqual(files.violations, []);
  });

  it('NOT_FOUND on resume starts the upload again from UPLOAD_REQUEST', async () => {
    const { client, clock, node, files } = await connected({}, { window: 4 });
    const bytes = bytesOf(300);
    files.cutAfterChunks = 10;
    const handle = client.upload(new Blob([bytes]), 'n.bin', { chunkSize: 8 });
    await new Promise((resolve) => client.addEventListener('reconnecting', resolve, { once: true }));
    files.transfers.clear(); // the node forgot it (expired and restarted)
    await clock.advance(100);
    const result = await handle.result;
    assert.equal(node.all('UPLOAD_REQUEST').length, 2);
    assert.equal(result.sha256, sha256Hex(bytes));
    assert.deepEqual(files.files.get('n.bin').bytes, bytes);
  });
});

describe('download', () => {
  it('resolves with a Blob of the file, NACKs a chunk whose CRC-32 is wrong and verifies the SHA-256', async () => {
    const { client, node, files } = await connected({}, { window: 3 });
    const bytes = bytesOf(1001, 7);
    files.files.set('d.bin', { bytes, modifiedMillis: 1 });
    files.corruptOnce.add(3);
    const progress = [];
    const handle = client.download('d.bin', { progressIntervalMs: 0, onProgress: (p) => progress.push(p.bytes),
      type: 'application/octet-stream' });
    const result = await handle.result;
    assert.equal(result.name, 'd.bin');
    assert.equal(result.size, 1001);
    assert.equal(result.sha256, sha256Hex(bytes));
    assert.equal(result.blob.type, 'application/octet-stream');
    assert.deepEqual(new Uint8Array(await result.blob.arrayBuffer()), bytes);
    assert.deepEqual(files.verified, [{ name: 'd.bin', verified: true, nacks: [{ index: 3, code: ErrorCode.CHUNK_CHECKSUM_ERROR }] }]);
    // CHUNK_NACK: the transfer, chunk 3, CHUNK_CHECKSUM_ERROR (-720), byte for byte.
    assert.deepEqual(sentHex(node, 'CHUNK_NACK'), [toHex(hex('68 00 | 00000000000040008000000000000001 | 00000003 | fffffd30'))]);
    assert.equal(progress[progress.length - 1], 1001);
  });

  it('an empty file resolves with an empty Blob', async () => {
    const { client, files } = await connected();
    files.files.set('e', { bytes: new Uint8Array(0), modifiedMillis: 1 });
    const result = await client.download('e').result;
    assert.equal(result.blob.size, 0);
    assert.equal(result.sha256, sha256Hex(new Uint8Array(0)));
  });

  it('a missing file fails with FILE_NOT_FOUND_ON_SERVER', async () => {
    const { client } = await connected();
    await rejectsWithCode(client.download('nope').result, ErrorCode.FILE_NOT_FOUND_ON_SERVER);
  });

  it('a hash that does not match is answered with DOWNLOAD_VERIFY without VERIFIED and fails', async () => {
    const { client, node, files } = await connected();
    files.files.set('h', { bytes: bytesOf(20), modifiedMillis: 1 });
    const original = files.DOWNLOAD_REQUEST.bind(files);
    node.on('DOWNLOAD_REQUEST', (socket, f) => {
      const deliver = socket.deliver.bind(socket);
      socket.deliver = (frame) => deliver(frame.type === 'DOWNLOAD_ACCEPT' ? { ...frame, fileHash: new Uint8Array(32) } : frame);
      original(socket, f);
      socket.deliver = deliver;
    });
    await rejectsWithCode(client.download('h').result, ErrorCode.FILE_HASH_MISMATCH);
    assert.deepEqual(files.verified.map((v) => v.verified), [false]);
  });

  it('a node that compresses although asked not to is aborted with PROTOCOL_ERROR', async () => {
    const { client, node, files } = await connected();
    files.files.set('z', { bytes: bytesOf(20), modifiedMillis: 1 });
    files.compressDownloads = true;
    await rejectsWithCode(client.download('z').result, ErrorCode.PROTOCOL_ERROR);
    assert.deepEqual(node.all('TRANSFER_ABORT').map((f) => f.code), [ErrorCode.PROTOCOL_ERROR]);
  });

  it('chunks of a transfer the client does not run are answered with TRANSFER_NOT_FOUND; late acknowledgements are dropped', async () => {
    const { client, node } = await connected();
    const stranger = '11111111-2222-4333-8444-555555555555';
    node.socket.deliver({ type: 'CHUNK_DATA', compressed: false, last: false, transferId: stranger, chunkIndex: 0,
      originalSize: 1, crc32: zlib.crc32(new Uint8Array(1)), data: new Uint8Array(1) });
    node.socket.deliver({ type: 'CHUNK_ACK', transferId: stranger, chunkIndex: 0 });
    await settle();
    assert.deepEqual(node.all('TRANSFER_ABORT').map((f) => [f.transferId, f.code, f.resumable]),
      [[stranger, ErrorCode.TRANSFER_NOT_FOUND, false]]);
    assert.equal(client.state, 'connected');
  });

  it('a cut connection: after the reconnect the download resumes with the chunks it holds', async () => {
    const { client, clock, node, files } = await connected({}, { window: 4 });
    const bytes = bytesOf(500, 3);
    files.files.set('big.bin', { bytes, modifiedMillis: 1 });
    files.cutAfterChunks = 30;
    const handle = client.download('big.bin');
    await new Promise((resolve) => client.addEventListener('reconnecting', resolve, { once: true }));
    await clock.advance(100);
    const result = await handle.result;
    assert.equal(result.resumed, true);
    assert.deepEqual(new Uint8Array(await result.blob.arrayBuffer()), bytes);
    const [resume] = node.all('RESUME_REQUEST');
    assert.equal(resume.direction, 2);
    assert.equal(toHex(resume.fileHash), sha256Hex(bytes));
    assert.ok(resume.chunksHeld.length >= 1 && resume.chunksHeld[0].first === 0, JSON.stringify(resume.chunksHeld));
    // RESUME_REQUEST byte for byte: request id, transfer, direction 2, DOWNLOAD_ACCEPT's hash, the ranges held.
    const ranges = resume.chunksHeld.map((r) => `${r.first.toString(16).padStart(8, '0')} ${r.last.toString(16).padStart(8, '0')}`);
    assert.deepEqual(sentHex(node, 'RESUME_REQUEST'), [toHex(hex(`6f 00 | ${resume.requestId.toString(16).padStart(16, '0')}
      | 00000000000040008000000000000001 | 02 | ${sha256Hex(bytes)} | ${resume.chunksHeld.length.toString(16).padStart(8, '0')}
      | ${ranges.join(' ')}`))]);
    assert.equal(node.all('DOWNLOAD_REQUEST').length, 1, 'resumed, not started again');
  });
});

describe('list and remove', () => {
  it('lists a page with the total, and removes; a missing file fails with its code', async () => {
    const { client, files } = await connected();
    for (const name of ['b.txt', 'a.txt', 'c.bin']) files.files.set(name, { bytes: bytesOf(3), modifiedMillis: 1700000000000 });
    const page = await client.list('*.txt', { offset: 1, limit: 10 });
    assert.deepEqual(page, { totalCount: 2, entries: [{ name: 'b.txt', size: 3, modified: new Date(1700000000000) }] });
    await client.remove('a.txt');
    assert.deepEqual([...files.files.keys()].sort(), ['b.txt', 'c.bin']);
    await rejectsWithCode(client.remove('a.txt'), ErrorCode.FILE_NOT_FOUND_ON_SERVER);
  });

  it('without FILE_TRANSFER on the session every call fails with CAPABILITY_UNAVAILABLE, sending nothing', async () => {
    const { client, node } = await connected({ capabilities: 0xffn & ~Capability.FILE_TRANSFER });
    await rejectsWithCode(client.list(), ErrorCode.CAPABILITY_UNAVAILABLE);
    await rejectsWithCode(client.remove('x'), ErrorCode.CAPABILITY_UNAVAILABLE);
    await rejectsWithCode(client.upload(new Blob(['x']), 'x').result, ErrorCode.CAPABILITY_UNAVAILABLE);
    await rejectsWithCode(client.download('x').result, ErrorCode.CAPABILITY_UNAVAILABLE);
    assert.equal(node.all('LIST_REQUEST').length + node.all('UPLOAD_REQUEST').length, 0);
  });
});
