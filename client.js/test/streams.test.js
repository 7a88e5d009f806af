import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Capability, ErrorCode, streamOf } from '../src/aldis.js';
import { bytesCost, ItemReceiver, itemsCost, jsonItems, ResultSender, seeded } from './callee.js';
import { settle } from './fake-node.js';
import { rejectsWithCode, setup } from './rig.js';

describe('the STREAMS capability', { timeout: 30_000 }, () => {
  test('CONNECT announces STREAMS, and the client follows what the node offers now', async () => {
    const { node, client, nextEvent } = setup({ capabilities: 0xffn & ~Capability.STREAMS });
    assert.equal(client.streamsAvailable, false);
    await client.connect();
    assert.ok(node.socket.of('CONNECT')[0].capabilities & Capability.STREAMS);
    assert.equal(client.streamsAvailable, false);
    node.socket.deliver({ type: 'CAPABILITY_CHANGE', capabilities: 0xffn });
    await nextEvent('capabilitiesChanged');
    assert.equal(client.streamsAvailable, true);
    node.socket.deliver({ type: 'CAPABILITY_CHANGE', capabilities: 0xffn & ~Capability.STREAMS });
    await nextEvent('capabilitiesChanged', 2);
    assert.equal(client.streamsAvailable, false);
  });

  test('a client configured without STREAMS never streams, whatever the node offers', async () => {
    const { client } = setup({}, { capabilities: Capability.RPC });
    await client.connect();
    assert.equal(client.session.capabilities & Capability.STREAMS, Capability.STREAMS);
    assert.equal(client.streamsAvailable, false);
  });
});

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

/** A client connected to a fake node whose RPC_REQUEST and STREAM_CREDIT go to a ResultSender. */
async function serverStream(items, { creditMode = 0, cost = itemsCost, metadata = '', answer = true, nodeOptions = {},
  clientOptions = {} } = {}) {
  const rig = setup(nodeOptions, clientOptions);
  await rig.client.connect();
  const senders = [];
  rig.node.on('RPC_REQUEST', (ws, f) => {
    const sender = new ResultSender(ws, { callId: f.callId, items, cost, answer });
    senders.push(sender);
    sender.open({ creditMode, metadata });
  });
  rig.node.on('STREAM_CREDIT', (ws, f) => senders.find((s) => s.streamId === f.streamId && !s.done)?.onCredit(f));
  return { ...rig, sender: () => senders[0] };
}

describe('server streams', { timeout: 30_000 }, () => {
  test('the call is made when the iteration starts, with STREAMS, and yields the items in order', async () => {
    const values = [{ n: 1 }, 'two', [3], null, 5];
    const { node, client, sender } = await serverStream(jsonItems(values));
    const stream = client.stream('clock.ticks', [10], { highWaterMark: 4 });
    await settle();
    assert.equal(node.all('RPC_REQUEST').length, 0);
    const got = [];
    for await (const item of stream) got.push(item);
    assert.deepEqual(got, values);
    const request = node.socket.of('RPC_REQUEST')[0];
    assert.equal(request.streams, true);
    assert.equal(request.method, 'clock.ticks');
    assert.equal(dec(request.params), '[10]');
    assert.equal(request.timeoutMillis, 0);
    assert.equal(sender().grants[0], 4);
    assert.ok(sender().allPaidBack);
    assert.deepEqual(sender().violations, []);
  });

  test('a stream of bytes yields Uint8Arrays, and the default high-water mark is 1 MiB', async () => {
    const blocks = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(70000).fill(7)];
    const { client, sender } = await serverStream(blocks, { creditMode: 1, cost: bytesCost });
    const got = [];
    for await (const block of client.stream('files.read', ['a'], { items: 'bytes' })) got.push(block);
    assert.deepEqual(got, blocks);
    assert.ok(got.every((b) => b instanceof Uint8Array));
    assert.equal(sender().grants[0], 1048576);
    assert.ok(sender().allPaidBack);
  });

  test('the default high-water mark in items mode is 64', async () => {
    const { client, sender } = await serverStream(jsonItems([1]));
    for await (const item of client.stream('s.m', [])) assert.equal(item, 1);
    assert.equal(sender().grants[0], 64);
  });

  for (const [mode, creditMode, cost, highWaterMark] of [['items', 0, itemsCost, 16], ['bytes', 1, bytesCost, 256]]) {
    test(`${mode} mode: credit is never exceeded and comes back at half the high-water mark (seeded schedules)`, async () => {
      for (let seed = 1; seed <= 12; seed++) {
        const random = seeded(seed);
        const items = Array.from({ length: 120 }, (_, i) => {
          const size = creditMode === 1 ? 1 + Math.floor(random() * (highWaterMark / 2)) : 1 + Math.floor(random() * 40);
          return new Uint8Array(size).fill(i & 0xff);
        });
        const { node, client, sender } = await serverStream(items, { creditMode, cost });
        const stream = client.stream('s.m', [], { items: 'bytes', highWaterMark });
        let consumed = 0; // cost of the items this loop has finished with
        let index = 0;
        for await (const item of stream) {
          assert.deepEqual(item, items[index], `seed ${seed}, item ${index}`);
          const returned = sender().grants.slice(1).reduce((a, b) => a + b, 0);
          // Held and unconsumed never exceed the window; what is consumed and unreturned stays below half of it.
          assert.ok(sender().sentCost - consumed <= highWaterMark, `seed ${seed}: more than the window held`);
          assert.ok(2 * (consumed - returned) < highWaterMark, `seed ${seed}: ${consumed - returned} consumed and not returned`);
          consumed += cost(item);
          index++;
          const pause = Math.floor(random() * 4); // the consumer's pace: sometimes the node gets to send meanwhile
          if (pause > 0) await settle(pause);
        }
        assert.equal(index, items.length);
        assert.deepEqual(sender().violations, [], `seed ${seed}`);
        const grants = sender().grants;
        assert.ok(grants.slice(1, -1).every((g) => 2 * g >= highWaterMark), `seed ${seed}: a return below half: ${grants}`);
        assert.ok(sender().allPaidBack, `seed ${seed}: no final return`);
        assert.equal(node.socket.of('STREAM_ERROR').length, 0);
        await client.close();
      }
    });
  }
});

