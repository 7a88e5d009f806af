// Streams across a broken connection (docs/protocol.md 6.4.7): the client keeps the calls that
// have a stream while it reconnects with its resume token, names each in a STREAM_RESUME once the
// session is resumed, and goes on where it stopped; otherwise those calls fail with
// CONNECTION_INTERRUPTED. The fake node plays the callee with the senders and receivers of callee.js.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, streamOf } from '../src/aldis.js';
import { ItemReceiver, jsonItems, ResultSender, seeded } from './callee.js';
import { settle } from './fake-node.js';
import { rejectsWithCode, setup } from './rig.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const range = (n) => Array.from({ length: n }, (_, i) => i);

/** The types of the frames the client sent on `ws` after its CONNECT. */
const sentAfterConnect = (ws) => ws.received.map((f) => f.type).slice(1);

/**
 * A connected client whose calls the fake node answers with a stream of `values`; the sender of
 * the items takes the caller's STREAM_RESUME on whatever socket it arrives. `onCredit(ws, frame,
 * sender)` runs after each STREAM_CREDIT has been applied, for a test to cut the connection.
 */
async function resultStream(values, { answer = true, onCredit = () => {} } = {}) {
  const rig = setup();
  await rig.client.connect();
  const senders = [];
  rig.node.on('RPC_REQUEST', (ws, f) => {
    const sender = new ResultSender(ws, { callId: f.callId, items: jsonItems(values), answer });
    senders.push(sender);
    sender.open();
  });
  rig.node.on('STREAM_CREDIT', (ws, f) => {
    if (ws.closed) return; // lost with the connection
    const sender = senders.find((s) => s.streamId === f.streamId);
    sender.onCredit(f);
    onCredit(ws, f, sender);
  });
  rig.node.on('STREAM_RESUME', (ws, f) => senders.find((s) => s.streamId === f.streamId).resume(ws, f));
  return { ...rig, sender: () => senders[0] };
}

/**
 * A connected client whose calls the fake node takes as a callee receiving the client's items
 * with high-water mark `highWaterMark`: `consume(receiver)` after each item, the answer (the
 * number of items) after STREAM_END. `onData(ws, frame, receiver)` runs first and may return
 * true to lose the item, as a cut connection does.
 */
async function parameterStream({ highWaterMark = 4, consume = (r) => r.consume(), onData = () => false } = {}) {
  const rig = setup();
  await rig.client.connect();
  const receivers = [];
  rig.node.on('RPC_REQUEST', (ws, f) => {
    const receiver = new ItemReceiver(ws, { highWaterMark });
    receiver.callId = f.callId;
    receivers.push(receiver);
    ws.deliver({ type: 'STREAM_OPEN', streamId: 2n, callId: f.callId, direction: 2, creditMode: 0,
      initialCredit: highWaterMark, metadata: '' });
  });
  rig.node.on('STREAM_DATA', (ws, f) => {
    const receiver = receivers.at(-1);
    if (ws.closed || onData(ws, f, receiver)) return;
    receiver.onData(f);
    consume(receiver);
  });
  rig.node.on('STREAM_END', (ws) => {
    if (ws.closed) return;
    const receiver = receivers.at(-1);
    answer(ws, receiver);
  });
  // The client names the stream; the callee answers with where it stands as a receiver (step 2).
  rig.node.on('STREAM_RESUME', (ws, f) => resumeReceiver(ws, receivers.find((r) => r.streamId === f.streamId)));
  return { ...rig, receiver: () => receivers.at(-1) };
}

/** The callee has the end of the caller's items: it consumes them all and answers with their number. */
function answer(ws, receiver) {
  receiver.onEnd();
  receiver.consume();
  receiver.answered = true;
  ws.deliver({ type: 'RPC_RESPONSE', callId: receiver.callId, result: enc(String(receiver.items.length)) });
}

