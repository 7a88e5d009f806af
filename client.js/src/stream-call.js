// One RPC call of this client that streams its result, a parameter, or both (docs/protocol.md
// 6.4): made with STREAMS when the session has it and as a batch otherwise (6.4.1), it takes the
// stream the callee opens (6.4.2), and ends with the call's answer (6.4.5).

import { Capability, CreditMode, DEFAULT_MAX_FRAME_SIZE, ErrorCode, fromUtf8, utf8 } from './codec.js';
import { CreditMeter, ReceiverCredit } from './credit.js';
import { AldisError } from './errors.js';
import { ItemPump } from './stream-pump.js';
import { ResultStream } from './stream-results.js';
import { batchTooLarge, collectBatch, itemFromBatch, paramsWith } from './stream-items.js';

const RECEIVES = 1; // direction bit: the callee sends items to the caller
const SENDS = 2; // direction bit: the caller sends items to the callee

/**
 * The call's life, for the two ways of making it: `client.stream()` iterates the result's items
 * (`results` from the start); `client.call()` with a streamed parameter resolves `promise` with the
 * result (an array when the callee streams the result too).
 *
 * spec: method, params, source/key (the streamed parameter, if any), iterate, items ('json' or
 * 'bytes'), highWaterMark (resolved per credit mode), timeoutMs (0: none), signal.
 */
export class StreamCall {
  constructor(client, registry, spec) {
    this.client = client;
    this.registry = registry;
    this.spec = spec;
    this.method = spec.method;
    this.callId = undefined;
    this.streamsFlag = false;
    this.opened = false;
    this.answered = false;
    this.settled = false; // the application's outcome is decided
    this.streamId = undefined;
    this.receiving = 'none'; // 'open', 'draining' or 'closed' once a stream brings items
    this.pump = undefined;
    this.deadline = undefined;
    this.detachSignal = () => {};
    if (spec.iterate) {
      this.results = this.newResults();
    } else {
      this.results = undefined;
      this.promise = new Promise((resolve, reject) => {
        this.resolve = resolve;
        this.reject = reject;
      });
    }
  }

  newResults() {
    return new ResultStream(this.spec.items, this.method, {
      grant: (credit) => this.sendQuietly({ type: 'STREAM_CREDIT', streamId: this.streamId, credit }),
      cancel: () => this.cancel(undefined),
      sinkFailed: (error) => this.endStream(error, error.message),
    });
  }

  // ---------------------------------------------------------------- making the call