describe('server streams: the consumer and the call', { timeout: 30_000 }, () => {
  test('a consumer that stops asking holds at most the window, and no credit goes beyond it', async () => {
    const { node, client, sender } = await serverStream(jsonItems(Array.from({ length: 40 }, (_, i) => i)));
    const iterator = client.stream('s.m', [], { highWaterMark: 8 })[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) assert.equal((await iterator.next()).value, i);
    await settle(20);
    // Two items finished with (the third is still in the application's hands): below half of 8.
    assert.equal(sender().sent, 8);
    assert.deepEqual(sender().grants, [8]);
    for (let i = 3; i < 6; i++) assert.equal((await iterator.next()).value, i);
    await settle(20);
    assert.deepEqual(sender().grants, [8, 4]);
    assert.equal(sender().sent, 12);
    assert.deepEqual(sender().violations, []);
    await iterator.return();
    assert.equal(node.socket.of('STREAM_CANCEL').length, 1);
  });

  test('the final credit goes back only after the call\'s answer', async () => {
    const { node, client, sender } = await serverStream(jsonItems(['a', 'b', 'c', 'd']), { answer: false });
    const iterator = client.stream('s.m', [], { highWaterMark: 4 })[Symbol.asyncIterator]();
    for (const expected of ['a', 'b', 'c', 'd']) assert.equal((await iterator.next()).value, expected);
    const last = iterator.next(); // 'd' is consumed now, the items have ended, and half of 4 is unreturned
    await settle(20);
    assert.deepEqual(sender().grants, [4, 2]);
    assert.equal(sender().ended, true);
    node.socket.deliver({ type: 'RPC_RESPONSE', callId: sender().callId, result: enc('null') });
    assert.deepEqual(await last, { value: undefined, done: true });
    await settle();
    assert.deepEqual(sender().grants, [4, 2, 2]);
    assert.ok(sender().allPaidBack);
  });

  test('leaving the loop sends STREAM_CANCEL and RPC_CANCEL, and the answer to them is absorbed', async () => {
    const { node, client, sender, named } = await serverStream(jsonItems(Array.from({ length: 40 }, (_, i) => i)));
    node.on('RPC_CANCEL', (ws, f) => ws.deliver({ type: 'RPC_ERROR', callId: f.callId, code: -403, message: 'cancelled',
      details: '' }));
    const got = [];
    for await (const item of client.stream('s.m', [], { highWaterMark: 8 })) {
      got.push(item);
      if (got.length === 2) break;
    }
    assert.deepEqual(got, [0, 1]);
    const ws = node.socket;
    assert.deepEqual(ws.of('STREAM_CANCEL').map((f) => f.streamId), [2n]);
    assert.deepEqual(ws.of('RPC_CANCEL').map((f) => f.callId), [sender().callId]);
    const order = ws.received.map((f) => f.type).filter((t) => t === 'STREAM_CANCEL' || t === 'RPC_CANCEL');
    assert.deepEqual(order, ['STREAM_CANCEL', 'RPC_CANCEL']);
    await node.waitFor('RPC_CANCEL');
    await settle();
    assert.equal(named('frame').length, 0);
    assert.equal(named('error').length, 0);
  });

  test('leaving the loop after the call\'s answer cancels nothing: the items left count as consumed', async () => {
    const { node, client, sender } = await serverStream(jsonItems([1, 2, 3, 4, 5]));
    const iterator = client.stream('s.m', [], { highWaterMark: 8 })[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value, 1);
    await settle(20); // every item, STREAM_END and the answer have arrived
    assert.deepEqual(await iterator.return(), { value: undefined, done: true });
    await settle();
    assert.equal(node.socket.of('STREAM_CANCEL').length + node.socket.of('RPC_CANCEL').length, 0);
    assert.ok(sender().allPaidBack);
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  });

  test('an aborted signal cancels the call and the loop throws CANCELLED', async () => {
    const { node, client } = await serverStream(jsonItems([1, 2, 3, 4, 5, 6]));
    const controller = new AbortController();
    const got = [];
    await rejectsWithCode((async () => {
      for await (const item of client.stream('s.m', [], { highWaterMark: 2, signal: controller.signal })) {
        got.push(item);
        if (item === 2) controller.abort();
      }
    })(), ErrorCode.CANCELLED);
    assert.deepEqual(got, [1, 2]);
    assert.equal(node.socket.of('STREAM_CANCEL').length, 1);
    assert.equal(node.socket.of('RPC_CANCEL').length, 1);
  });

  test('an abort before the stream opens cancels the call, and a STREAM_OPEN that crosses it is cancelled', async () => {
    const { node, client } = setup();
    await client.connect();
    const controller = new AbortController();
    node.on('RPC_REQUEST', () => {});
    const iterator = client.stream('s.m', [], { signal: controller.signal })[Symbol.asyncIterator]();
    const first = iterator.next();
    const request = await node.waitFor('RPC_REQUEST');
    controller.abort();
    await rejectsWithCode(first, ErrorCode.CANCELLED);
    assert.equal(node.socket.of('RPC_CANCEL').length, 1);
    assert.equal(node.socket.of('STREAM_CANCEL').length, 0);
    node.socket.deliver({ type: 'STREAM_OPEN', streamId: 2n, callId: request.callId, direction: 1, creditMode: 0,
      initialCredit: 0, metadata: '' });
    await node.waitFor('STREAM_CANCEL');
    assert.equal(node.socket.of('STREAM_CREDIT').length, 0);
  });

  test('a deadline read on a clock with fractions of a millisecond goes out in whole milliseconds', async () => {
    const { node, clock, client } = await serverStream(jsonItems([1, 2]));
    let drift = 0;
    clock.now = () => clock.time + (drift += 0.3); // as a browser's performance.now() reads
    const got = [];
    for await (const item of client.stream('s.m', [], { timeoutMs: 5000 })) got.push(item);
    assert.deepEqual(got, [1, 2]);
    const request = node.socket.of('RPC_REQUEST')[0];
    assert.equal(request.timeoutMillis, 5000, 'rounded up, never a fraction the codec refuses');
  });

  test('a deadline covers the whole stream: DEADLINE_EXCEEDED and the call is cancelled', async () => {
    const { node, clock, client } = await serverStream(jsonItems([1, 2, 3]), { answer: false });
    node.on('STREAM_CREDIT', () => {}); // the node sends nothing
    const iterator = client.stream('s.m', [], { timeoutMs: 5000 })[Symbol.asyncIterator]();
    const first = iterator.next();
    const request = await node.waitFor('RPC_REQUEST');
    assert.equal(request.timeoutMillis, 5000);
    await node.waitFor('STREAM_CREDIT');
    await clock.advance(4999);
    assert.equal(node.socket.of('RPC_CANCEL').length, 0);
    await clock.advance(1);
    await rejectsWithCode(first, ErrorCode.DEADLINE_EXCEEDED);
    assert.equal(node.socket.of('RPC_CANCEL').length, 1);
    assert.equal(node.socket.of('STREAM_CANCEL').length, 1);
  });

  test('STREAM_ERROR: the items that came before it, then the loop throws its code', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => new ResultSender(ws, { callId: f.callId, items: [] }).open());
    node.on('STREAM_CREDIT', (ws) => {
      ws.deliver({ type: 'STREAM_DATA', last: false, streamId: 2n, item: enc('1') });
      ws.deliver({ type: 'STREAM_DATA', last: false, streamId: 2n, item: enc('2') });
      ws.deliver({ type: 'STREAM_ERROR', streamId: 2n, code: -502, message: 'stream processing failed' });
      ws.deliver({ type: 'STREAM_DATA', last: false, streamId: 2n, item: enc('3') }); // crossed the error: dropped
      ws.deliver({ type: 'RPC_ERROR', callId: 1n, code: -502, message: 'stream processing failed', details: '' });
    });
    const got = [];
    await assert.rejects((async () => {
      for await (const item of client.stream('s.m', [])) got.push(item);
    })(), (e) => e.code === ErrorCode.STREAM_FAILED && e.message === 'stream processing failed');
    assert.deepEqual(got, [1, 2]);
    assert.equal(node.socket.of('STREAM_CANCEL').length + node.socket.of('RPC_CANCEL').length, 0);
  });

  test('RPC_ERROR without a stream: the loop throws its code, message and details', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'RPC_ERROR', callId: f.callId, code: -401, message: 'bad',
      details: '{"errors":[{"path":"from","reason":"expected an integer"}]}' }));
    const iterator = client.stream('s.m', ['x'])[Symbol.asyncIterator]();
    await assert.rejects(iterator.next(), (e) => e.code === ErrorCode.INVALID_PARAMS && e.details.errors[0].path === 'from');
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  });

  test('an item beyond the credit handed out: STREAM_ERROR STREAM_CREDIT_EXCEEDED, and the loop throws it', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => new ResultSender(ws, { callId: f.callId, items: [] }).open());
    node.on('STREAM_CREDIT', (ws) => {
      for (let i = 0; i < 3; i++) ws.deliver({ type: 'STREAM_DATA', last: false, streamId: 2n, item: enc(String(i)) });
      ws.deliver({ type: 'STREAM_END', streamId: 2n });
      ws.deliver({ type: 'RPC_RESPONSE', callId: 1n, result: enc('null') });
    });
    const got = [];
    await rejectsWithCode((async () => {
      for await (const item of client.stream('s.m', [], { highWaterMark: 2 })) got.push(item);
    })(), ErrorCode.STREAM_CREDIT_EXCEEDED);
    assert.deepEqual(got, [0, 1]);
    const [error] = node.socket.of('STREAM_ERROR');
    assert.equal(error.code, ErrorCode.STREAM_CREDIT_EXCEEDED);
    assert.equal(error.streamId, 2n);
  });

  test('an item costing more than half the high-water mark: STREAM_ITEM_TOO_LARGE', async () => {
    const { node, client } = await serverStream([new Uint8Array(6)], { creditMode: 1, cost: bytesCost });
    await rejectsWithCode((async () => {
      for await (const item of client.stream('s.m', [], { items: 'bytes', highWaterMark: 10 })) assert.fail(item);
    })(), ErrorCode.STREAM_ITEM_TOO_LARGE);
    const [error] = node.socket.of('STREAM_ERROR');
    assert.equal(error.code, ErrorCode.STREAM_ITEM_TOO_LARGE);
    assert.match(error.message, /costing 6 .* 10 allows \(5\)/);
  });

  test('an item that is not JSON fails the loop with STREAM_FAILED and ends the stream', async () => {
    const { node, client } = await serverStream([enc('1'), enc('{oops'), enc('3')], { answer: false });
    const got = [];
    await rejectsWithCode((async () => {
      for await (const item of client.stream('s.m', [])) got.push(item);
    })(), ErrorCode.STREAM_FAILED);
    assert.deepEqual(got, [1]);
    assert.equal(node.socket.of('STREAM_ERROR')[0].code, ErrorCode.STREAM_FAILED);
  });

  test('STREAM_OPEN refusals: wrong parity, an unknown call, a second one, a credit that does not fit the direction', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', () => {});
    const iterator = client.stream('s.m', [])[Symbol.asyncIterator]();
    const first = iterator.next();
    const { callId } = await node.waitFor('RPC_REQUEST');
    const open = (streamId, call, direction = 1, initialCredit = 0) => node.socket.deliver({ type: 'STREAM_OPEN', streamId,
      callId: call, direction, creditMode: 0, initialCredit, metadata: '' });
    // Refused on the stream offered: an ERROR would name callId, which the node takes for its own.
    open(3n, callId);
    open(4n, callId + 100n);
    await node.waitFor('STREAM_ERROR', 2);
    assert.deepEqual(node.socket.of('STREAM_ERROR').map((e) => [e.streamId, e.code]),
      [[3n, ErrorCode.PROTOCOL_ERROR], [4n, ErrorCode.PROTOCOL_ERROR]]);
    assert.equal(node.socket.of('ERROR').length, 0);
    open(2n, callId, 1, 5); // direction 1 carries no initial credit
    await node.waitFor('STREAM_ERROR', 3);
    assert.deepEqual(node.socket.of('STREAM_ERROR').map((e) => [e.streamId, e.code])[2], [2n, ErrorCode.PROTOCOL_ERROR]);
    await rejectsWithCode(first, ErrorCode.PROTOCOL_ERROR);
    open(6n, callId);
    await node.waitFor('STREAM_ERROR', 4);
    assert.equal(node.socket.of('STREAM_ERROR')[3].streamId, 6n);
  });
});

