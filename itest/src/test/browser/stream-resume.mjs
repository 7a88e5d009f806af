// Streams across broken connections, for BrowserStreamResumeTest: the page loads the browser
// client through a TCP proxy the test cuts, and runs a long streamed result (streams.count) and
// then a long bidirectional stream (streams.shout, its lines from an async generator), while the
// client reconnects with its resume token and resumes them (docs/protocol.md 6.4.7).
//
// At each of STREAM_CUTS points of each stream the page prints "CUT <i> at item <n>" and goes on;
// the test cuts the proxy when it reads the line. So that every cut falls inside the stream
// whatever the speeds, the page waits for the i-th disconnect once it is STREAM_MARGIN items past
// the i-th point; at the first cut of each stream it stops at the point itself until it has
// reconnected, so that it holds items it has not taken when the client resumes the stream. A tap on the page's WebSocket records the STREAM_RESUMEs each way and counts the
// items each way. The last line is "RESULT <json>"; the script exits 1 on any failure.

import { env, logger, open, run, watch } from './harness.mjs';

const pageUrl = env('STREAM_PAGE_URL');
const settings = {
  wsUrl: env('STREAM_WS_URL'),
  user: env('STREAM_USER'),
  password: env('STREAM_PASSWORD'),
  count: Number(env('STREAM_COUNT')),
  highWaterMark: Number(env('STREAM_HIGH_WATER_MARK')),
  shoutLines: Number(env('STREAM_SHOUT_LINES')),
  cuts: Number(env('STREAM_CUTS')),
  margin: Number(env('STREAM_MARGIN')),
  waitMs: Number(env('STREAM_WAIT_MS')),
};

const log = logger('resume');

