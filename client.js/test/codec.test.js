import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeFrame, encodeFrame, ErrorCode, FrameError, FrameType, DEFAULT_MAX_FRAME_SIZE, joinFrames, splitFrames,
} from '../src/codec.js';
import { GOLDEN, ENDS_WITH_REST, H_HEX, U, U_HEX, ascii, hex, toHex } from './fixtures.js';

function assertFails(bytes, code, pattern) {
  assert.throws(() => decodeFrame(bytes), (e) => {
    assert.ok(e instanceof FrameError, `expected a FrameError, got ${e}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

describe('golden bytes', () => {
  test('every frame type of protocol v1 has a fixture', () => {
    const covered = new Set(GOLDEN.map(([frame]) => frame.type));
    assert.deepEqual([...covered].sort(), Object.keys(FrameType).sort());
  });

  for (const [frame, fixture] of GOLDEN) {
    test(`${frame.type}: the encoder produces the fixture`, () => {
      assert.equal(toHex(encodeFrame(frame)), toHex(hex(fixture)));
    });

    test(`${frame.type}: the decoder reads the fixture back`, () => {
      assert.deepEqual(decodeFrame(hex(fixture)), frame);
    });
  }

  test('PUBLISH without headers clears the flag and omits the block', () => {
    const frame = { type: 'PUBLISH', subject: 'a', replyTo: '', headers: new Map(), payload: ascii('hi') };
    assert.equal(toHex(encodeFrame(frame)), '33000001610000' + '6869');
    assert.deepEqual(decodeFrame(hex('33 00 | 0001 61 | 0000 | 6869')), frame);
  });

  test('the comparison sees payload contents', () => {
    // Guards the golden tests: different bytes must not compare equal.
    assert.throws(() => assert.deepEqual(decodeFrame(hex('11 00 01')), { type: 'AUTH_CHALLENGE', data: hex('02') }));
  });

  test('the ping example of the specification', () => {
    assert.equal(toHex(encodeFrame({ type: 'PING', nonce: 5 })), '20000000000000000005');
  });
});

describe('NODE_ADDRESSES bounds (docs/protocol.md 4.9)', () => {
  test('more than 64 addresses, or one longer than 255 bytes, is malformed', () => {
    assertFails(hex(`27 00 | 41 ${' | 0001 61'.repeat(65)}`), ErrorCode.MALFORMED_FRAME);
    assertFails(hex(`27 00 | 01 | 0100 ${'61'.repeat(256)}`), ErrorCode.MALFORMED_FRAME);
    assert.deepEqual(decodeFrame(hex(`27 00 | 01 | 00ff ${'61'.repeat(255)}`)),
      { type: 'NODE_ADDRESSES', addresses: ['a'.repeat(255)] });
  });
});

describe('round trips', () => {
  test('non-ASCII strings, header order and large payloads survive', () => {
    const payload = new Uint8Array(100_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) & 0xff;
    const headers = new Map([['z-first', 'é'], ['a-second', '\u{1F600} smile'], ['m-third', '']]);
    const frames = [
      { type: 'PUBLISH', subject: 'sensors.température.\u4E2D', replyTo: '_reply.\u{1F600}', headers, payload },
      { type: 'DELIVER', subscriptionId: 1n << 63n, subject: 'a.b', replyTo: 'r', headers, payload: new Uint8Array(0) },
      { type: 'MESSAGE', reply: false, correlationId: (1n << 63n) - 1n, messageType: 'type', payload },
      { type: 'AUTH_OK', user: 'ü', resumeToken: '', tokenExpiresAt: 0n, data: new Uint8Array(0) },
      { type: 'CLOSE', code: 0, message: 'x'.repeat(65535) },
      { type: 'CLOSE', code: 0, message: '\uFEFFkeeps its byte order mark' },
      { type: 'STREAM_OPEN', streamId: 1n, callId: 2n, direction: 1, creditMode: 2, initialCredit: 0, metadata: '{"a":1}' },
      { type: 'RESUME_RESPONSE', requestId: 2n, transferId: U, status: 4, totalChunks: 0, chunkSize: 0, window: 0,
        chunksReceived: [], chunksMissing: [] },
    ];
    for (const frame of frames) assert.deepEqual(decodeFrame(encodeFrame(frame)), frame);
    const order = [...decodeFrame(encodeFrame(frames[0])).headers.keys()];
    assert.deepEqual(order, ['z-first', 'a-second', 'm-third']);
  });

  test('the encoder accepts friendlier inputs', () => {
    const a = encodeFrame({ type: 'PUBLISH', subject: 's', headers: { k: 'v' }, payload: 'hi' });
    const b = encodeFrame({ type: 'PUBLISH', subject: 's', replyTo: '', headers: [['k', 'v']], payload: ascii('hi') });
    assert.deepEqual(a, b);
    assert.deepEqual(encodeFrame({ type: 'ACK', requestId: 7, json: {} }), hex('2e 00 | 0000000000000007 | 00000002 7b7d'));
    assert.deepEqual(encodeFrame({ type: 'RPC_RESPONSE', callId: 3n, result: new Uint8Array([0x31]).buffer }),
      hex('41 00 | 0000000000000003 | 31'));
    assert.equal(decodeFrame(encodeFrame({ type: 'CONNECT', version: 256, capabilities: 0n,
      clientId: U.toUpperCase() })).clientId, U);
  });

  test('decoded frames hold no reference to the input', () => {
    const wire = encodeFrame({ type: 'STREAM_DATA', streamId: 1n, item: ascii('payload') });
    const frame = decodeFrame(wire);
    wire[10] = 0x58;
    assert.deepEqual(frame.item, ascii('payload'));
  });

  test('a view into a larger buffer decodes only its own bytes', () => {
    const big = new Uint8Array(20);
    big.set(hex('20 00 | 0000000000000005'), 4);
    assert.deepEqual(decodeFrame(big.subarray(4, 14)), { type: 'PING', nonce: 5n });
    assert.deepEqual(decodeFrame(new DataView(big.buffer, 4, 10)), { type: 'PING', nonce: 5n });
  });
});

describe('flags', () => {
  test('reserved flag bits are ignored on receipt and sent as 0', () => {
    assert.deepEqual(decodeFrame(hex('20 ff | 0000000000000001')), { type: 'PING', nonce: 1n });
    assert.equal(decodeFrame(hex('30 fe | 0000000000000009 | 0001 74')).reply, false);
    assert.equal(decodeFrame(hex('51 fe | 0000000000000002')).last, false);
    assert.equal(decodeFrame(hex('40 fe | 0000000000000003 | 00000000 | 0003 732e6d')).streams, false);
    assert.deepEqual(decodeFrame(hex('56 fd | 0000000000000003 | 0000000000000001 | 00000002')),
      { type: 'STREAM_RESUME', receiving: true, ended: false, streamId: 3n, received: 1n, credit: 2 });
    const ack = decodeFrame(hex(GOLDEN.find(([f]) => f.type === 'CONNECT_ACK')[1]).map((b, i) => (i === 1 ? 0xfe : b)));
    assert.equal(ack.authenticated, false);
    assert.equal(encodeFrame({ type: 'PING', nonce: 1, reply: true })[1], 0);
  });

  test('chunk flags are independent', () => {
    const onlyLast = { type: 'CHUNK_DATA', compressed: false, last: true, transferId: U, chunkIndex: 0,
      originalSize: 0, crc32: 0, data: new Uint8Array(0) };
    assert.equal(encodeFrame(onlyLast)[1], 0x02);
    assert.deepEqual(decodeFrame(encodeFrame(onlyLast)), onlyLast);
    assert.equal(encodeFrame({ ...onlyLast, compressed: true, last: false })[1], 0x01);
  });
});

describe('malformed input', () => {
  test('unknown types are reported as such', () => {
    for (const code of [0x00, 0x03, 0x0f, 0x14, 0x28, 0x2d, 0x35, 0x46, 0x57, 0x73, 0x80, 0xff]) {
      assertFails(new Uint8Array([code, 0, 1, 2]), ErrorCode.UNKNOWN_FRAME_TYPE, /unknown frame type/);
    }
  });

  test('frames shorter than the header are malformed', () => {
    assertFails(new Uint8Array(0), ErrorCode.MALFORMED_FRAME, /shorter than its header/);
    assertFails(new Uint8Array([0x20]), ErrorCode.MALFORMED_FRAME);
  });

  test('every truncation fails with MALFORMED_FRAME or, for rest-terminated bodies, yields a frame', () => {
    for (const [frame, fixture] of GOLDEN) {
      const wire = hex(fixture);
      for (let length = 0; length < wire.length; length++) {
        const cut = wire.slice(0, length);
        if (ENDS_WITH_REST.has(frame.type) && length >= 2) {
          try {
            decodeFrame(cut);
          } catch (e) {
            assert.equal(e.code, ErrorCode.MALFORMED_FRAME, `${frame.type} cut at ${length}: ${e.message}`);
          }
        } else {
          assertFails(cut, ErrorCode.MALFORMED_FRAME);
        }
      }
    }
  });

  test('trailing bytes after a fixed body are malformed', () => {
    for (const [frame, fixture] of GOLDEN) {
      if (ENDS_WITH_REST.has(frame.type)) continue;
      const wire = hex(fixture);
      const longer = new Uint8Array(wire.length + 1);
      longer.set(wire);
      assertFails(longer, ErrorCode.MALFORMED_FRAME, /after the end of the body/);
    }
  });

  test('invalid UTF-8 is malformed, valid 4-byte forms are not', () => {
    assertFails(hex('24 00 | 00000000 | 0002 c328'), ErrorCode.MALFORMED_FRAME, /UTF-8/); // bad continuation
    assertFails(hex('24 00 | 00000000 | 0002 c080'), ErrorCode.MALFORMED_FRAME); // overlong NUL
    assertFails(hex('24 00 | 00000000 | 0003 eda080'), ErrorCode.MALFORMED_FRAME); // surrogate
    assertFails(hex('24 00 | 00000000 | 0004 f4908080'), ErrorCode.MALFORMED_FRAME); // above U+10FFFF
    assertFails(hex('24 00 | 00000000 | 0001 ff'), ErrorCode.MALFORMED_FRAME);
    assertFails(hex('2e 00 | 0000000000000001 | 00000001 80'), ErrorCode.MALFORMED_FRAME); // in json
    assert.deepEqual(decodeFrame(hex('24 00 | 00000000 | 0004 f09f9880')), { type: 'CLOSE', code: 0, message: '\u{1F600}' });
  });

  test('a repeated header is named on one short line', () => {
    // A header name with a line break, twice: quoted escaped, as the Java codec quotes it.
    assertFails(hex('33 01 | 0001 61 | 0000 | 0002 | 0002 610a 0001 76 | 0002 610a 0000'), ErrorCode.MALFORMED_FRAME,
      /^PUBLISH: header 'a\\u000a' appears twice$/);
    const long = 'x'.repeat(100);
    const name = `0064 ${'78'.repeat(100)}`;
    assertFails(hex(`33 01 | 0001 61 | 0000 | 0002 | ${name} 0000 | ${name} 0000`), ErrorCode.MALFORMED_FRAME,
      new RegExp(`^PUBLISH: header '${long.slice(0, 64)}\\.\\.\\.' appears twice$`));
  });

  test('lengths beyond the frame are malformed', () => {
    assertFails(hex('24 00 | 00000000 | ffff 61'), ErrorCode.MALFORMED_FRAME, /needs 65535 bytes/);
    assertFails(hex('2e 00 | 0000000000000001 | ffffffff 7b7d'), ErrorCode.MALFORMED_FRAME);
    assertFails(hex('2e 00 | 0000000000000001 | 80000000'), ErrorCode.MALFORMED_FRAME);
  });

  test('counts that cannot fit are malformed', () => {
    assertFails(hex('6e 00 | 0000000000000008 | 00000001 | ffffffff | 0001 66'), ErrorCode.MALFORMED_FRAME);
    assertFails(hex(`70 00 | 0000000000000009 | ${U_HEX} | 00 | 0000000a | ffffffff 00000000 00000004`),
      ErrorCode.MALFORMED_FRAME);
    assertFails(hex('33 01 | 0001 61 | 0000 | ffff | 0001 6b 0001 76'), ErrorCode.MALFORMED_FRAME);
    assertFails(hex(`02 00 | 0100 | 0000000000000000 | ${U_HEX} | 00000400 | 000003e8 | 0000000000000000
      | 00000200 | ff | 0000`), ErrorCode.MALFORMED_FRAME);
  });

  test('bad enumeration values are malformed', () => {
    const open = (d, m) => hex(`50 00 | 0000000000000002 | 0000000000000003 | ${d} | ${m} | 00010000 | 00000000`);
    assertFails(open('00', '00'), ErrorCode.MALFORMED_FRAME, /direction/);
    assertFails(open('04', '00'), ErrorCode.MALFORMED_FRAME);
    assertFails(open('01', '03'), ErrorCode.MALFORMED_FRAME, /creditMode/);
    assert.equal(decodeFrame(open('01', '02')).type, 'STREAM_OPEN');
    assertFails(hex('63 00 | 0000000000000007 | 0001 66 | 00000000 | 03'), ErrorCode.MALFORMED_FRAME);
    assertFails(hex(`70 00 | 0000000000000009 | ${U_HEX} | 05 | 0000000a | 00000000 | 00000000`), ErrorCode.MALFORMED_FRAME);
    assertFails(hex(`6f 00 | 0000000000000009 | ${U_HEX} | 03 | ${H_HEX} | 00000000`), ErrorCode.MALFORMED_FRAME);
  });

  test('inconsistent fields are malformed', () => {
    assertFails(hex(`70 00 | 0000000000000009 | ${U_HEX} | 00 | 0000000a | 00000200 | 0008 | 00000001 00000005 00000004
      | 00000000`),
      ErrorCode.MALFORMED_FRAME, /ends before it starts/);
    assertFails(hex('40 00 | 0000000000000003 | 80000000 | 0003 732e6d'), ErrorCode.MALFORMED_FRAME, /timeoutMillis/);
    assertFails(hex(`64 00 | 0000000000000007 | ${U_HEX} | 8000000000000000 | ${H_HEX} | 00000002 | 00000200 | 00`),
      ErrorCode.MALFORMED_FRAME, /fileSize/);
    assertFails(hex('33 01 | 0001 61 | 0000 | 0002 | 0001 6b 0001 76 | 0001 6b 0001 77'),
      ErrorCode.MALFORMED_FRAME, /twice/);
    assertFails(hex('33 01 | 0001 61 | 0000 | 0000 | 6869'), ErrorCode.MALFORMED_FRAME, /empty header block/);
  });

  test('STREAM_RESUME fields out of range or contradicting the flags are malformed', () => {
    const resume = (flags, received, credit) => hex(`56 ${flags} | 0000000000000003 | ${received} | ${credit}`);
    assertFails(resume('01', '8000000000000000', '00000000'), ErrorCode.MALFORMED_FRAME, /received/);
    assertFails(resume('01', '0000000000000000', '80000000'), ErrorCode.MALFORMED_FRAME, /credit/);
    assertFails(resume('00', '0000000000000001', '00000000'), ErrorCode.MALFORMED_FRAME, /does not receive/);
    assertFails(resume('00', '0000000000000000', '00000001'), ErrorCode.MALFORMED_FRAME, /does not receive/);
    assertFails(resume('02', '0000000000000000', '00000000'), ErrorCode.MALFORMED_FRAME, /does not receive/);
    assert.deepEqual(decodeFrame(resume('03', '7fffffffffffffff', '7fffffff')), { type: 'STREAM_RESUME',
      receiving: true, ended: true, streamId: 3n, received: (1n << 63n) - 1n, credit: 0x7fffffff });
    assert.throws(() => encodeFrame({ type: 'STREAM_RESUME', receiving: false, ended: false, streamId: 3n,
      received: 2n, credit: 0 }), RangeError);
  });

  test('oversize input is refused before it is parsed', () => {
    const big = new Uint8Array(DEFAULT_MAX_FRAME_SIZE + 1);
    big[0] = 0x41; // RPC_RESPONSE: would otherwise decode fine
    assert.equal(decodeFrame(big).type, 'RPC_RESPONSE'); // without a limit the size is not checked
    assert.throws(() => decodeFrame(big, { maxFrameSize: DEFAULT_MAX_FRAME_SIZE }),
      (e) => e.code === ErrorCode.FRAME_TOO_LARGE && /exceeds/.test(e.message));
  });

  test('mutated fixtures only ever give frames or FrameErrors', () => {
    let seed = 20261101;
    const random = (n) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const seeds = GOLDEN.map(([, fixture]) => hex(fixture));
    for (let i = 0; i < 20_000; i++) {
      const wire = seeds[random(seeds.length)].slice();
      const edits = 1 + random(3);
      for (let e = 0; e < edits && wire.length > 0; e++) wire[random(wire.length)] = random(256);
      try {
        assert.ok(decodeFrame(wire).type);
      } catch (e) {
        assert.ok(e instanceof FrameError, `unexpected ${e}`);
        assert.ok([ErrorCode.MALFORMED_FRAME, ErrorCode.UNKNOWN_FRAME_TYPE].includes(e.code));
      }
    }
  });
});

describe('encoding limits', () => {
  test('values that do not fit their wire form are refused', () => {
    assert.throws(() => encodeFrame({ type: 'CLOSE', code: 0, message: 'x'.repeat(65536) }), RangeError);
    assert.throws(() => encodeFrame({ type: 'UPLOAD_REQUEST', requestId: 1, fileName: 'f', fileSize: -1,
      fileHash: new Uint8Array(32), chunkCount: 1, chunkSize: 1, compression: 0 }), RangeError);
    assert.throws(() => encodeFrame({ type: 'RPC_REQUEST', callId: 1, timeoutMillis: -1, method: 'a.b' }), RangeError);
    assert.throws(() => encodeFrame({ type: 'RPC_REQUEST', callId: 1, timeoutMillis: 2 ** 31, method: 'a.b' }), RangeError);
    assert.throws(() => encodeFrame({ type: 'UPLOAD_ACCEPT', requestId: 1, transferId: U, chunkSize: 1, window: 65536 }),
      RangeError);
    assert.throws(() => encodeFrame({ type: 'PING', nonce: 1n << 64n }), RangeError);
    assert.throws(() => encodeFrame({ type: 'PING', nonce: 1.5 }), RangeError);
    assert.throws(() => encodeFrame({ type: 'PING' }), RangeError);
    assert.throws(() => encodeFrame({ type: 'UPLOAD_COMPLETE', transferId: 'not-a-uuid' }), TypeError);
    assert.throws(() => encodeFrame({ type: 'UPLOAD_VERIFY', transferId: U, computedHash: new Uint8Array(31) }), RangeError);
    assert.throws(() => encodeFrame({ type: 'STREAM_OPEN', streamId: 1, callId: 1, direction: 0, creditMode: 0,
      initialCredit: 1 }), RangeError);
    assert.throws(() => encodeFrame({ type: 'RESUME_RESPONSE', requestId: 1, transferId: U, status: 0, totalChunks: 1,
      chunksReceived: [{ first: 5, last: 4 }] }), RangeError);
    assert.throws(() => encodeFrame({ type: 'PUBLISH', subject: 's', headers: [['a', '1'], ['a', '2']] }), TypeError);
    assert.throws(() => encodeFrame({ type: 'CLOSE', code: 0, message: 'lone \uD800 surrogate' }), /surrogate/);
    assert.throws(() => encodeFrame({ type: 'NOPE' }), /unknown frame type/);
    assert.throws(() => encodeFrame({ type: 'RPC_RESPONSE', callId: 1, result: new Uint8Array(100) }, { maxFrameSize: 100 }),
      /exceeds the maximum of 100/);
  });
});

describe('batched messages (section 2.2)', () => {
  // The example of the specification: a PING, then a RESUME, in one message.
  const GOLDEN_MESSAGE = '0000000a 2000 0102030405060708 | 00000002 2300';
  const frames = [{ type: 'PING', nonce: 0x0102030405060708n }, { type: 'RESUME' }];

  function assertSplitFails(bytes, code, pattern, options) {
    assert.throws(() => splitFrames(bytes, options), (e) => {
      assert.ok(e instanceof FrameError, `expected a FrameError, got ${e}`);
      assert.equal(e.code, code, e.message);
      if (pattern) assert.match(e.message, pattern);
      return true;
    });
  }

  test('joinFrames produces the golden message', () => {
    assert.equal(toHex(joinFrames(frames.map((f) => encodeFrame(f)))), toHex(hex(GOLDEN_MESSAGE)));
  });

  test('splitFrames reads the golden message back, frame by frame', () => {
    assert.deepEqual(splitFrames(hex(GOLDEN_MESSAGE)).map((bytes) => decodeFrame(bytes)), frames);
  });

  test('a message of one frame is valid', () => {
    assert.deepEqual(splitFrames(hex('00000002 2300')).map((bytes) => decodeFrame(bytes)), [{ type: 'RESUME' }]);
  });

  test('an empty message, or one ending inside a prefix or a frame, is malformed', () => {
    assertSplitFails(new Uint8Array(0), ErrorCode.MALFORMED_FRAME, /empty/);
    assertSplitFails(hex('00000002 2300 | 0000'), ErrorCode.MALFORMED_FRAME, /inside a length prefix/);
    assertSplitFails(hex('0000000a 2000 01020304050607'), ErrorCode.MALFORMED_FRAME, /inside a frame/);
  });

  test('a prefix too short for a frame header is malformed, one above the maximum too large', () => {
    assertSplitFails(hex('00000001 20'), ErrorCode.MALFORMED_FRAME, /shorter than a frame header/);
    assertSplitFails(hex('00000000'), ErrorCode.MALFORMED_FRAME);
    assertSplitFails(hex('00000401 2000'), ErrorCode.FRAME_TOO_LARGE, /1025 exceeds the maximum of 1024/,
      { maxFrameSize: 1024 });
  });
});