/**
 * A client connected to a fake node whose callee takes a streamed parameter with an ItemReceiver:
 * `consume(receiver)` runs after every item (default: take everything at once); on STREAM_END the
 * rest is taken and the call is answered with the number of items.
 */
async function clientStream({ creditMode = 0, highWaterMark = 8, cost = itemsCost, metadata = '',
  consume = (r) => r.consume(), clientOptions = {} } = {}) {
  const rig = setup({}, clientOptions);
  await rig.client.connect();
  const receivers = [];
  rig.node.on('RPC_REQUEST', (ws, f) => {
    const receiver = new ItemReceiver(ws, { highWaterMark, cost });
    receiver.callId = f.callId;
    receivers.push(receiver);
    ws.deliver({ type: 'STREAM_OPEN', streamId: 2n, callId: f.callId, direction: 2, creditMode,
      initialCredit: highWaterMark, metadata });
  });
  rig.node.on('STREAM_DATA', (ws, f) => {
    const receiver = receivers.at(-1);
    receiver.onData(f);
    consume(receiver);
  });
  rig.node.on('STREAM_END', (ws) => {
    const receiver = receivers.at(-1);
    receiver.onEnd();
    receiver.consume();
    ws.deliver({ type: 'RPC_RESPONSE', callId: receiver.callId, result: enc(String(receiver.items.length)) });
  });
  return { ...rig, receiver: () => receivers.at(-1) };
}