// Runs in the page. Everything it needs comes in `s`; what it finds goes back as plain JSON.
async function resumeInPage(s) {
  const { AldisClient, decodeFrame, splitFrames, streamOf } = await import('/aldis.js');
  /** The frames of one message: several behind length prefixes under aldis.v1.batch (docs/protocol.md 2.2). */
  const framesOf = (socket, data) => (socket.protocol === 'aldis.v1.batch'
    ? splitFrames(new Uint8Array(data)).map((bytes) => decodeFrame(bytes)) : [decodeFrame(new Uint8Array(data))]);

  const tap = { connections: 0, itemsFromNode: 0, itemsToNode: 0, resumesToNode: [], resumesFromNode: [],
    streamErrorsFromNode: [] };
  const resumeOf = (frame) => ({ streamId: String(frame.streamId), receiving: frame.receiving, ended: frame.ended,
    received: Number(frame.received), credit: frame.credit });
  // The first frames each way on every connection, printed by the script, to tell where a stream stalls.
  const describe = (frame) => (frame.type === 'STREAM_DATA' ? `STREAM_DATA ${new TextDecoder().decode(frame.item)}`
    : `${frame.type}${frame.code ? ` ${frame.code} ${frame.message}` : ''}${frame.received !== undefined ? ` received ${frame.received}` : ''}${frame.credit !== undefined ? ` credit ${frame.credit}` : ''}`);
  class TappedWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      tap.connections += 1;
      this.connection = tap.connections;
      this.shown = 0;
      this.addEventListener('message', (event) => {
        for (const frame of framesOf(this, event.data)) {
          this.show('from the node', frame);
          if (frame.type === 'STREAM_DATA') tap.itemsFromNode += 1;
          if (frame.type === 'STREAM_RESUME') tap.resumesFromNode.push(resumeOf(frame));
          if (frame.type === 'STREAM_ERROR') tap.streamErrorsFromNode.push({ code: frame.code, message: frame.message });
        }
      });
    }

    show(direction, frame) {
      if (this.connection > 1 && this.shown < 12) {
        this.shown += 1;
        window.note(`connection ${this.connection}, ${direction}: ${describe(frame)}`);
      }
    }

    send(data) {
      for (const frame of framesOf(this, data)) {
        this.show('to the node', frame);
        if (frame.type === 'STREAM_DATA') tap.itemsToNode += 1;
        if (frame.type === 'STREAM_RESUME') tap.resumesToNode.push(resumeOf(frame));
      }
      super.send(data);
    }
  }

  const client = new AldisClient({ url: s.wsUrl, user: s.user, password: s.password, WebSocket: TappedWebSocket,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, maxAttempts: 50, jitter: 0 }, clientName: 'browser-resume-test' });
  const reconnects = [];
  let disconnects = 0;
  let onEvent = () => {};
  client.on('disconnected', ({ reason }) => {
    disconnects += 1;
    window.note(`disconnected: ${reason.message}`);
    onEvent();
  });
  client.on('reconnecting', ({ attempt }) => window.note(`reconnecting, attempt ${attempt}`));
  client.on('reconnected', ({ session }) => {
    window.note(`reconnected, resumed: ${session.resumed}`);
    reconnects.push({ resumed: session.resumed });
    onEvent();
  });
  await client.connect();

  // Waits until `count()` reaches n: the n-th disconnect, or the n-th reconnect.
  const until = (what, count, n) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} #${n} within ${s.waitMs} ms`)), s.waitMs);
    onEvent = () => {
      if (count() >= n) {
        clearTimeout(timer);
        resolve();
      }
    };
    onEvent();
  });

  // One phase's cuts, numbered on from the cuts before it: after `n` items of `count`, the page
  // asks for the next cut at each of s.cuts points, and waits for it s.margin items later. At the
  // first cut of a phase it stops taking items at once until the session is back, so that it
  // holds items it has not taken when the client resumes the stream.
  let cuts = 0;
  const phase = (count) => {
    const first = cuts;
    const points = Array.from({ length: s.cuts }, (_, i) => Math.floor((count * (i + 1)) / (s.cuts + 1)));
    return async (n) => {
      if (cuts - first < s.cuts && n === points[cuts - first]) {
        cuts += 1;
        window.reportCut(cuts, n);
      }
      const done = cuts - first;
      if (done === 1 && n === points[0]) {
        await until('reconnect', () => reconnects.length, cuts);
      } else if (done > 0 && n === points[done - 1] + s.margin && disconnects < cuts) {
        await until('disconnect', () => disconnects, cuts);
      }
    };
  };
  const failure = (e) => ({ code: e.code ?? null, codeName: e.codeName ?? null, message: String(e.message ?? e) });

  // 1. A streamed result: item i is the number i.
  const result = { items: 0, misplaced: [] };
  const countCuts = phase(s.count);
  try {
    for await (const n of client.stream('streams.count', [s.count], { highWaterMark: s.highWaterMark })) {
      if (n !== result.items && result.misplaced.length < 20) result.misplaced.push({ at: result.items, got: n });
      result.items += 1;
      await countCuts(result.items);
    }
  } catch (e) {
    result.failure = failure(e);
  }

  // 2. Both ways: the page's lines go up from a generator read only as credit allows, and come
  //    back in upper case; line i must come back as the i-th item.
  async function* lines() {
    for (let i = 0; i < s.shoutLines; i++) yield `line ${i}`;
  }
  result.shout = { items: 0, misplaced: [] };
  const shoutCuts = phase(s.shoutLines);
  try {
    for await (const line of client.stream('streams.shout', [streamOf(lines())], { highWaterMark: s.highWaterMark })) {
      const expected = `LINE ${result.shout.items}`;
      if (line !== expected && result.shout.misplaced.length < 20) result.shout.misplaced.push({ expected, got: line });
      result.shout.items += 1;
      await shoutCuts(result.shout.items);
    }
  } catch (e) {
    result.shout.failure = failure(e);
  }
  result.disconnects = disconnects;
  result.reconnects = reconnects;
  result.tap = tap;
  await client.close();
  return result;
}

await run('resume', async (browser) => {
  const page = await browser.newPage();
  watch(page, log);
  await page.exposeFunction('reportCut', (n, item) => console.log(`CUT ${n} at item ${item}`));
  await page.exposeFunction('note', (text) => log(text));
  // The page comes through the proxy too, so that the WebSocket's origin is the page's own.
  await open(page, pageUrl);
  const result = await page.evaluate(resumeInPage, settings);
  log(`${result.items} items counted, ${result.shout.items} shouted, ${result.disconnects} disconnects, `
    + `${result.tap.itemsFromNode} items from the node, ${result.tap.itemsToNode} to it`);
  return result;
});
