// The node's side of a streaming call, scripted on the fake node: a sender of result items that
// honours the client's credit and a receiver of the client's items that grants credit, each
// written from docs/protocol.md 6.4.3 alone and recording every rule the client breaks.

const enc = (s) => new TextEncoder().encode(s);

/** A seeded random source (mulberry32), so a randomized schedule repeats exactly. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const itemsCost = () => 1;
export const bytesCost = (bytes) => Math.max(1, bytes.length);

/** Items as JSON on the wire. */
export const jsonItems = (values) => values.map((v) => enc(JSON.stringify(v)));

/**
 * Sends `items` (Uint8Arrays) as the callee of call `callId` on stream `streamId`, only within the
 * credit the client grants; then STREAM_END and, unless `answer` is false, RPC_RESPONSE null.
 */
export class ResultSender {
  constructor(ws, { streamId = 2n, callId, items, cost = itemsCost, answer = true, more = false }) {
    // more: items will still be added, so running out of them does not end the stream
    Object.assign(this, { ws, streamId, callId, items, cost, answer, more });
    this.highWaterMark = 0;
    this.credit = 0;
    this.sent = 0;
    this.sentCost = 0;
    this.grants = []; // every STREAM_CREDIT amount, the first grant included
    this.violations = [];
    this.ended = false;
    this.cancelled = false;
    this.resumes = []; // the caller's STREAM_RESUME frames
  }

  open({ direction = 1, creditMode = 0, initialCredit = 0, metadata = '' } = {}) {
    this.ws.deliver({ type: 'STREAM_OPEN', streamId: this.streamId, callId: this.callId, direction, creditMode,
      initialCredit, metadata });
  }

  onCredit(frame) {
    this.grants.push(frame.credit);
    if (this.highWaterMark === 0) {
      this.highWaterMark = frame.credit;
      this.credit = frame.credit;
    } else {
      this.credit += frame.credit;
      if (this.credit > this.highWaterMark) {
        this.violations.push(`credit ${this.credit} above the high-water mark ${this.highWaterMark}`);
      }
    }
    this.pump();
  }

  pump() {
    while (!this.cancelled && this.sent < this.items.length && this.cost(this.items[this.sent]) <= this.credit) {
      this.credit -= this.cost(this.items[this.sent]);
      this.sentCost += this.cost(this.items[this.sent]);
      this.ws.deliver({ type: 'STREAM_DATA', last: false, streamId: this.streamId, item: this.items[this.sent] });
      this.sent++;
    }
    if (!this.cancelled && !this.ended && !this.more && this.sent === this.items.length) {
      this.ended = true;
      this.ws.deliver({ type: 'STREAM_END', streamId: this.streamId });
      if (this.answer) this.ws.deliver({ type: 'RPC_RESPONSE', callId: this.callId, result: enc('null') });
    }
  }

  /**
   * The caller's STREAM_RESUME on the resumed session's socket `ws` (docs/protocol.md 6.4.7, step
   * 3): items from number `received` go again within `credit`, then STREAM_END unless the caller
   * has it; a caller that has the end gets the call's answer again.
   */
  resume(ws, frame) {
    this.ws = ws;
    this.resumes.push(frame);
    if (!frame.receiving) this.violations.push('STREAM_RESUME without RECEIVING from the receiver of the items');
    this.sent = Number(frame.received);
    this.sentCost = this.items.slice(0, this.sent).reduce((sum, item) => sum + this.cost(item), 0);
    this.credit = frame.credit;
    this.ended = frame.ended;
    if (frame.ended && this.answer) ws.deliver({ type: 'RPC_RESPONSE', callId: this.callId, result: enc('null') });
    this.pump();
  }

  /** Whether every item sent has been paid back: the final return came. */
  get allPaidBack() {
    return this.highWaterMark > 0 && this.credit === this.highWaterMark;
  }
}

/**
 * Receives the client's items on stream `streamId` with high-water mark `highWaterMark` (given to
 * the client as STREAM_OPEN's initialCredit), checks each against the credit handed out, and
 * returns consumed credit at half of it, as a callee does.
 */
export class ItemReceiver {
  constructor(ws, { streamId = 2n, highWaterMark, cost = itemsCost }) {
    Object.assign(this, { ws, streamId, highWaterMark, cost });
    this.handedOut = highWaterMark;
    this.held = [];
    this.unreturned = 0;
    this.items = []; // every item consumed, in order
    this.received = 0;
    this.violations = [];
    this.ended = false;
  }

  onData(frame) {
    if (this.ended) this.violations.push('an item after STREAM_END');
    const cost = this.cost(frame.item);
    if (cost > this.handedOut) this.violations.push(`an item costing ${cost} with ${this.handedOut} credit`);
    this.handedOut -= cost;
    this.held.push(frame.item);
    this.received += 1;
  }

  /**
   * This receiver's STREAM_RESUME after a session resume (6.4.7, step 2): the items it received,
   * and as credit the high-water mark less what it holds; what it consumed and had not returned
   * is returned by it.
   */
  resumeFrame() {
    this.unreturned = 0;
    this.handedOut = this.highWaterMark - this.held.reduce((sum, item) => sum + this.cost(item), 0);
    return { type: 'STREAM_RESUME', streamId: this.streamId, receiving: true, ended: this.ended,
      received: BigInt(this.received), credit: this.handedOut };
  }

  onEnd() {
    this.ended = true;
  }

  /** The application takes up to `n` items; returns consumed credit once it reaches half. */
  consume(n = Infinity) {
    while (n-- > 0 && this.held.length > 0) {
      const item = this.held.shift();
      this.items.push(item);
      this.unreturned += this.cost(item);
      if (2 * this.unreturned >= this.highWaterMark || (this.ended && this.held.length === 0)) this.giveBack();
    }
  }

  giveBack() {
    if (this.unreturned === 0) return;
    this.ws.deliver({ type: 'STREAM_CREDIT', streamId: this.streamId, credit: this.unreturned });
    this.handedOut += this.unreturned;
    this.unreturned = 0;
  }
}
