// Streams between a page in headless Chromium and the node, for BrowserStreamTest: the page loads
// the browser client the node serves, connects over WebSocket and runs a server stream, a client
// stream, a bidirectional stream, streams of bytes each way and an endless stream it leaves early. A tap on the page's
// WebSocket decodes every frame both ways and checks each stream's credit as it goes, so the
// test sees the protocol, not only the client's view of it.
//
// Settings come from the environment (see BrowserStreamTest). After leaving the endless stream,
// and once the node has answered that call, the script prints "LEFT_FOREVER" and waits for one
// line on standard input (the test has checked the node released the producer) before it
// closes the client. Its last line is "RESULT <json>"; it exits 1 on any failure.

import { env, logger, open, run, watch } from './harness.mjs';
import { createInterface } from 'node:readline';


const pageUrl = env('STREAM_PAGE_URL');
const settings = {
  wsUrl: env('STREAM_WS_URL'),
  user: env('STREAM_USER'),
  password: env('STREAM_PASSWORD'),
  count: Number(env('STREAM_COUNT')),
  highWaterMark: Number(env('STREAM_HIGH_WATER_MARK')),
  sumOf: Number(env('STREAM_SUM_OF')),
  shoutLines: Number(env('STREAM_SHOUT_LINES')),
  foreverItems: Number(env('STREAM_FOREVER_ITEMS')),
  blocks: Number(env('STREAM_BLOCKS')),
  blockSize: Number(env('STREAM_BLOCK_SIZE')),
  waitMs: Number(process.env.STREAM_WAIT_MS ?? 30000),
};