/** An async iterable over `values` that records how far it has been read and whether it was stopped. */
function recordedSource(values, { failAt } = {}) {
  const record = { pulled: 0, stopped: false };
  record.iterable = (async function* items() {
    try {
      for (const [i, value] of values.entries()) {
        if (i === failAt) throw new Error('disk on fire');
        record.pulled++;
        yield value;
      }
    } finally {
      record.stopped = true;
    }
  }());
  return record;
}

describe('client streams', { timeout: 30_000 }, () => {
  test('a streamed parameter goes within credit, then STREAM_END, and call() resolves with the answer', async () => {
    const { node, client, receiver } = await clientStream({ creditMode: 1, highWaterMark: 64, cost: bytesCost });
    const values = [new Uint8Array([1, 2, 3]), { k: 'v' }, 'text', new Uint8Array(32).fill(9), 7];
    const result = await client.call('store.put', ['name', client.streamOf(recordedSource(values).iterable)]);
    assert.equal(result, 5);
    const request = node.socket.of('RPC_REQUEST')[0];
    assert.equal(request.streams, true);
    assert.equal(dec(request.params), '["name",null]');
    assert.equal(request.timeoutMillis, 30000);
    assert.deepEqual(receiver().items, [new Uint8Array([1, 2, 3]), enc('{"k":"v"}'), enc('"text"'),
      new Uint8Array(32).fill(9), enc('7')]);
    assert.deepEqual(receiver().violations, []);
    assert.equal(node.socket.of('STREAM_END').length, 1);
  });

  test('a streamed parameter given by name is left out of params', async () => {
    const { node, client } = await clientStream();
    assert.equal(await client.call('store.put', { name: 'n', blocks: streamOf([1, 2]) }), 2);
    assert.equal(dec(node.socket.of('RPC_REQUEST')[0].params), '{"name":"n"}');
  });

  for (const [mode, creditMode, cost, highWaterMark] of [['items', 0, itemsCost, 6], ['bytes', 1, bytesCost, 40]]) {
    test(`${mode} mode: the client never sends beyond the callee's credit (seeded schedules)`, async () => {
      for (let seed = 1; seed <= 12; seed++) {
        const random = seeded(seed * 7919);
        const values = Array.from({ length: 80 }, () => new Uint8Array(1 + Math.floor(random() * (highWaterMark / 2))));
        const { client, receiver } = await clientStream({ creditMode, cost, highWaterMark,
          consume: (r) => r.consume(Math.floor(random() * 3)) });
        let answered = false;
        const call = client.call('sink.take', [streamOf(values)]).finally(() => {
          answered = true;
        });
        // The callee's application also takes an item now and then while no item arrives, as a
        // slow consumer does; without it a callee holding the whole window would wait forever.
        while (!answered) {
          await settle(1 + Math.floor(random() * 3));
          receiver()?.consume(1);
        }
        assert.equal(await call, values.length, `seed ${seed}`);
        assert.deepEqual(receiver().items, values, `seed ${seed}`);
        assert.deepEqual(receiver().violations, [], `seed ${seed}`);
        await client.close();
      }
    });
  }

  test('without credit the client stops sending and reads no further ahead than the next item', async () => {
    const { node, client, receiver } = await clientStream({ highWaterMark: 4, consume: () => {} });
    const source = recordedSource(Array.from({ length: 20 }, (_, i) => i));
    const result = client.call('sink.take', [streamOf(source.iterable)]);
    await node.waitFor('STREAM_DATA', 4);
    await settle(20);
    assert.equal(node.socket.of('STREAM_DATA').length, 4);
    assert.ok(source.pulled <= 5, `read ${source.pulled} items`);
    receiver().consume(2); // half of 4 comes back
    await node.waitFor('STREAM_DATA', 6);
    await settle(20);
    assert.equal(node.socket.of('STREAM_DATA').length, 6);
    receiver().consume();
    node.on('STREAM_DATA', (ws, f) => {
      receiver().onData(f);
      receiver().consume();
    });
    receiver().consume();
    assert.equal(await result, 20);
    assert.deepEqual(receiver().violations, []);
  });

  test('a source that throws: STREAM_ERROR STREAM_FAILED, and the call fails with it', async () => {
    const { node, client } = await clientStream();
    node.on('STREAM_ERROR', (ws, f) => ws.deliver({ type: 'RPC_ERROR', callId: 1n, code: f.code, message: f.message,
      details: '' }));
    const source = recordedSource([1, 2, 3, 4], { failAt: 2 });
    await assert.rejects(client.call('sink.take', [streamOf(source.iterable)]),
      (e) => e.code === ErrorCode.STREAM_FAILED && /disk on fire/.test(e.message) && e.cause.message === 'disk on fire');
    const [error] = node.socket.of('STREAM_ERROR');
    assert.equal(error.code, ErrorCode.STREAM_FAILED);
    assert.doesNotMatch(error.message, /disk on fire/);
    assert.equal(node.socket.of('STREAM_DATA').length, 2);
    assert.equal(node.socket.of('STREAM_END').length, 0);
  });

  test('an item JSON cannot hold: STREAM_FAILED, without the engine\'s text on the wire', async () => {
    const { node, client } = await clientStream();
    await assert.rejects(client.call('sink.take', [streamOf([1, 2n])]),
      (e) => e.code === ErrorCode.STREAM_FAILED && /item 1 for sink.take: an item of type bigint cannot be written as JSON/
        .test(e.message) && e.cause instanceof TypeError);
    const [error] = node.socket.of('STREAM_ERROR');
    assert.equal(error.code, ErrorCode.STREAM_FAILED);
    assert.equal(error.message, 'item 1 of the caller\'s items cannot be sent');
    assert.equal(node.socket.of('STREAM_DATA').length, 1);
  });

  test('an item costing more than half the callee\'s high-water mark: STREAM_ITEM_TOO_LARGE, and the source is stopped', async () => {
    const { node, client } = await clientStream({ creditMode: 1, cost: bytesCost, highWaterMark: 9 });
    const source = recordedSource([new Uint8Array(5), new Uint8Array(6), new Uint8Array(1)]);
    await rejectsWithCode(client.call('sink.take', [streamOf(source.iterable)]), ErrorCode.STREAM_ITEM_TOO_LARGE);
    const [error] = node.socket.of('STREAM_ERROR');
    assert.equal(error.code, ErrorCode.STREAM_ITEM_TOO_LARGE);
    assert.match(error.message, /costs 6, more than half the callee's high-water mark 9 allows \(5\)/);
    assert.equal(node.socket.of('STREAM_DATA').length, 1);
    await settle();
    assert.equal(source.stopped, true);
  });

  test('STREAM_CANCEL from the callee stops the items and the call goes on to its answer', async () => {
    const { node, client } = await clientStream({ consume: () => {} });
    node.on('STREAM_DATA', (ws, f) => {
      if (f.item[0] === 0x33) { // '3'
        ws.deliver({ type: 'STREAM_CANCEL', streamId: 2n });
        ws.deliver({ type: 'RPC_RESPONSE', callId: 1n, result: enc('"enough"') });
      }
    });
    const source = recordedSource(Array.from({ length: 100 }, (_, i) => i + 1));
    assert.equal(await client.call('sink.take', [streamOf(source.iterable)]), 'enough');
    await settle();
    assert.equal(source.stopped, true);
    assert.ok(node.socket.of('STREAM_DATA').length <= 4);
    assert.equal(node.socket.of('STREAM_END').length, 0);
  });

  test('a grant above the high-water mark is the callee\'s error: STREAM_ERROR PROTOCOL_ERROR', async () => {
    const { node, client } = await clientStream({ highWaterMark: 4, consume: () => {} });
    const call = client.call('sink.take', [streamOf([1, 2, 3, 4, 5])]);
    await node.waitFor('STREAM_DATA', 2);
    node.socket.deliver({ type: 'STREAM_CREDIT', streamId: 2n, credit: 3 });
    await rejectsWithCode(call, ErrorCode.PROTOCOL_ERROR);
    assert.equal(node.socket.of('STREAM_ERROR')[0].code, ErrorCode.PROTOCOL_ERROR);
  });

  test('a callee that wants a streamed parameter the call does not give: STREAM_ERROR, and the call fails', async () => {
    const { node, client } = await clientStream();
    const iterator = client.stream('s.m', [null])[Symbol.asyncIterator]();
    await assert.rejects(iterator.next(), (e) => e.code === ErrorCode.PROTOCOL_ERROR && /streamOf/.test(e.message));
    assert.equal(node.socket.of('STREAM_ERROR')[0].code, ErrorCode.PROTOCOL_ERROR);
  });

  test('argument errors: two streamed parameters, a stream nested in a parameter, a string as a source', async () => {
    const { client } = setup();
    await client.connect();
    await assert.rejects(client.call('s.m', [streamOf([1]), streamOf([2])]), TypeError);
    await assert.rejects(client.call('s.m', [{ inner: streamOf([1]) }]), TypeError);
    assert.throws(() => streamOf('abc'), TypeError);
    assert.throws(() => client.stream('s.m', [], { highWaterMark: 0 }), RangeError);
    assert.throws(() => client.stream('s.m', [], { items: 'text' }), TypeError);
  });
});

describe('bidirectional streams', { timeout: 30_000 }, () => {
  test('the caller\'s items and the callee\'s items flow at once, each within its credit', async () => {
    const { node, client } = setup();
    await client.connect();
    let receiver;
    let sender;
    node.on('RPC_REQUEST', (ws, f) => {
      receiver = new ItemReceiver(ws, { highWaterMark: 4 });
      sender = new ResultSender(ws, { callId: f.callId, items: [], more: true });
      ws.deliver({ type: 'STREAM_OPEN', streamId: 2n, callId: f.callId, direction: 3, creditMode: 0, initialCredit: 4,
        metadata: '' });
    });
    node.on('STREAM_CREDIT', (ws, f) => sender.onCredit(f));
    node.on('STREAM_DATA', (ws, f) => {
      receiver.onData(f);
      receiver.consume();
      sender.items.push(enc(`"echo: ${JSON.parse(dec(f.item))}"`)); // the callee echoes each line
      sender.pump();
    });
    node.on('STREAM_END', () => {
      receiver.onEnd();
      sender.more = false;
      sender.pump();
    });
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const echoes = [];
    for await (const echo of client.stream('chat.echo', [streamOf(lines)], { highWaterMark: 3 })) echoes.push(echo);
    assert.deepEqual(echoes, lines.map((l) => `echo: ${l}`));
    assert.equal(node.socket.of('RPC_REQUEST')[0].streams, true);
    assert.deepEqual(receiver.violations, []);
    assert.deepEqual(sender.violations, []);
    assert.ok(sender.allPaidBack);
  });

  test('call() on a method that streams both ways resolves with the array of its items', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => {
      ws.deliver({ type: 'STREAM_OPEN', streamId: 2n, callId: f.callId, direction: 3, creditMode: 0, initialCredit: 8,
        metadata: '' });
    });
    node.on('STREAM_END', (ws, f) => {
      ws.deliver({ type: 'STREAM_DATA', last: false, streamId: f.streamId, item: enc('"a"') });
      ws.deliver({ type: 'STREAM_DATA', last: true, streamId: f.streamId, item: enc('"b"') });
      ws.deliver({ type: 'RPC_RESPONSE', callId: 1n, result: enc('null') });
    });
    assert.deepEqual(await client.call('chat.echo', [streamOf(['x'])]), ['a', 'b']);
    assert.deepEqual(node.socket.of('STREAM_CREDIT').map((c) => c.credit), [64, 2]);
  });
});