/** The callee's STREAM_RESUME as a receiver; a callee that had answered answers again (6.4.7). */
function resumeReceiver(ws, receiver) {
  receiver.ws = ws;
  ws.deliver(receiver.resumeFrame());
  if (receiver.answered) {
    ws.deliver({ type: 'RPC_RESPONSE', callId: receiver.callId, result: enc(String(receiver.items.length)) });
  }
}


/** The n-th reconnect after a cut: the client's first attempt comes after its initial delay of 100 ms. */
async function reconnect({ clock, nextEvent }, n = 1) {
  await nextEvent('disconnected', n);
  await clock.advance(100);
  return nextEvent('reconnected', n);
}

describe('resumption of a streamed result', { timeout: 30_000 }, () => {
  test('STREAM_RESUME says what came and what is held; the node replays the rest and every item comes once, in order', async () => {
    const values = range(30);
    let cutDone = false;
    const rig = await resultStream(values, {
      onCredit: (ws, f, sender) => {
        // The first return after the first grant: the items it lets the node send are lost in the cut.
        if (sender.grants.length === 2 && !cutDone) {
          cutDone = true;
          ws.cut();
        }
      },
    });
    const { node, client } = rig;
    const iterator = client.stream('s.m', [], { highWaterMark: 4 })[Symbol.asyncIterator]();
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await iterator.next()).value);
    await rig.nextEvent('disconnected');
    // While the connection is down the items held stay with the application.
    got.push((await iterator.next()).value);
    assert.deepEqual(got, [0, 1, 2, 3]);

    await reconnect(rig);
    const resumed = node.socket;
    assert.equal(client.session.resumed, true);
    const resume = resumed.of('STREAM_RESUME');
    // Items 0 to 3 came; 3 is in the application's hands, so 1 of the 4 is held (step 1).
    assert.deepEqual(resume.map((f) => [f.streamId, f.receiving, f.received, f.credit, f.ended]),
      [[2n, true, 4n, 3, false]]);
    assert.equal(sentAfterConnect(resumed)[0], 'STREAM_RESUME', 'the first frame of the resumed session');

    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      got.push(step.value);
    }
    assert.deepEqual(got, values);
    assert.deepEqual(rig.sender().violations, []);
    assert.ok(rig.sender().allPaidBack, 'the final return gives the node its whole window back');
    assert.equal(rig.named('frame').length, 0);
  });

  test('the end came but not the answer: STREAM_RESUME says ENDED, and the final return waits for the answer sent again', async () => {
    const rig = await resultStream(['a', 'b', 'c'], { answer: false });
    const { node, client } = rig;
    node.on('STREAM_CREDIT', (ws, f) => {
      if (ws.closed) return;
      const sender = rig.sender();
      if (sender.grants.length === 0) {
        sender.onCredit(f); // every item and STREAM_END go out; the answer is lost with the connection
        ws.drop();
      } else {
        sender.onCredit(f);
      }
    });
    node.on('STREAM_RESUME', (ws, f) => {
      rig.sender().resume(ws, f);
      // The callee had answered: it answers again after the replay, once the caller consumed its items.
    });
    const iterator = client.stream('s.m', [], { highWaterMark: 4 })[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value, 'a');
    await reconnect(rig);
    const resumed = node.socket;
    assert.deepEqual(resumed.of('STREAM_RESUME').map((f) => [f.received, f.credit, f.ended]), [[3n, 1, true]]);
    const last = (async () => [(await iterator.next()).value, (await iterator.next()).value, await iterator.next()])();
    await settle(20);
    // 'a' and 'b' consumed make half of 4, returned at once; 'c' consumed is the final return (6.4.3 rule 5).
    assert.deepEqual(resumed.of('STREAM_CREDIT').map((f) => f.credit), [2], 'no final return before the answer');
    resumed.deliver({ type: 'RPC_RESPONSE', callId: rig.sender().callId, result: enc('null') });
    assert.deepEqual(await last, ['b', 'c', { value: undefined, done: true }]);
    await settle();
    assert.deepEqual(resumed.of('STREAM_CREDIT').map((f) => f.credit), [2, 1]);
    assert.ok(rig.sender().allPaidBack);
    assert.deepEqual(rig.sender().violations, []);
  });

  test('an answer for a call the client no longer has is dropped', async () => {
    const rig = await resultStream([1, 2]);
    const got = [];
    for await (const item of rig.client.stream('s.m', [])) got.push(item);
    assert.deepEqual(got, [1, 2]);
    const callId = rig.sender().callId;
    rig.node.socket.deliver({ type: 'RPC_RESPONSE', callId, result: enc('null') });
    rig.node.socket.deliver({ type: 'RPC_ERROR', callId, code: -403, message: 'cancelled', details: '' });
    await settle();
    assert.equal(rig.named('frame').length, 0);
    assert.equal(rig.named('error').length, 0);
  });

  test('STREAM_NOT_FOUND for a kept stream: the loop throws CONNECTION_INTERRUPTED after the items held', async () => {
    const rig = await resultStream(range(10), { answer: false });
    rig.node.on('STREAM_RESUME', (ws, f) => ws.deliver({ type: 'STREAM_ERROR', streamId: f.streamId, code: -500,
      message: 'stream 2 was not kept for this session' }));
    const iterator = rig.client.stream('s.m', [], { highWaterMark: 4 })[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value, 0);
    rig.node.socket.cut();
    await reconnect(rig);
    const got = [];
    await rejectsWithCode((async () => {
      for (;;) {
        const step = await iterator.next();
        if (step.done) return;
        got.push(step.value);
      }
    })(), ErrorCode.CONNECTION_INTERRUPTED);
    assert.deepEqual(got, [1, 2, 3]); // held before the break, each once
    // The call is gone: nothing more of its stream, and an answer for it is dropped.
    rig.node.socket.deliver({ type: 'STREAM_DATA', last: false, streamId: 2n, item: enc('4') });
    rig.node.socket.deliver({ type: 'RPC_ERROR', callId: rig.sender().callId, code: -406, message: 'x', details: '' });
    await settle();
    assert.equal(rig.node.socket.of('STREAM_ERROR').length, 0);
    assert.equal(rig.named('frame').length, 0);
  });

  test('a node that does not know STREAM_RESUME: ERROR UNKNOWN_FRAME_TYPE fails the kept call with CONNECTION_INTERRUPTED', async () => {
    const rig = await resultStream(range(10), { answer: false });
    rig.node.on('STREAM_RESUME', (ws) => ws.deliver({ type: 'ERROR', requestId: 0n, code: -103,
      message: 'unknown frame type 0x56', details: '' }));
    const iterator = rig.client.stream('s.m', [], { highWaterMark: 4 })[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value, 0);
    rig.node.socket.cut();
    await reconnect(rig);
    await rejectsWithCode((async () => {
      for (;;) if ((await iterator.next()).done) return;
    })(), ErrorCode.CONNECTION_INTERRUPTED);
    assert.equal(rig.named('error').length, 0);
    // Once no STREAM_RESUME waits, the same ERROR is the connection's, for the application to hear of.
    rig.node.socket.deliver({ type: 'ERROR', requestId: 0n, code: -103, message: 'unknown frame type 0x56', details: '' });
    await rig.nextEvent('error');
  });

  test('a reconnect that starts a new session fails the kept call with CONNECTION_INTERRUPTED, locally', async () => {
    const rig = await resultStream(range(10), { answer: false });
    const iterator = rig.client.stream('s.m', [], { highWaterMark: 4 })[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value, 0);
    rig.node.tokens.clear(); // the node forgot the token: the client logs in again
    rig.node.socket.cut();
    await reconnect(rig);
    assert.equal(rig.client.session.resumed, false);
    const got = [];
    await rejectsWithCode((async () => {
      for (;;) {
        const step = await iterator.next();
        if (step.done) return;
        got.push(step.value);
      }
    })(), ErrorCode.CONNECTION_INTERRUPTED);
    assert.deepEqual(got, [1, 2, 3]);
    assert.equal(rig.node.socket.of('STREAM_RESUME').length, 0);
    assert.equal(rig.node.socket.of('STREAM_CREDIT').length, 0);
  });

  test('giving up reconnecting fails the kept call with CONNECTION_INTERRUPTED', async () => {
    const rig = await resultStream(range(10), { answer: false });
    const iterator = rig.client.stream('s.m', [], { highWaterMark: 4 })[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value, 0);
    rig.node.refuse = true;
    rig.node.socket.cut();
    await rig.nextEvent('disconnected');
    await rig.clock.advance(100 + 200 + 400 + 400);
    await rig.nextEvent('reconnectFailed');
    await rejectsWithCode((async () => {
      for (;;) if ((await iterator.next()).done) return;
    })(), ErrorCode.CONNECTION_INTERRUPTED);
  });

  test('a call whose stream had not opened fails at the break; its deadline keeps running for a kept one', async () => {
    const rig = setup();
    await rig.client.connect();
    rig.node.on('RPC_REQUEST', (ws, f) => {
      // The first call gets its stream, the second does not yet.
      if (f.callId === 1n) new ResultSender(ws, { callId: f.callId, items: jsonItems(range(10)), answer: false }).open();
    });
    const kept = rig.client.stream('s.m', [], { highWaterMark: 4, timeoutMs: 1000 })[Symbol.asyncIterator]();
    const keptNext = kept.next();
    await rig.node.waitFor('STREAM_CREDIT');
    const notOpened = rig.client.stream('s.other', [])[Symbol.asyncIterator]();
    const notOpenedNext = notOpened.next();
    await rig.node.waitFor('RPC_REQUEST', 2);
    rig.node.refuse = true; // the reconnects fail while the deadline passes
    rig.node.socket.cut();
    await rejectsWithCode(notOpenedNext, ErrorCode.CONNECTION_INTERRUPTED);
    await rig.clock.advance(1000);
    await rejectsWithCode(keptNext, ErrorCode.DEADLINE_EXCEEDED);
    rig.node.refuse = false;
    await rig.clock.advance(400);
    await rig.nextEvent('reconnected');
    assert.equal(rig.node.socket.of('STREAM_RESUME').length, 0, 'a call that ended during the break is not resumed');
  });
});