  start() {
    const missing = this.client._requireCapability(Capability.RPC, 'RPC');
    if (missing) return this.settle(missing, true);
    const { signal, timeoutMs } = this.spec;
    if (signal?.aborted) return this.settle(new AldisError(ErrorCode.CANCELLED, 'cancelled by the caller'), true);
    if (signal) {
      const abort = () => this.cancel(new AldisError(ErrorCode.CANCELLED, 'cancelled by the caller'));
      signal.addEventListener('abort', abort, { once: true });
      this.detachSignal = () => signal.removeEventListener('abort', abort);
    }
    const timers = this.client._options.timers;
    if (timeoutMs > 0) {
      this.deadlineAt = timers.now() + timeoutMs;
      this.deadline = timers.setTimeout(() => {
        this.deadline = undefined;
        this.cancel(new AldisError(ErrorCode.DEADLINE_EXCEEDED, `${this.method} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
    }
    if (this.client.streamsAvailable) return this.request(true, this.spec.source ? paramsWith(this.spec.params,
      this.spec.key, undefined) : this.spec.params);
    return this.requestBatch();
  }

  /** The call without streams: a streamed parameter goes as one JSON array (6.4.1). */
  async requestBatch() {
    let params = this.spec.params;
    if (this.spec.source) {
      const maxFrameSize = this.client.session?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
      let elements;
      try {
        elements = await collectBatch(this.spec.source, maxFrameSize, this.method);
      } catch (e) {
        return this.settle(e, true);
      }
      if (this.settled) return undefined;
      params = paramsWith(params, this.spec.key, elements);
    }
    return this.request(false, params);
  }

  request(streams, params) {
    let body;
    try {
      body = params === undefined ? new Uint8Array(0) : utf8(JSON.stringify(params), 'params');
    } catch (e) {
      return this.settle(e, true);
    }
    const session = this.client.session;
    if (!streams && this.spec.source && session && 16 + utf8(this.method).length + body.length > session.maxFrameSize) {
      return this.settle(batchTooLarge(this.method, session.maxFrameSize), true);
    }
    this.callId = this.client._id();
    this.streamsFlag = streams;
    this.registry.addCall(this);
    const remaining = this.deadlineAt === undefined ? 0 : Math.max(1, this.deadlineAt - this.client._options.timers.now());
    this.client.sendFrame({ type: 'RPC_REQUEST', streams, callId: this.callId, timeoutMillis: Math.min(remaining, 0x7fffffff),
      method: this.method, params: body }).catch((e) => {
      this.registry.removeCall(this);
      this.settle(e, true);
    });
    return undefined;
  }

  // ---------------------------------------------------------------- the stream

  /** Whether a STREAM_OPEN for this call may open a stream (6.4.2): made with STREAMS, the first. */
  acceptsOpen() {
    return this.streamsFlag && !this.opened && !this.answered;
  }

  onOpen(frame) {
    this.opened = true;
    this.streamId = frame.streamId;
    const receives = (frame.direction & RECEIVES) !== 0;
    const sends = (frame.direction & SENDS) !== 0;
    if (receives) this.receiving = 'open';
    if ((sends && frame.initialCredit === 0) || (!sends && frame.initialCredit !== 0)) {
      return this.endStream(new AldisError(ErrorCode.PROTOCOL_ERROR, `STREAM_OPEN for ${this.method} with direction `
        + `${frame.direction} cannot carry initialCredit ${frame.initialCredit}`));
    }
    let meter;
    try {
      meter = CreditMeter.forStream(frame.creditMode, frame.metadata, this.client._options.sizeFunctions);
    } catch (e) {
      return this.endStream(e);
    }
    if (this.settled) {
      // The application stopped before the stream opened: refuse the items (the call is cancelled).
      if (receives) this.sendQuietly({ type: 'STREAM_CANCEL', streamId: this.streamId });
      this.receiving = 'closed';
      return undefined;
    }
    if (sends && !this.spec.source) {
      return this.endStream(new AldisError(ErrorCode.PROTOCOL_ERROR,
        `${this.method} takes a streamed parameter: give its items with streamOf(...)`));
    }
    if (receives) this.openReceiving(frame.creditMode, meter);
    if (sends) this.openSending(frame.initialCredit, meter);
    return undefined;
  }

  openReceiving(creditMode, meter) {
    if (!this.results) {
      this.results = this.newResults();
      this.collectResults();
    }
    const highWaterMark = this.spec.highWaterMark(creditMode);
    this.results.open(new ReceiverCredit(highWaterMark), meter);
    this.sendQuietly({ type: 'STREAM_CREDIT', streamId: this.streamId, credit: highWaterMark });
  }

  /** call() on a method that streams its result too: its items become the result, as in a batch. */
  async collectResults() {
    const items = [];
    try {
      for await (const item of this.results) items.push(item);
      this.resolve(items);
    } catch (e) {
      this.reject(e);
    }
  }

  openSending(initialCredit, meter) {
    this.pump = new ItemPump({
      source: this.spec.source,
      meter,
      streamId: this.streamId,
      method: this.method,
      maxFrameSize: this.client.session?.maxFrameSize ?? Infinity,
      io: {
        send: (frame) => this.client.sendFrame(frame),
        failed: (error, wireMessage) => this.endStream(error, wireMessage),
      },
    });
    this.pump.grant(initialCredit);
    this.pump.start();
  }

  onData(frame) {
    if (this.receiving !== 'open') return; // crossed a cancel, an error or the answer: dropped (6.4.5)
    try {
      this.results.receive(frame.item);
      if (frame.last) this.endOfItems();
    } catch (e) {
      this.endStream(e);
    }
  }

  onEnd() {
    if (this.receiving === 'open') this.endOfItems();
  }

  endOfItems() {
    this.receiving = 'draining';
    this.results.end();
  }

  onCredit(frame) {
    if (!this.pump || this.pump.stopped) return;
    try {
      this.pump.grant(frame.credit);
    } catch (e) {
      this.endStream(e);
    }
  }

  /** STREAM_CANCEL: the callee wants no more of this client's items; the call goes on. */
  onCancel() {
    this.pump?.stop();
  }

  /** STREAM_ERROR from the callee: the whole stream is over; the answer that follows is absorbed. */
  onStreamError(frame) {
    this.closeStream();
    this.settle(new AldisError(frame.code, frame.message), false);
  }

  /** This side ends the whole stream with STREAM_ERROR (6.4.5) and fails the call with `error`. */
  endStream(failure, wireMessage) {
    const error = failure instanceof AldisError ? failure
      : new AldisError(ErrorCode.STREAM_FAILED, `the stream of ${this.method} failed`, { cause: failure });
    if (this.streamId !== undefined && !this.answered) {
      const message = (wireMessage ?? error.message).slice(0, 1000);
      this.sendQuietly({ type: 'STREAM_ERROR', streamId: this.streamId, code: error.code, message });
    }
    this.closeStream();
    this.settle(error, false);
  }

  closeStream() {
    this.receiving = 'closed';
    this.results?.close();
    this.pump?.stop();
  }

  // ---------------------------------------------------------------- the answer

  /** RPC_RESPONSE, RPC_ERROR, or an ERROR carrying the call's id. */
  onAnswer(frame, error) {
    this.answered = true;
    this.registry.removeCall(this);
    this.pump?.stop(); // the answer closes the sending side (6.4.5)
    if (error) return this.answeredWithError(error);
    if (this.settled) return undefined;
    if (this.receiving === 'open') {
      this.closeStream();
      return this.settle(new AldisError(ErrorCode.PROTOCOL_ERROR,
        `${this.method} was answered before the end of its stream of items`), false);
    }
    if (this.receiving === 'draining') {
      this.finishTimers();
      this.settled = true;
      this.results.succeed();
      return undefined;
    }
    return this.answeredWithValue(frame.result);
  }

  answeredWithError(error) {
    if (error.code === ErrorCode.STREAMING_UNAVAILABLE && this.streamsFlag && !this.opened && !this.settled) {
      // The callee cannot take a streamed parameter: the same call again, as a batch (6.4.1).
      this.streamsFlag = false;
      this.answered = false;
      this.requestBatch();
      return;
    }
    // A side still draining finishes with the final return (6.4.5); an open one is closed.
    if (this.receiving === 'open') this.receiving = 'closed';
    if (this.receiving === 'closed') this.results?.close();
    this.settle(error, false);
  }

  answeredWithValue(result) {
    let value;
    try {
      value = result.length === 0 ? undefined : JSON.parse(fromUtf8(result));
    } catch (e) {
      return this.settle(new AldisError(ErrorCode.PROTOCOL_ERROR, `the result of ${this.method} is not valid JSON`,
        { cause: e }), false);
    }
    if (!this.spec.iterate) {
      this.finishTimers();
      this.settled = true;
      this.resolve(value);
      return undefined;
    }
    // No stream came: a batch, which a caller that set STREAMS accepts too (6.4.1).
    if (!Array.isArray(value)) {
      return this.settle(new AldisError(ErrorCode.PROTOCOL_ERROR,
        `${this.method} answered with one value, not a stream of items`), false);
    }
    let items;
    try {
      items = value.map((element, index) => itemFromBatch(element, this.spec.items, index, this.method));
    } catch (e) {
      return this.settle(e, false);
    }
    this.finishTimers();
    this.settled = true;
    this.results.batch(items);
    this.results.succeed();
    return undefined;
  }

  // ---------------------------------------------------------------- ending early

  /**
   * The application stops the call (`error` undefined: it left the loop), or an abort or the
   * deadline fails it (`error`): STREAM_CANCEL for items still coming, and RPC_CANCEL (6.4.5).
   */
  cancel(error) {
    if (this.settled) return;
    if (this.receiving === 'open' || this.receiving === 'draining') {
      this.sendQuietly({ type: 'STREAM_CANCEL', streamId: this.streamId });
    }
    this.closeStream();
    if (this.callId !== undefined && !this.answered) this.sendQuietly({ type: 'RPC_CANCEL', callId: this.callId });
    if (error) this.settle(error, true);
    else this.settled = true;
    this.finishTimers();
  }

  /** The connection broke: the stream cannot go on (resumption is not built into this client). */
  interrupted(error) {
    this.closeStream();
    this.settle(error, false);
  }

  /** Decides the application's outcome once: after the items already held, or `immediately`. */
  settle(error, immediately) {
    if (this.settled) return undefined;
    this.settled = true;
    this.finishTimers();
    this.pump?.stop();
    if (this.results) {
      if (immediately) this.results.abort(error);
      else this.results.fail(error);
    } else {
      this.reject(error);
    }
    return undefined;
  }

  finishTimers() {
    if (this.deadline !== undefined) {
      this.client._options.timers.clearTimeout(this.deadline);
      this.deadline = undefined;
    }
    this.detachSignal();
    this.detachSignal = () => {};
  }

  sendQuietly(frame) {
    // A frame that cannot go means the connection is gone, which fails the call on its own.
    this.client.sendFrame(frame).catch(() => {});
  }
}

/** The high-water mark a stream() option gives for a credit mode. */
export function highWaterMarkOption(option) {
  const defaults = { [CreditMode.ITEMS]: 64, [CreditMode.BYTES]: 1048576, [CreditMode.CUSTOM]: 1048576 };
  if (option === undefined) return (mode) => defaults[mode];
  if (typeof option === 'number') return () => option;
  const byMode = { [CreditMode.ITEMS]: option.items, [CreditMode.BYTES]: option.bytes, [CreditMode.CUSTOM]: option.custom };
  return (mode) => byMode[mode] ?? defaults[mode];
}