describe('batch fallback', { timeout: 30_000 }, () => {
  const withoutStreams = { capabilities: 0xffn & ~Capability.STREAMS };

  test('a node without STREAMS: the call goes without the flag and the result array is iterated', async () => {
    const { node, client } = setup(withoutStreams);
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'RPC_RESPONSE', callId: f.callId, result: enc('[1,{"a":2},"3"]') }));
    const got = [];
    for await (const item of client.stream('clock.ticks', [10])) got.push(item);
    assert.deepEqual(got, [1, { a: 2 }, '3']);
    assert.equal(node.socket.of('RPC_REQUEST')[0].streams, false);
    assert.equal(node.socket.of('STREAM_CREDIT').length, 0);
  });

  test('a batched stream of bytes comes as arrays of byte values and is iterated as Uint8Arrays', async () => {
    const { node, client } = setup(withoutStreams);
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'RPC_RESPONSE', callId: f.callId, result: enc('[[1,2],[],[255]]') }));
    const got = [];
    for await (const block of client.stream('files.read', ['a'], { items: 'bytes' })) got.push(block);
    assert.deepEqual(got, [new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([255])]);
    node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'RPC_RESPONSE', callId: f.callId, result: enc('[[1,256]]') }));
    await rejectsWithCode(client.stream('files.read', ['a'], { items: 'bytes' })[Symbol.asyncIterator]().next(),
      ErrorCode.PROTOCOL_ERROR);
  });

  test('a call made with STREAMS may be answered with an array: it is iterated too', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'RPC_RESPONSE', callId: f.callId, result: enc('["x","y"]') }));
    const got = [];
    for await (const item of client.stream('old.method', [])) got.push(item);
    assert.deepEqual(got, ['x', 'y']);
    assert.equal(node.socket.of('RPC_REQUEST')[0].streams, true);
  });

  test('a result that is one value, not an array, is not a stream: PROTOCOL_ERROR', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'RPC_RESPONSE', callId: f.callId, result: enc('42') }));
    await rejectsWithCode(client.stream('s.m', [])[Symbol.asyncIterator]().next(), ErrorCode.PROTOCOL_ERROR);
  });

  test('a node without STREAMS: a streamed parameter is collected and sent as one JSON array', async () => {
    const { node, client } = setup(withoutStreams);
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'RPC_RESPONSE', callId: f.callId, result: enc('"stored"') }));
    const source = recordedSource([new Uint8Array([1, 2, 3]), { k: 1 }, 'x']);
    assert.equal(await client.call('store.put', ['name', streamOf(source.iterable)]), 'stored');
    const request = node.socket.of('RPC_REQUEST')[0];
    assert.equal(request.streams, false);
    assert.equal(dec(request.params), '["name",[[1,2,3],{"k":1},"x"]]');
    assert.equal(node.socket.of('STREAM_DATA').length, 0);
  });

  test('STREAMING_UNAVAILABLE: the call is made again without STREAMS, with the items as an array', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => {
      if (f.streams) {
        ws.deliver({ type: 'RPC_ERROR', callId: f.callId, code: -503, message: 'streaming is not available', details: '' });
      } else {
        ws.deliver({ type: 'RPC_RESPONSE', callId: f.callId, result: enc(String(JSON.parse(dec(f.params)).blocks.length)) });
      }
    });
    const source = recordedSource(['a', 'b', 'c']);
    assert.equal(await client.call('store.put', { name: 'n', blocks: streamOf(source.iterable) }), 3);
    const [first, second] = node.socket.of('RPC_REQUEST');
    assert.deepEqual([first.streams, dec(first.params)], [true, '{"name":"n"}']);
    assert.deepEqual([second.streams, dec(second.params)], [false, '{"name":"n","blocks":["a","b","c"]}']);
    assert.notEqual(first.callId, second.callId);
  });

  test('a batch that does not fit in maxFrameSize fails before anything is sent, and the source is stopped', async () => {
    const { node, client } = setup({ ...withoutStreams, maxFrameSize: 300 });
    await client.connect();
    const endless = { stopped: false };
    endless.iterable = (function* forever() {
      try {
        for (let i = 0; ; i++) yield `item number ${i}`;
      } finally {
        endless.stopped = true;
      }
    }());
    await assert.rejects(client.call('store.put', [streamOf(endless.iterable)]),
      (e) => e.code === ErrorCode.MESSAGE_TOO_LARGE && /maxFrameSize of 300 bytes/.test(e.message));
    assert.equal(endless.stopped, true);
    // Text of 2-byte characters passes the count of characters but not the count of bytes.
    await rejectsWithCode(client.call('store.put', [streamOf(['é'.repeat(80), 'é'.repeat(80)])]), ErrorCode.MESSAGE_TOO_LARGE);
    assert.equal(node.all('RPC_REQUEST').length, 0);
  });
});