describe('resumption of a streamed parameter', { timeout: 30_000 }, () => {
  test('STREAM_RESUME names the stream; on the callee\'s, exactly the items from `received` go again within its credit', async () => {
    let cutAt;
    let flowing = false;
    const rig = await parameterStream({
      highWaterMark: 4,
      consume: (r) => {
        if (flowing) r.consume();
        else if (r.received === 4) r.consume(2); // the callee consumes 2 of the first 4 and returns them
      },
      onData: (ws, f, receiver) => {
        if (receiver.received === 4 && cutAt === undefined) {
          cutAt = dec(f.item); // items 4 and 5, sent on that return, are lost in the cut
          ws.cut();
          return true;
        }
        return false;
      },
    });
    const call = rig.client.call('sink.take', [streamOf(range(20))]);
    await reconnect(rig);
    assert.equal(cutAt, '4');
    const resumed = rig.node.socket;
    const resume = resumed.of('STREAM_RESUME');
    assert.deepEqual(resume.map((f) => [f.streamId, f.receiving, f.received, f.credit, f.ended]), [[2n, false, 0n, 0, false]]);
    assert.equal(sentAfterConnect(resumed)[0], 'STREAM_RESUME');
    // The callee holds items 2 and 3: it resumes with received 4 and credit 2, so exactly 4 and 5 go again.
    await settle(20);
    const again = resumed.of('STREAM_DATA').map((f) => Number(dec(f.item)));
    assert.deepEqual(again, [4, 5]);
    // The callee consumes on; the rest follows within credit.
    flowing = true;
    rig.receiver().consume();
    assert.equal(await call, 20);
    assert.deepEqual(rig.receiver().items.map((item) => Number(dec(item))), range(20));
    assert.deepEqual(rig.receiver().violations, []);
    assert.equal(resumed.of('STREAM_END').length, 1);
  });

  test('a break while items go again: those not sent yet go after the ones the next resume asks for, in order', async () => {
    const rig = setup();
    await rig.client.connect();
    rig.node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'STREAM_OPEN', streamId: 2n, callId: f.callId, direction: 2,
      creditMode: 0, initialCredit: 4, metadata: '' }));
    // The callee got items 0 and 1 each time; the first resume lets one item through, the second two.
    const answers = [{ received: 2n, credit: 1 }, { received: 2n, credit: 2 }];
    rig.node.on('STREAM_RESUME', (ws, f) => ws.deliver({ type: 'STREAM_RESUME', streamId: f.streamId, receiving: true,
      ended: false, ...answers.shift() }));
    const call = rig.client.call('sink.take', [streamOf(range(10))]);
    call.catch(() => {}); // closed at the end, unanswered
    const itemsOn = (ws) => ws.of('STREAM_DATA').map((f) => Number(dec(f.item)));
    await rig.node.waitFor('STREAM_DATA', 4);
    rig.node.socket.cut();
    await reconnect(rig, 1);
    await settle(20);
    assert.deepEqual(itemsOn(rig.node.socket), [2]); // 3 waits for credit
    rig.node.socket.cut();
    await reconnect(rig, 2);
    await settle(20);
    assert.deepEqual(itemsOn(rig.node.socket), [2, 3]);
    await rig.client.close();
  });

  test('copies paid back are gone: a callee claiming fewer items than it paid back gets PROTOCOL_ERROR', async () => {
    const rig = await parameterStream({
      highWaterMark: 4,
      consume: (r) => {
        if (r.received === 4) r.consume(2);
      },
    });
    rig.node.on('STREAM_RESUME', (ws, f) => ws.deliver({ type: 'STREAM_RESUME', streamId: f.streamId, receiving: true,
      ended: false, received: 1n, credit: 4 }));
    const call = rig.client.call('sink.take', [streamOf(range(20))]);
    await rig.node.waitFor('STREAM_DATA', 6);
    rig.node.socket.cut();
    const failed = rejectsWithCode(call, ErrorCode.PROTOCOL_ERROR);
    await reconnect(rig);
    await failed;
    const error = rig.node.socket.of('STREAM_ERROR')[0];
    assert.equal(error.code, ErrorCode.PROTOCOL_ERROR);
    assert.match(error.message, /claims 1 items, but 2 were paid back and 6 sent/);
    assert.equal(rig.node.socket.of('STREAM_DATA').length, 0);
  });

  test('the items ended before the break and the callee did not see the end: STREAM_END goes again after the items', async () => {
    const rig = await parameterStream({
      highWaterMark: 8,
      consume: () => {},
    });
    rig.node.on('STREAM_END', () => {}); // lost in the cut
    const call = rig.client.call('sink.take', [streamOf([1, 2, 3])]);
    await rig.node.waitFor('STREAM_END');
    rig.node.socket.cut();
    rig.node.on('STREAM_END', (ws) => answer(ws, rig.receiver()));
    await reconnect(rig);
    assert.equal(await call, 3);
    assert.deepEqual(sentAfterConnect(rig.node.socket).filter((t) => t.startsWith('STREAM')), ['STREAM_RESUME', 'STREAM_END']);
  });

  test('a reconnect that starts a new session fails the call with CONNECTION_INTERRUPTED and stops its source', async () => {
    const rig = await parameterStream({ highWaterMark: 2, consume: () => {} });
    const stopped = { value: false };
    const source = (async function* items() {
      try {
        yield* range(10);
      } finally {
        stopped.value = true;
      }
    }());
    const call = rig.client.call('sink.take', [streamOf(source)]);
    await rig.node.waitFor('STREAM_DATA', 2);
    rig.node.tokens.clear();
    rig.node.socket.cut();
    const failed = rejectsWithCode(call, ErrorCode.CONNECTION_INTERRUPTED);
    await reconnect(rig);
    await failed;
    await settle();
    assert.equal(stopped.value, true);
    assert.equal(rig.node.socket.of('STREAM_RESUME').length + rig.node.socket.of('STREAM_DATA').length, 0);
  });
});

