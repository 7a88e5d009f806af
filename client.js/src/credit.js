// Credit of one direction of a stream's items (docs/protocol.md 6.4.3 and 6.4.4): what an item
// costs, what a receiver grants and returns, and what a sender may send. The rules are those of
// the Java side (io.aldis.protocol.api.stream), so both libraries count every item alike.

import { CreditMode, ErrorCode } from './codec.js';
import { AldisError } from './errors.js';

/** The largest credit of the protocol (a u32 limited to 2^31-1). */
export const MAX_CREDIT = 0x7fffffff;

/** The largest cost one item may have under a high-water mark: half of it, rounded up (rule 2). */
export function largestItemCost(highWaterMark) {
  return Math.floor((highWaterMark + 1) / 2);
}

/** Whether `value` can be a high-water mark: an integer from 1 to 2^31-1. */
export function isHighWaterMark(value) {
  return Number.isInteger(value) && value >= 1 && value <= MAX_CREDIT;
}

/**
 * What one item costs on a stream: 1 in items mode, its byte length in bytes mode, the named size
 * function's value in custom mode; never below 1.
 */
export class CreditMeter {
  constructor(mode, sizeFunction, sizeFunctionName) {
    this.mode = mode;
    this.sizeFunction = sizeFunction;
    this.sizeFunctionName = sizeFunctionName;
  }

  /**
   * The meter of a stream as STREAM_OPEN announces it. `metadata` is STREAM_OPEN's JSON text;
   * `sizeFunctions` the functions the application registered (an object or a Map, by name).
   * Throws an AldisError UNKNOWN_SIZE_FUNCTION when custom mode names no function or one this
   * client does not know.
   */
  static forStream(mode, metadata, sizeFunctions) {
    if (mode !== CreditMode.CUSTOM) return new CreditMeter(mode);
    const name = sizeFunctionNameIn(metadata);
    if (name === undefined) {
      throw new AldisError(ErrorCode.UNKNOWN_SIZE_FUNCTION,
        'custom credit mode needs a size function named in the stream\'s metadata');
    }
    const fn = lookUp(sizeFunctions, name);
    if (typeof fn !== 'function') {
      throw new AldisError(ErrorCode.UNKNOWN_SIZE_FUNCTION, `size function '${name}' is not known to this client`);
    }
    return new CreditMeter(mode, fn, name);
  }

  /** The cost of an item given as its bytes on the wire (STREAM_DATA's `item`). */
  costOf(bytes) {
    switch (this.mode) {
      case CreditMode.ITEMS: return 1;
      case CreditMode.BYTES: return Math.max(1, bytes.length);
      default: return this.customCost(bytes);
    }
  }

  customCost(bytes) {
    let value;
    try {
      value = this.sizeFunction(bytes);
    } catch (e) {
      throw new AldisError(ErrorCode.STREAM_FAILED, `size function '${this.sizeFunctionName}' failed on an item`, { cause: e });
    }
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new AldisError(ErrorCode.STREAM_FAILED,
        `size function '${this.sizeFunctionName}' gave ${String(value)}, not a number`);
    }
    return Math.min(MAX_CREDIT, Math.max(1, Math.floor(value)));
  }
}