describe('streams and the connection', { timeout: 30_000 }, () => {
  test('a reconnect to a new session ends a result stream with CONNECTION_INTERRUPTED after the items that came', async () => {
    const { node, clock, client, nextEvent } = await serverStream(jsonItems([1, 2, 3, 4]), { answer: false });
    node.on('STREAM_CREDIT', (ws, f) => {
      if (f.credit !== 2) return;
      ws.deliver({ type: 'STREAM_DATA', last: false, streamId: 2n, item: enc('1') });
      ws.deliver({ type: 'STREAM_DATA', last: false, streamId: 2n, item: enc('2') });
      node.tokens.clear(); // the session cannot be resumed (resumption: resume.test.js)
      ws.drop();
    });
    const got = [];
    const loop = (async () => {
      for await (const item of client.stream('s.m', [], { highWaterMark: 2 })) got.push(item);
    })();
    const failed = rejectsWithCode(loop, ErrorCode.CONNECTION_INTERRUPTED);
    await nextEvent('disconnected');
    await clock.advance(100);
    await nextEvent('reconnected');
    await failed;
    assert.deepEqual(got, [1, 2]);
    // Nothing is resumed: no STREAM_RESUME, and frames of the old stream are dropped.
    assert.equal(node.socket.of('STREAM_RESUME').length, 0);
    node.socket.deliver({ type: 'STREAM_DATA', last: false, streamId: 2n, item: enc('3') });
    await settle();
    assert.equal(node.socket.of('STREAM_ERROR').length, 0);
  });

  test('a broken connection without reconnecting fails a call sending a stream with CONNECTION_INTERRUPTED and stops its source', async () => {
    const { node, client } = await clientStream({ highWaterMark: 2, consume: () => {}, clientOptions: { reconnect: false } });
    const source = recordedSource(Array.from({ length: 10 }, (_, i) => i));
    const call = client.call('sink.take', [streamOf(source.iterable)]);
    await node.waitFor('STREAM_DATA', 2);
    node.socket.drop();
    await rejectsWithCode(call, ErrorCode.CONNECTION_INTERRUPTED);
    await settle();
    assert.equal(source.stopped, true);
  });

  test('the streaming feature goes away mid-stream: the stream fails, and the next call is a batch', async () => {
    const { node, client, nextEvent } = await serverStream(jsonItems([1, 2, 3, 4]), { answer: false });
    node.on('STREAM_CREDIT', (ws, f) => {
      ws.deliver({ type: 'STREAM_DATA', last: false, streamId: f.streamId, item: enc('1') });
      ws.deliver({ type: 'CAPABILITY_CHANGE', capabilities: 0xffn & ~Capability.STREAMS });
      ws.deliver({ type: 'STREAM_ERROR', streamId: f.streamId, code: -106, message: 'streams are not available now' });
      ws.deliver({ type: 'RPC_ERROR', callId: 1n, code: -106, message: 'streams are not available now', details: '' });
    });
    const got = [];
    await rejectsWithCode((async () => {
      for await (const item of client.stream('s.m', [])) got.push(item);
    })(), ErrorCode.CAPABILITY_UNAVAILABLE);
    assert.deepEqual(got, [1]);
    await nextEvent('capabilitiesChanged');
    node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'RPC_RESPONSE', callId: f.callId, result: enc('[5,6]') }));
    const again = [];
    for await (const item of client.stream('s.m', [])) again.push(item);
    assert.deepEqual(again, [5, 6]);
    assert.deepEqual(node.socket.of('RPC_REQUEST').map((r) => r.streams), [true, false]);
  });

  test('close() while a streamed parameter is being sent fails the call with CONNECTION_LOST', async () => {
    const { node, client } = await clientStream({ highWaterMark: 2, consume: () => {} });
    node.on('CLOSE', () => {}); // no CLOSE_ACK: the client closes after its timeout
    const source = recordedSource(Array.from({ length: 10 }, (_, i) => i));
    const call = client.call('sink.take', [streamOf(source.iterable)]);
    await node.waitFor('STREAM_DATA', 2);
    const closed = client.close();
    node.socket.deliver({ type: 'STREAM_CREDIT', streamId: 2n, credit: 1 }); // the next item meets a closing connection
    await rejectsWithCode(call, ErrorCode.CONNECTION_LOST);
    await settle();
    assert.equal(source.stopped, true);
    assert.equal(node.socket.of('STREAM_DATA').length, 2);
    void closed;
  });

  test('while the node has paused the client, credit still goes back but the client\'s items wait for RESUME', async () => {
    const { node, client, nextEvent, sender } = await serverStream(jsonItems([1, 2, 3, 4, 5, 6]), { answer: false });
    const iterator = client.stream('s.m', [], { highWaterMark: 2 })[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value, 1);
    node.socket.deliver({ type: 'PAUSE' });
    await nextEvent('paused');
    assert.equal((await iterator.next()).value, 2);
    assert.equal((await iterator.next()).value, 3); // 1 and 2 consumed: half of 2, returned during the pause
    assert.deepEqual(sender().grants, [2, 1, 1]);

    const { node: node2, client: client2, nextEvent: nextEvent2 } = setup();
    await client2.connect();
    node2.on('RPC_REQUEST', (ws, f) => {
      ws.deliver({ type: 'PAUSE' });
      ws.deliver({ type: 'STREAM_OPEN', streamId: 2n, callId: f.callId, direction: 2, creditMode: 0, initialCredit: 4,
        metadata: '' });
    });
    const call = client2.call('sink.take', [streamOf([1, 2, 3])]);
    await nextEvent2('paused');
    await settle(20);
    assert.equal(node2.socket.of('STREAM_DATA').length, 0); // work frames wait for RESUME
    node2.socket.deliver({ type: 'RESUME' });
    await node2.waitFor('STREAM_END');
    assert.equal(node2.socket.of('STREAM_DATA').length, 3);
    node2.socket.deliver({ type: 'RPC_RESPONSE', callId: 1n, result: enc('3') });
    assert.equal(await call, 3);
  });

  test('STREAM_* frames of unknown streams are dropped, not passed on as frame events', async () => {
    const { node, client, named } = setup();
    await client.connect();
    for (const frame of [{ type: 'STREAM_DATA', last: false, streamId: 8n, item: enc('1') },
      { type: 'STREAM_CREDIT', streamId: 8n, credit: 1 }, { type: 'STREAM_END', streamId: 8n },
      { type: 'STREAM_CANCEL', streamId: 8n }, { type: 'STREAM_ERROR', streamId: 8n, code: -502, message: 'x' }]) {
      node.socket.deliver(frame);
    }
    await settle();
    assert.equal(named('frame').length, 0);
    assert.equal(node.socket.of('ERROR').length, 0);
  });
});

