// The caller's sending side of a stream (docs/protocol.md 6.4.3, 6.4.5, 6.4.6): reads the
// application's items one at a time and sends each only within the callee's credit.

import { ErrorCode } from './codec.js';
import { largestItemCost, SenderCredit } from './credit.js';
import { AldisError } from './errors.js';
import { closeQuietly, encodeItem, openSource } from './stream-items.js';

/** Bytes of STREAM_DATA before its item: type, flags and the stream id. */
const STREAM_DATA_HEADER = 10;

/**
 * Sends the items of a StreamSource on one stream, then STREAM_END. Nothing is read from the
 * source before the item before it has gone, so at most one item waits here for credit.
 *
 * `io`: send(frame) resolves once the frame is handed to the connection (later while the node has
 * paused the client); failed(error, wireMessage) ends the stream with STREAM_ERROR and fails the call.
 */
export class ItemPump {
  constructor({ source, meter, streamId, method, maxFrameSize, io }) {
    this.source = source;
    this.meter = meter;
    this.streamId = streamId;
    this.method = method;
    this.maxFrameSize = maxFrameSize;
    this.io = io;
    this.credit = new SenderCredit();
    this.stopped = false;
    this.wake = undefined;
  }

  /** A grant from the callee (STREAM_OPEN's initialCredit, then STREAM_CREDIT); throws its error. */
  grant(amount) {
    this.credit.grant(amount);
    this.notify();
  }

  /** Starts sending. */
  start() {
    this.run().catch((e) => this.fail(new AldisError(ErrorCode.STREAM_FAILED, `sending the items of ${this.method} failed`,
      { cause: e }), 'the caller could not send its items'));
  }

  /** No more items go (STREAM_CANCEL, an error, the call's answer, the application stopped). */
  stop() {
    this.stopped = true;
    this.notify();
  }

  notify() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async run() {
    const iterator = openSource(this.source);
    let finished = false;
    try {
      for (let index = 0; ; index++) {
        let step;
        try {
          step = await iterator.next();
        } catch (e) {
          finished = true; // a source that threw is over
          this.fail(new AldisError(ErrorCode.STREAM_FAILED, `the items for ${this.method} failed: ${e?.message ?? e}`,
            { cause: e }), 'the caller\'s source of items failed');
          return;
        }
        if (this.stopped) return;
        if (step.done) {
          finished = true;
          this.stop();
          await this.io.send({ type: 'STREAM_END', streamId: this.streamId });
          return;
        }
        const bytes = this.itemBytes(step.value, index);
        if (bytes === undefined || !(await this.awaitCredit(bytes, index))) return;
        await this.io.send({ type: 'STREAM_DATA', last: false, streamId: this.streamId, item: bytes });
        if (this.stopped) return;
      }
    } finally {
      if (!finished) closeQuietly(iterator);
    }
  }

  /** The item's bytes, or undefined after failing the stream for an item that cannot go. */
  itemBytes(value, index) {
    let bytes;
    try {
      bytes = encodeItem(value);
    } catch (e) {
      this.fail(new AldisError(ErrorCode.STREAM_FAILED, `item ${index} for ${this.method}: ${e.message}`, { cause: e.cause ?? e }),
        `item ${index} of the caller's items cannot be sent`);
      return undefined;
    }
    if (STREAM_DATA_HEADER + bytes.length > this.maxFrameSize) {
      const message = `item ${index} for ${this.method} takes ${bytes.length} bytes, more than one frame holds `
        + `(maxFrameSize ${this.maxFrameSize})`;
      this.fail(new AldisError(ErrorCode.MESSAGE_TOO_LARGE, message), message);
      return undefined;
    }
    return bytes;
  }

  /** Waits until the item's cost fits the credit and takes it; false when the item will not go. */
  async awaitCredit(bytes, index) {
    let cost;
    try {
      cost = this.meter.costOf(bytes);
    } catch (e) {
      this.fail(e, e.message);
      return false;
    }
    for (;;) {
      if (this.stopped) return false;
      const verdict = this.credit.take(cost);
      if (verdict === 'send') return true;
      if (verdict === 'too-large') {
        const limit = largestItemCost(this.credit.highWaterMark);
        const message = `item ${index} for ${this.method} costs ${cost}, more than half the callee's high-water mark `
          + `${this.credit.highWaterMark} allows (${limit})`;
        this.fail(new AldisError(ErrorCode.STREAM_ITEM_TOO_LARGE, message), message);
        return false;
      }
      await new Promise((resolve) => {
        this.wake = resolve;
      });
    }
  }

  fail(error, wireMessage) {
    if (this.stopped) return;
    this.stop();
    this.io.failed(error, wireMessage);
  }
}