describe('resumption under repeated cuts', { timeout: 60_000 }, () => {
  test('a long stream each way, cut at seeded moments, delivers every item exactly once and in order', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const random = seeded(seed * 104729);
      const count = 300;
      const highWaterMark = 2 + Math.floor(random() * 10);
      const cutNow = () => random() < 0.04;
      let cuts = 0;
      const rig = setup();
      await rig.client.connect();
      const senders = [];
      const receivers = [];
      rig.node.on('RPC_REQUEST', (ws, f) => {
        if (f.method === 'down.items') {
          const sender = new ResultSender(ws, { callId: f.callId, items: jsonItems(range(count)) });
          senders.push(sender);
          sender.open();
        } else {
          const receiver = new ItemReceiver(ws, { streamId: 4n, highWaterMark });
          receiver.callId = f.callId;
          receivers.push(receiver);
          ws.deliver({ type: 'STREAM_OPEN', streamId: 4n, callId: f.callId, direction: 2, creditMode: 0,
            initialCredit: highWaterMark, metadata: '' });
        }
      });
      const maybeCut = (ws) => {
        if (!ws.closed && cutNow()) {
          cuts++;
          ws.cut();
        }
      };
      rig.node.on('STREAM_CREDIT', (ws, f) => {
        if (ws.closed) return;
        senders[0].onCredit(f);
        maybeCut(ws);
      });
      rig.node.on('STREAM_DATA', (ws, f) => {
        if (ws.closed) return;
        const receiver = receivers[0];
        receiver.onData(f);
        receiver.consume(Math.floor(random() * 3));
        maybeCut(ws);
      });
      rig.node.on('STREAM_END', (ws) => {
        if (!ws.closed) answer(ws, receivers[0]);
      });
      rig.node.on('STREAM_RESUME', (ws, f) => {
        if (f.streamId === 2n) senders[0].resume(ws, f);
        else resumeReceiver(ws, receivers[0]);
      });
      // Reconnects are driven by the clock; each new connection may be cut again.
      let reconnects = 0;
      const disconnects = () => rig.named('disconnected').length;
      const got = [];
      let answered = false;
      const down = (async () => {
        for await (const item of rig.client.stream('down.items', [], { highWaterMark })) {
          got.push(item);
          if (random() < 0.3) await settle(1);
        }
      })();
      const up = rig.client.call('up.items', [streamOf(range(count))]).finally(() => {
        answered = true;
      });
      let downDone = false;
      down.finally(() => {
        downDone = true;
      });
      while (!answered || !downDone) {
        await settle(1 + Math.floor(random() * 3));
        if (disconnects() > reconnects) {
          await rig.clock.advance(100);
          await rig.nextEvent('reconnected', ++reconnects);
        }
        // The callee's application takes an item now and then, as a slow consumer does.
        if (receivers[0] && !receivers[0].ws.closed) receivers[0].consume(1);
      }
      await down;
      assert.equal(await up, count, `seed ${seed}`);
      assert.deepEqual(got, range(count), `seed ${seed}: the items down`);
      assert.deepEqual(receivers[0].items.map((item) => Number(dec(item))), range(count), `seed ${seed}: the items up`);
      assert.deepEqual(senders[0].violations, [], `seed ${seed}`);
      assert.deepEqual(receivers[0].violations, [], `seed ${seed}`);
      assert.ok(cuts >= 3, `seed ${seed}: only ${cuts} cuts`);
      await rig.client.close();
    }
  });
});