const log = logger('stream');

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function nextInputLine() {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no word from the test within ${settings.waitMs} ms`)), settings.waitMs);
  });
  try {
    const { value, done } = await Promise.race([stdinLines.next(), timeout]);
    if (done) throw new Error('the test closed standard input');
    return value;
  } finally {
    clearTimeout(timer);
  }
}

// Runs in the page. Everything it needs comes in `s`; what it finds goes back as plain JSON.
async function streamInPage(s) {
  const { AldisClient, streamOf, decodeFrame, splitFrames, errorName } = await import('/aldis.js');

  // ---- the tap: per call and per stream, what went over the WebSocket, checked against credit
  const calls = new Map(); // callId -> {method, streams, answer, stream}
  const streams = new Map(); // streamId -> the record in its call
  const answered = new Map(); // callId -> resolve, for callers waiting on an answer
  const violations = [];
  const key = (id) => String(id);

  const sum = (list) => list.reduce((a, b) => a + b, 0);
  // 6.4.3: one per item in items mode, the byte length (at least 1) in bytes mode.
  const cost = (stream, item) => (stream.creditMode === 1 ? Math.max(1, item.length) : 1);
  const inbound = (frame) => {
    const stream = frame.streamId !== undefined ? streams.get(key(frame.streamId)) : undefined;
    switch (frame.type) {
      case 'STREAM_OPEN': {
        const call = calls.get(key(frame.callId));
        const record = { id: key(frame.streamId), direction: Number(frame.direction),
          creditMode: Number(frame.creditMode), initialCredit: frame.initialCredit, grantsToNode: [],
          grantsFromNode: [], itemsFromNode: 0, itemsToNode: 0, costFromNode: 0, costToNode: 0,
          bytesFromNode: 0, bytesToNode: 0, endFromNode: false, endToNode: false,
          cancelToNode: false, errorFromNode: null };
        if (call) call.stream = record;
        else violations.push(`STREAM_OPEN ${record.id} for call ${key(frame.callId)}, which the page did not make`);
        streams.set(record.id, record);
        break;
      }
      case 'STREAM_DATA':
        if (!stream) break; // may have crossed a cancel: dropped by the receiver, as 6.4.5 says
        stream.itemsFromNode += 1;
        stream.bytesFromNode += frame.item.length;
        stream.costFromNode += cost(stream, frame.item);
        if (stream.costFromNode > sum(stream.grantsToNode)) {
          violations.push(`stream ${stream.id}: the node sent item ${stream.itemsFromNode}, reaching a cost of `
            + `${stream.costFromNode} with only ${sum(stream.grantsToNode)} granted`);
        }
        if (frame.last) stream.endFromNode = true;
        break;
      case 'STREAM_CREDIT':
        if (stream) stream.grantsFromNode.push(frame.credit);
        break;
      case 'STREAM_END':
        if (stream) stream.endFromNode = true;
        break;
      case 'STREAM_ERROR':
        if (stream) stream.errorFromNode = { code: frame.code, message: frame.message };
        break;
      case 'RPC_RESPONSE':
      case 'RPC_ERROR': {
        const call = calls.get(key(frame.callId));
        if (!call) break;
        call.answer = frame.type === 'RPC_RESPONSE' ? { type: frame.type }
          : { type: frame.type, code: frame.code, codeName: errorName(frame.code), message: frame.message };
        answered.get(key(frame.callId))?.();
        break;
      }
      default:
    }
  };
  const outbound = (frame) => {
    const stream = frame.streamId !== undefined ? streams.get(key(frame.streamId)) : undefined;
    switch (frame.type) {
      case 'RPC_REQUEST':
        calls.set(key(frame.callId), { method: frame.method, streams: frame.streams, answer: null, stream: null,
          cancelled: false });
        break;
      case 'RPC_CANCEL': {
        const call = calls.get(key(frame.callId));
        if (call) call.cancelled = true;
        break;
      }
      case 'STREAM_CREDIT':
        if (!stream) break;
        stream.grantsToNode.push(frame.credit);
        if (sum(stream.grantsToNode) - stream.costFromNode > stream.grantsToNode[0]) {
          violations.push(`stream ${stream.id}: the page granted ${sum(stream.grantsToNode)} with only `
            + `${stream.costFromNode} received, above its high-water mark ${stream.grantsToNode[0]}`);
        }
        break;
      case 'STREAM_DATA':
        if (!stream) break;
        stream.itemsToNode += 1;
        stream.bytesToNode += frame.item.length;
        stream.costToNode += cost(stream, frame.item);
        if (stream.costToNode > stream.initialCredit + sum(stream.grantsFromNode)) {
          violations.push(`stream ${stream.id}: the page sent item ${stream.itemsToNode}, reaching a cost of `
            + `${stream.costToNode} with only ${stream.initialCredit + sum(stream.grantsFromNode)} granted`);
        }
        if (frame.last) stream.endToNode = true;
        break;
      case 'STREAM_END':
        if (stream) stream.endToNode = true;
        break;
      case 'STREAM_CANCEL':
        if (stream) stream.cancelToNode = true;
        break;
      default:
    }
  };
  // A message holds several frames behind length prefixes under aldis.v1.batch (docs/protocol.md 2.2).
  const decode = (socket, data, direction) => {
    try {
      const bytes = new Uint8Array(data);
      return socket.protocol === 'aldis.v1.batch' ? splitFrames(bytes).map((frame) => decodeFrame(frame))
        : [decodeFrame(bytes)];
    } catch (e) {
      violations.push(`a message ${direction} could not be decoded: ${e.message}`);
      return [];
    }
  };
  let socket;
  class TappedWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      socket = this;
      this.addEventListener('message', (event) => {
        for (const frame of decode(this, event.data, 'from the node')) inbound(frame);
      });
    }

    send(data) {
      for (const frame of decode(this, data, 'to the node')) outbound(frame);
      super.send(data);
    }
  }

  const callOf = (method) => [...calls.entries()].filter(([, call]) => call.method === method)
    .map(([callId, call]) => ({ callId, ...call }));
  const report = (method) => callOf(method).map(({ callId, ...call }) => call);
  const failure = (e) => ({ code: e.code ?? null, codeName: e.codeName ?? null, message: String(e.message ?? e) });

  const client = new AldisClient({ url: s.wsUrl, user: s.user, password: s.password, WebSocket: TappedWebSocket,
    reconnect: false, clientName: 'browser-stream-test' });
  window.aldisStreamTest = client;
  const session = await client.connect();
  const result = { streamsAvailable: client.streamsAvailable, resumed: session.resumed, subprotocol: socket.protocol };

  // 1. A server stream, far longer than the high-water mark.
  const counted = [];
  try {
    for await (const n of client.stream('streams.count', [s.count], { highWaterMark: s.highWaterMark })) {
      counted.push(n);
    }
  } catch (e) {
    result.countFailure = failure(e);
  }
  result.count = { items: counted };

  // 2. A client stream from an async generator, summed by the service.
  async function* numbers() {
    for (let i = 1; i <= s.sumOf; i++) yield i;
  }
  try {
    result.sum = { value: await client.call('streams.sum', [streamOf(numbers())], { timeoutMs: s.waitMs }) };
  } catch (e) {
    result.sum = { failure: failure(e) };
  }

  // 3. Both ways: each line goes up, comes back in upper case.
  const lines = Array.from({ length: s.shoutLines }, (_, i) => `line ${i} from the page`);
  const shouted = [];
  try {
    for await (const line of client.stream('streams.shout', [streamOf(lines)], { highWaterMark: s.highWaterMark })) {
      shouted.push(line);
    }
  } catch (e) {
    result.shoutFailure = failure(e);
  }
  result.shout = { sent: lines, items: shouted };

  // 4. Bytes both ways: blocks come as Uint8Arrays; blocks go as raw items in bytes credit mode.
  const blocks = [];
  try {
    for await (const block of client.stream('streams.blocks', [s.blocks, s.blockSize], { items: 'bytes' })) {
      blocks.push({ length: block.length, filledWith: block.every((b) => b === block[0]) ? block[0] : null });
    }
  } catch (e) {
    result.blocksFailure = failure(e);
  }
  result.blocks = { items: blocks };
  async function* uploads() {
    for (let i = 0; i < s.blocks; i++) yield new Uint8Array(s.blockSize).fill(i);
  }
  try {
    const stored = await client.call('streams.store', ['upload', streamOf(uploads())], { timeoutMs: s.waitMs });
    result.store = { value: stored };
  } catch (e) {
    result.store = { failure: failure(e) };
  }

  // 5. An endless stream left early; then the node's answer to that call, which comes once it
  //    has stopped the stream.
  let forever = 0;
  try {
    for await (const line of client.stream('streams.forever', ['tick'], { highWaterMark: s.highWaterMark })) {
      if (line !== 'tick') throw new Error(`forever sent ${JSON.stringify(line)}`);
      forever += 1;
      if (forever === s.foreverItems) break;
    }
  } catch (e) {
    result.foreverFailure = failure(e);
  }
  const [foreverCall] = callOf('streams.forever');
  if (foreverCall && !foreverCall.answer) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the node did not answer streams.forever within ${s.waitMs} ms`)),
        s.waitMs);
      answered.set(foreverCall.callId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  result.forever = { items: forever };
  // The records of the calls last, so that they hold every frame of each, also those that came
  // after its loop ended or its answer (a final STREAM_CREDIT).
  for (const part of ['count', 'sum', 'shout', 'blocks', 'store', 'forever']) {
    result[part].calls = report(`streams.${part}`);
  }
  result.violations = violations;
  return result;
}

await run('stream', async (browser) => {
  const page = await browser.newPage();
  watch(page, log);
  // The page the node serves gives the origin the client's modules are imported from.
  await open(page, pageUrl);
  const result = await page.evaluate(streamInPage, settings);
  log(`streams done: ${result.count.items.length} counted, sum ${JSON.stringify(result.sum.value)}, `
    + `${result.shout.items.length} shouted, ${result.blocks.items.length} blocks down, `
    + `${JSON.stringify(result.store.value)} bytes up, left forever after ${result.forever.items}`);
  console.log('LEFT_FOREVER');
  log(`the test says: ${await nextInputLine()}`);
  await page.evaluate(() => window.aldisStreamTest.close());
  return result;
});