function sizeFunctionNameIn(metadata) {
  if (!metadata) return undefined;
  let parsed;
  try {
    parsed = JSON.parse(metadata);
  } catch {
    return undefined;
  }
  const name = parsed?.sizeFunction;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

function lookUp(functions, name) {
  if (!functions) return undefined;
  if (functions instanceof Map) return functions.get(name);
  // Own members only: a name such as "toString" must not find Object.prototype's.
  return Object.hasOwn(functions, name) ? functions[name] : undefined;
}

/**
 * The receiver's side of one direction (rules 3 to 5). Three amounts always add up to the
 * high-water mark: the credit handed out and not yet used by an arriving item, the cost of items
 * held and not yet consumed, and the cost consumed and not yet returned.
 */
export class ReceiverCredit {
  constructor(highWaterMark) {
    this.highWaterMark = highWaterMark;
    this.handedOut = highWaterMark;
    this.held = 0;
    this.unreturned = 0;
    this.ended = false;
  }

  /**
   * Counts an arriving item against the credit handed out. Throws the sender's error (the item is
   * not counted): STREAM_ITEM_TOO_LARGE above half the high-water mark, STREAM_CREDIT_EXCEEDED
   * beyond the credit handed out, PROTOCOL_ERROR after the end of the items.
   */
  received(cost) {
    if (this.ended) throw new AldisError(ErrorCode.PROTOCOL_ERROR, 'an item after the end of the stream\'s items');
    const largest = largestItemCost(this.highWaterMark);
    if (cost > largest) {
      throw new AldisError(ErrorCode.STREAM_ITEM_TOO_LARGE, `an item costing ${cost} is more than half the `
        + `high-water mark ${this.highWaterMark} allows (${largest})`);
    }
    if (cost > this.handedOut) {
      throw new AldisError(ErrorCode.STREAM_CREDIT_EXCEEDED,
        `an item costing ${cost} arrived with only ${this.handedOut} credit granted`);
    }
    this.handedOut -= cost;
    this.held += cost;
  }

  /**
   * Counts an item the application has taken. Returns the credit to return now with
   * STREAM_CREDIT (everything consumed and not returned, once it reaches half the high-water
   * mark), or 0. After the end of the items, the return that would pay back the last of them is
   * left to finalReturn(), which a caller sends only once it has the call's answer.
   */
  consumed(cost) {
    this.held -= cost;
    this.unreturned += cost;
    if (this.drained() || 2 * this.unreturned < this.highWaterMark) return 0;
    return this.returnUnreturned();
  }

  /** Notes STREAM_END, or STREAM_DATA with LAST after that item was counted. */
  endReceived() {
    this.ended = true;
  }

  /** Whether the items have ended and every one has been consumed. */
  drained() {
    return this.ended && this.held === 0;
  }

  /** The rest of the consumed credit, for the final STREAM_CREDIT (0: send nothing). */
  finalReturn() {
    return this.returnUnreturned();
  }

  returnUnreturned() {
    const grant = this.unreturned;
    this.unreturned = 0;
    this.handedOut += grant;
    return grant;
  }
}

/**
 * The sender's side of one direction (rules 1 and 2): the receiver's first grant is its
 * high-water mark; an item goes only when its cost is at most the credit left.
 */
export class SenderCredit {
  constructor() {
    this.highWaterMark = 0;
    this.credit = 0;
  }

  /** Whether the receiver's first grant has arrived. */
  get granted() {
    return this.highWaterMark > 0;
  }

  /**
   * Adds a grant; the first one is the receiver's high-water mark. Throws PROTOCOL_ERROR for a
   * first grant of 0 or a grant that takes the credit above the high-water mark.
   */
  grant(amount) {
    if (!this.granted) {
      if (amount < 1) throw new AldisError(ErrorCode.PROTOCOL_ERROR, 'the first credit of a stream must be at least 1');
      this.highWaterMark = amount;
      this.credit = amount;
      return;
    }
    if (this.credit + amount > this.highWaterMark) {
      throw new AldisError(ErrorCode.PROTOCOL_ERROR, `a grant of ${amount} takes the credit to `
        + `${this.credit + amount}, above the high-water mark ${this.highWaterMark}`);
    }
    this.credit += amount;
  }

  /**
   * Decides about the next item: 'send' (its cost has been taken), 'wait' (not enough credit yet:
   * try again after a grant) or 'too-large' (it costs more than half the receiver's high-water
   * mark, so no grant will ever let it through).
   */
  take(cost) {
    if (!this.granted) return 'wait';
    if (cost > largestItemCost(this.highWaterMark)) return 'too-large';
    if (cost > this.credit) return 'wait';
    this.credit -= cost;
    return 'send';
  }
}
