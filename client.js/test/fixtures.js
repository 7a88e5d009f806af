// One byte fixture per frame type. The hex strings are the same as in the Java golden-bytes test
// of protocol.api (GoldenFramesTest), so both codecs are held to identical bytes.

export const U = '00112233-4455-6677-8899-aabbccddeeff';
export const U_HEX = '00112233445566778899aabbccddeeff';
export const H = Uint8Array.from({ length: 32 }, (_, i) => i);
export const H_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const ID1 = '0000000000000001';

/** Hex with spaces and `|` separators allowed for readability. */
export function hex(text) {
  const clean = text.replace(/[\s|]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const ascii = (s) => new TextEncoder().encode(s);

/** [frame object as decodeFrame returns it, hex] */
export const GOLDEN = [
  [{ type: 'CONNECT', version: 0x0100, capabilities: 3n, clientId: U, resumeToken: 't', clientName: 'c' },
    `01 00 | 0100 | 0000000000000003 | ${U_HEX} | 0001 74 | 0001 63`],
  [{ type: 'CONNECT_ACK', authenticated: true, version: 0x0100, capabilities: 0x81n, sessionId: U,
    maxFrameSize: 1048576, heartbeatMillis: 15000, maxFileSize: 1n << 30n, maxChunkSize: 65536,
    mechanisms: ['SCRAM-SHA-256', 'PLAIN'], nodeName: 'n' },
  `02 01 | 0100 | 0000000000000081 | ${U_HEX} | 00100000 | 00003a98 | 0000000040000000
     | 00010000 | 02 | 000d 5343 52 41 4d 2d 53 48 41 2d 32 35 36 | 0005 504c41494e | 0001 6e`],
  [{ type: 'AUTH_START', mechanism: 'PLAIN', data: hex('00610062') }, '10 00 | 0005 504c41494e | 00610062'],
  [{ type: 'AUTH_CHALLENGE', data: ascii('r=1') }, '11 00 | 723d31'],
  [{ type: 'AUTH_RESPONSE', data: hex('0102') }, '12 00 | 0102'],
  [{ type: 'AUTH_OK', user: 'u', resumeToken: 'tok', tokenExpiresAt: 1700000000000n, data: ascii('v=') },
    '13 00 | 0001 75 | 0003 746f6b | 0000018bcfe56800 | 763d'],
  [{ type: 'PING', nonce: 0x0102030405060708n }, '20 00 | 0102030405060708'],
  [{ type: 'PONG', nonce: 0xffffffffffffffffn }, '21 00 | ffffffffffffffff'],
  [{ type: 'PAUSE' }, '22 00'],
  [{ type: 'RESUME' }, '23 00'],
  [{ type: 'CLOSE', code: -603, message: 'bye' }, '24 00 | fffffda5 | 0003 627965'],
  [{ type: 'CLOSE_ACK' }, '25 00'],
  [{ type: 'CAPABILITY_CHANGE', capabilities: 0xc7n }, '26 00 | 00000000000000c7'],
  [{ type: 'NODE_ADDRESSES', addresses: ['tcp://h:1', 'ws://h:2/a'] },
    '27 00 | 02 | 0009 7463703a2f2f683a31 | 000a 77733a2f2f683a322f61'],
  [{ type: 'ACK', requestId: 7n, json: '{}' }, '2e 00 | 0000000000000007 | 00000002 7b7d'],
  [{ type: 'ERROR', requestId: 0n, code: -101, message: 'v', details: '{"supported":["1.0"]}' },
    '2f 00 | 0000000000000000 | ffffff9b | 0001 76 | 00000015 7b22737570706f72746564223a5b22312e30225d7d'],
  [{ type: 'MESSAGE', reply: true, correlationId: 9n, messageType: 't', payload: hex('01') },
    '30 01 | 0000000000000009 | 0001 74 | 01'],
  [{ type: 'SUBSCRIBE', subscriptionId: 1n, subject: 'a.*', queueGroup: 'g', options: '' },
    `31 00 | ${ID1} | 0003 612e2a | 0001 67 | 00000000`],
  [{ type: 'UNSUBSCRIBE', subscriptionId: 1n }, `32 00 | ${ID1}`],
  [{ type: 'PUBLISH', subject: 'a', replyTo: 'r', headers: new Map([['k', 'v'], ['x', '']]), payload: ascii('hi') },
    '33 01 | 0001 61 | 0001 72 | 0002 | 0001 6b 0001 76 | 0001 78 0000 | 6869'],
  [{ type: 'DELIVER', subscriptionId: 5n, subject: 'a', replyTo: '', headers: new Map(), payload: hex('ff') },
    '34 00 | 0000000000000005 | 0001 61 | 0000 | ff'],
  [{ type: 'RPC_REQUEST', streams: false, callId: 3n, timeoutMillis: 5000, method: 's.m', params: ascii('[]') },
    '40 00 | 0000000000000003 | 00001388 | 0003 732e6d | 5b5d'],
  [{ type: 'RPC_REQUEST', streams: true, callId: 3n, timeoutMillis: 5000, method: 's.m', params: ascii('[]') },
    '40 01 | 0000000000000003 | 00001388 | 0003 732e6d | 5b5d'],
  [{ type: 'RPC_RESPONSE', callId: 3n, result: ascii('1') }, '41 00 | 0000000000000003 | 31'],
  [{ type: 'RPC_ERROR', callId: 3n, code: -401, message: 'bad', details: '' },
    '42 00 | 0000000000000003 | fffffe6f | 0003 626164 | 00000000'],
  [{ type: 'RPC_CANCEL', callId: 3n }, '43 00 | 0000000000000003'],
  [{ type: 'SERVICE_PROVIDE', requestId: 4n, service: 's', descriptor: '{}' },
    '44 00 | 0000000000000004 | 0001 73 | 00000002 7b7d'],
  [{ type: 'SERVICE_WITHDRAW', requestId: 4n, service: 's' }, '45 00 | 0000000000000004 | 0001 73'],
  [{ type: 'STREAM_OPEN', streamId: 2n, callId: 3n, direction: 3, creditMode: 1, initialCredit: 65536, metadata: '' },
    '50 00 | 0000000000000002 | 0000000000000003 | 03 | 01 | 00010000 | 00000000'],
  [{ type: 'STREAM_DATA', last: true, streamId: 2n, item: hex('0a0b') }, '51 01 | 0000000000000002 | 0a0b'],
  [{ type: 'STREAM_CREDIT', streamId: 2n, credit: 16 }, '52 00 | 0000000000000002 | 00000010'],
  [{ type: 'STREAM_END', streamId: 2n }, '53 00 | 0000000000000002'],
  [{ type: 'STREAM_ERROR', streamId: 2n, code: -502, message: 'x' }, '54 00 | 0000000000000002 | fffffe0a | 0001 78'],
  [{ type: 'STREAM_CANCEL', streamId: 2n }, '55 00 | 0000000000000002'],
  [{ type: 'STREAM_RESUME', receiving: true, ended: false, streamId: 3n, received: 5n, credit: 64 },
    '56 01 | 0000000000000003 | 0000000000000005 | 00000040'],
  [{ type: 'STREAM_RESUME', receiving: true, ended: true, streamId: 3n, received: 7n, credit: 0 },
    '56 03 | 0000000000000003 | 0000000000000007 | 00000000'],
  [{ type: 'STREAM_RESUME', receiving: false, ended: false, streamId: 4n, received: 0n, credit: 0 },
    '56 00 | 0000000000000004 | 0000000000000000 | 00000000'],
  [{ type: 'UPLOAD_REQUEST', requestId: 6n, fileName: 'f.txt', fileSize: 1000n, fileHash: H, chunkCount: 2,
    chunkSize: 512, compression: 2, metadata: '' },
  `60 00 | 0000000000000006 | 0005 662e747874 | 00000000000003e8 | ${H_HEX} | 00000002 | 00000200 | 02 | 00000000`],
  [{ type: 'UPLOAD_ACCEPT', requestId: 6n, transferId: U, chunkSize: 512, window: 8 },
    `61 00 | 0000000000000006 | ${U_HEX} | 00000200 | 0008`],
  [{ type: 'UPLOAD_REJECT', requestId: 6n, code: -745, reason: 'full', details: '' },
    '62 00 | 0000000000000006 | fffffd17 | 0004 66756c6c | 00000000'],
  [{ type: 'DOWNLOAD_REQUEST', requestId: 7n, fileName: 'f', chunkSize: 0, compression: 1 },
    '63 00 | 0000000000000007 | 0001 66 | 00000000 | 01'],
  [{ type: 'DOWNLOAD_ACCEPT', requestId: 7n, transferId: U, fileSize: 1000n, fileHash: H, chunkCount: 2,
    chunkSize: 512, compression: 0, window: 16 },
  `64 00 | 0000000000000007 | ${U_HEX} | 00000000000003e8 | ${H_HEX} | 00000002 | 00000200 | 00 | 0010`],
  [{ type: 'DOWNLOAD_REJECT', requestId: 7n, code: -746, reason: 'no', details: '{}' },
    '65 00 | 0000000000000007 | fffffd16 | 0002 6e6f | 00000002 7b7d'],
  [{ type: 'CHUNK_DATA', compressed: true, last: true, transferId: U, chunkIndex: 1, originalSize: 488,
    crc32: 0xcafebabe, data: hex('010203') },
  `66 03 | ${U_HEX} | 00000001 | 000001e8 | cafebabe | 010203`],
  [{ type: 'CHUNK_ACK', transferId: U, chunkIndex: 1 }, `67 00 | ${U_HEX} | 00000001`],
  [{ type: 'CHUNK_NACK', transferId: U, chunkIndex: 1, code: -720 }, `68 00 | ${U_HEX} | 00000001 | fffffd30`],
  [{ type: 'UPLOAD_COMPLETE', transferId: U, fileHash: H }, `69 00 | ${U_HEX} | ${H_HEX}`],
  [{ type: 'UPLOAD_VERIFY', verified: true, transferId: U, computedHash: H, storedName: 'f.txt' },
    `6a 01 | ${U_HEX} | ${H_HEX} | 0005 662e747874`],
  [{ type: 'DOWNLOAD_COMPLETE', transferId: U }, `6b 00 | ${U_HEX}`],
  [{ type: 'DOWNLOAD_VERIFY', verified: false, transferId: U }, `6c 00 | ${U_HEX}`],
  [{ type: 'LIST_REQUEST', requestId: 8n, pattern: '*.txt', offset: 0, limit: 100 },
    '6d 00 | 0000000000000008 | 0005 2a2e747874 | 00000000 | 00000064'],
  [{ type: 'LIST_RESPONSE', requestId: 8n, totalCount: 1,
    entries: [{ name: 'f', size: 1000n, modifiedMillis: 1700000000000n }] },
  '6e 00 | 0000000000000008 | 00000001 | 00000001 | 0001 66 | 00000000000003e8 | 0000018bcfe56800'],
  [{ type: 'RESUME_REQUEST', requestId: 9n, transferId: U, direction: 1, fileHash: H,
    chunksHeld: [{ first: 0, last: 4 }, { first: 7, last: 7 }] },
  `6f 00 | 0000000000000009 | ${U_HEX} | 01 | ${H_HEX} | 00000002 | 00000000 00000004 | 00000007 00000007`],
  [{ type: 'RESUME_RESPONSE', requestId: 9n, transferId: U, status: 0, totalChunks: 10, chunkSize: 512, window: 8,
    chunksReceived: [{ first: 0, last: 4 }], chunksMissing: [{ first: 5, last: 9 }] },
  `70 00 | 0000000000000009 | ${U_HEX} | 00 | 0000000a | 00000200 | 0008 | 00000001 00000000 00000004`
    + ' | 00000001 00000005 00000009'],
  [{ type: 'RESUME_RESPONSE', requestId: 9n, transferId: U, status: 2, totalChunks: 0, chunkSize: 0, window: 0,
    chunksReceived: [], chunksMissing: [] },
  `70 00 | 0000000000000009 | ${U_HEX} | 02 | 00000000 | 00000000 | 0000 | 00000000 | 00000000`],
  [{ type: 'TRANSFER_ABORT', resumable: true, transferId: U, code: -750, reason: 'disk', details: '' },
    `71 01 | ${U_HEX} | fffffd12 | 0004 6469736b | 00000000`],
  [{ type: 'TRANSFER_ABORT', resumable: false, transferId: U, code: -403, reason: '', details: '{}' },
    `71 00 | ${U_HEX} | fffffe6d | 0000 | 00000002 7b7d`],
  [{ type: 'FILE_REMOVE', requestId: 10n, fileName: 'a/b.txt' }, '72 00 | 000000000000000a | 0007 612f622e747874'],
];

/** Types whose body ends with a `rest` field: cutting bytes off the end may leave a valid frame. */
export const ENDS_WITH_REST = new Set(['AUTH_START', 'AUTH_CHALLENGE', 'AUTH_RESPONSE', 'AUTH_OK', 'MESSAGE',
  'PUBLISH', 'DELIVER', 'RPC_REQUEST', 'RPC_RESPONSE', 'STREAM_DATA', 'CHUNK_DATA']);