describe('custom credit mode', { timeout: 30_000 }, () => {
  const double = (bytes) => bytes.length * 2;

  test('the size function named in STREAM_OPEN prices every item, and a cost below 1 counts as 1', async () => {
    const items = jsonItems(['ab', 'cdef', 'g', 'hi']);
    const { client, sender } = await serverStream(items, { creditMode: 2, metadata: '{"sizeFunction":"double"}',
      cost: double, clientOptions: { sizeFunctions: { double, free: () => 0 } } });
    const got = [];
    for await (const item of client.stream('s.m', [], { highWaterMark: { custom: 24 } })) got.push(item);
    assert.deepEqual(got, ['ab', 'cdef', 'g', 'hi']);
    assert.equal(sender().grants[0], 24);
    assert.deepEqual(sender().violations, []);
    assert.ok(sender().allPaidBack);

    const free = await serverStream(jsonItems([1, 2, 3, 4, 5, 6]), { creditMode: 2, metadata: '{"sizeFunction":"free"}',
      cost: () => 1, clientOptions: { sizeFunctions: new Map([['free', () => 0]]) } });
    const iterator = free.client.stream('s.m', [], { highWaterMark: 4 })[Symbol.asyncIterator]();
    await iterator.next();
    await settle(20);
    assert.equal(free.sender().sent, 4); // each item counted as 1
  });

  test('a client stream in custom mode is priced by the same function', async () => {
    const { client, receiver } = await clientStream({ creditMode: 2, metadata: '{"sizeFunction":"double"}', cost: double,
      highWaterMark: 20, consume: (r) => r.consume(1), clientOptions: { sizeFunctions: { double } } });
    assert.equal(await client.call('sink.take', [streamOf(['a', 'bb', 'ccc', 'dd'])]), 4);
    assert.deepEqual(receiver().violations, []);
  });

  for (const [what, metadata, named] of [['an unknown name', '{"sizeFunction":"nope"}', /'nope'/],
    ['no name', '', /needs a size function/], ['a name only Object.prototype has', '{"sizeFunction":"toString"}', /'toString'/]]) {
    test(`${what}: STREAM_ERROR UNKNOWN_SIZE_FUNCTION, and the loop throws it`, async () => {
      const { node, client } = await serverStream(jsonItems([1]), { creditMode: 2, metadata, answer: false,
        clientOptions: { sizeFunctions: { double } } });
      node.on('STREAM_ERROR', (ws, f) => ws.deliver({ type: 'RPC_ERROR', callId: 1n, code: f.code, message: f.message,
        details: '' }));
      await assert.rejects(client.stream('s.m', [])[Symbol.asyncIterator]().next(),
        (e) => e.code === ErrorCode.UNKNOWN_SIZE_FUNCTION && named.test(e.message));
      const [error] = node.socket.of('STREAM_ERROR');
      assert.equal(error.code, ErrorCode.UNKNOWN_SIZE_FUNCTION);
      assert.match(error.message, named);
      assert.equal(node.socket.of('STREAM_CREDIT').length, 0);
    });
  }

  test('a size function that throws ends the stream with STREAM_FAILED, in the protocol\'s words', async () => {
    const broken = () => {
      throw new Error('index out of bounds in my parser');
    };
    const { node, client } = await serverStream(jsonItems([1, 2]), { creditMode: 2, metadata: '{"sizeFunction":"broken"}',
      answer: false, clientOptions: { sizeFunctions: { broken } } });
    await assert.rejects(client.stream('s.m', [])[Symbol.asyncIterator]().next(),
      (e) => e.code === ErrorCode.STREAM_FAILED && e.cause.message === 'index out of bounds in my parser');
    const [error] = node.socket.of('STREAM_ERROR');
    assert.equal(error.code, ErrorCode.STREAM_FAILED);
    assert.equal(error.message, 'size function \'broken\' failed on an item');
  });

  test('size functions must be functions', () => {
    assert.throws(() => setup({}, { sizeFunctions: { double: 2 } }), TypeError);
  });
});
