// The caller's receiving side of a stream (docs/protocol.md 6.4.3, 6.4.6): items held for the
// application and handed out by an async iterator whose pace drives the credit.

import { ErrorCode } from './codec.js';
import { AldisError } from './errors.js';
import { decodeItem } from './stream-items.js';

const DONE = Object.freeze({ value: undefined, done: true });

/**
 * The items of one call's result, in order: from a stream under credit, or from a batch. An item
 * counts as consumed when the application asks for the next one (or stops), so the one it is
 * working on is still held. Errors come after the items that arrived before them; stopping, an
 * abort or the deadline end the iteration at once.
 *
 * `hooks`: grant(credit) sends STREAM_CREDIT; cancel() stops the call (the application stopped
 * before the call's answer); sinkFailed(error) ends the stream because an item could not be taken.
 */
export class ResultStream {
  constructor(kind, method, hooks) {
    this.kind = kind;
    this.method = method;
    this.hooks = hooks;
    this.queue = []; // {bytes, cost} from a stream, {value, cost: 0} from a batch
    this.credit = undefined;
    this.meter = undefined;
    this.closed = false; // no more credit goes out
    this.handedOutCost = 0; // the item the application holds, consumed at its next request
    this.outcome = undefined; // {ok: true} or {error}
    this.finished = false;
    this.itemsHandedOut = 0;
    this.wake = undefined;
    this.chain = Promise.resolve();
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  // ------------------------------------------------------------- fed by the call

  /** A stream opened: credit as this side granted it, the stream's meter. */
  open(credit, meter) {
    this.credit = credit;
    this.meter = meter;
  }

  /** An item from STREAM_DATA; throws the AldisError that the sender's fault gets. */
  receive(bytes) {
    const cost = this.meter.costOf(bytes);
    this.credit.received(cost);
    this.queue.push({ bytes, cost });
    this.notify();
  }

  /** STREAM_END, or LAST. */
  end() {
    this.credit.endReceived();
    this.notify();
  }

  /** The items of a batched result (no credit). */
  batch(values) {
    for (const value of values) this.queue.push({ value, cost: 0 });
    this.notify();
  }

  /** The call was answered successfully: the iteration ends once the items held are handed out. */
  succeed() {
    this.outcome ??= { ok: true };
    this.notify();
  }

  /** The call failed: `error` is thrown once the items held are handed out. */
  fail(error) {
    this.outcome ??= { error };
    this.notify();
  }

  /** The call failed and the items held no longer matter: `error` is thrown at the next request. */
  abort(error) {
    this.close();
    this.queue = [];
    this.outcome = { error };
    this.notify();
  }

  /** The receiving side is closed: nothing more is granted. */
  close() {
    this.closed = true;
  }

  notify() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  // ------------------------------------------------------------- the iterator

  /** The next item; requests are served one after the other, as `for await` makes them. */
  next() {
    const result = this.chain.then(() => this.step());
    this.chain = result.then(() => undefined, () => undefined);
    return result;
  }

  async step() {
    for (;;) {
      if (this.finished) return DONE;
      this.consumeHandedOut();
      if (this.queue.length > 0) return { value: this.handOut(this.queue.shift()), done: false };
      if (this.outcome) {
        this.finished = true;
        this.returnTheRest();
        if (this.outcome.error) throw this.outcome.error;
        return DONE;
      }
      await new Promise((resolve) => {
        this.wake = resolve;
      });
    }
  }

  handOut(entry) {
    this.handedOutCost = entry.cost;
    const index = this.itemsHandedOut++;
    if (entry.cost === 0) return entry.value;
    try {
      return decodeItem(entry.bytes, this.kind);
    } catch (e) {
      const error = new AldisError(ErrorCode.STREAM_FAILED, `item ${index} of ${this.method} is not valid JSON`, { cause: e });
      this.finished = true;
      this.abort(error);
      this.hooks.sinkFailed(error);
      throw error;
    }
  }

  consumeHandedOut() {
    const cost = this.handedOutCost;
    if (cost === 0) return;
    this.handedOutCost = 0;
    const grant = this.credit.consumed(cost);
    if (grant > 0 && !this.closed) this.hooks.grant(grant);
  }

  /** The final return (rule 5), once the call's answer is in and every item is consumed. */
  returnTheRest() {
    if (!this.credit || this.closed || !this.credit.drained()) return;
    const grant = this.credit.finalReturn();
    if (grant > 0) this.hooks.grant(grant);
  }

  /**
   * The application stops (`break` in `for await`). Before the call's answer this cancels the call;
   * after it, the items left count as consumed and the final return goes out.
   */
  async return() {
    if (this.finished) return DONE;
    this.finished = true;
    if (this.outcome) {
      this.consumeHandedOut();
      for (const entry of this.queue) {
        if (entry.cost > 0) {
          this.handedOutCost = entry.cost;
          this.consumeHandedOut();
        }
      }
      this.returnTheRest();
    } else {
      this.hooks.cancel();
    }
    this.queue = [];
    this.close();
    this.notify();
    return DONE;
  }
}
