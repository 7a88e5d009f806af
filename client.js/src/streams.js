// The streaming calls of one client: which call and stream each STREAM_* frame and each answer
// belongs to (docs/protocol.md 6.4.2, 6.4.5), and the iterable that client.stream() returns.

import { ErrorCode } from './codec.js';
import { AldisError } from './errors.js';

/** The calls of one client that may stream, by call id and by the id of the stream they got. */
export class CallStreams {
  constructor(client) {
    this.client = client;
    this.calls = new Map(); // call id -> StreamCall waiting for its answer
    this.streams = new Map(); // stream id -> StreamCall
  }

  addCall(call) {
    this.calls.set(call.callId, call);
  }

  removeCall(call) {
    if (this.calls.get(call.callId) === call) this.calls.delete(call.callId);
    if (call.streamId !== undefined && this.streams.get(call.streamId) === call) this.streams.delete(call.streamId);
  }

  /** Takes a frame that belongs to a streaming call; false for any other frame. */
  handle(frame) {
    switch (frame.type) {
      case 'STREAM_OPEN': this.open(frame); return true;
      case 'STREAM_DATA': this.streams.get(frame.streamId)?.onData(frame); return true;
      case 'STREAM_CREDIT': this.streams.get(frame.streamId)?.onCredit(frame); return true;
      case 'STREAM_END': this.streams.get(frame.streamId)?.onEnd(frame); return true;
      case 'STREAM_CANCEL': this.streams.get(frame.streamId)?.onCancel(frame); return true;
      case 'STREAM_ERROR': this.streams.get(frame.streamId)?.onStreamError(frame); return true;
      // Only an answer to this client's own STREAM_RESUME, which it never sends: nothing to resume.
      case 'STREAM_RESUME': return true;
      case 'RPC_RESPONSE': return this.answer(frame.callId, frame, undefined);
      case 'RPC_ERROR': return this.answer(frame.callId, frame, AldisError.fromFrame(frame));
      case 'ERROR': return frame.requestId !== 0n && this.answer(frame.requestId, frame, AldisError.fromFrame(frame));
      default: return false;
    }
  }

  answer(callId, frame, error) {
    const call = this.calls.get(callId);
    if (!call) return false;
    call.onAnswer(frame, error);
    return true;
  }

  /** STREAM_OPEN: the node's streams have even ids, one per call made with STREAMS (6.4.2). */
  open(frame) {
    const { streamId, callId } = frame;
    const call = this.calls.get(callId);
    let problem;
    if (streamId === 0n || (streamId & 1n) === 1n) problem = `stream id ${streamId} is not one the node may open`;
    else if (this.streams.has(streamId)) problem = `stream id ${streamId} is already in use`;
    else if (!call || !call.acceptsOpen()) problem = `call ${callId} is not waiting for a stream`;
    if (problem) {
      this.client.sendFrame({ type: 'ERROR', requestId: callId, code: ErrorCode.PROTOCOL_ERROR,
        message: `STREAM_OPEN refused: ${problem}`, details: '' }).catch(() => {});
      return;
    }
    this.streams.set(streamId, call);
    call.onOpen(frame);
  }

  /** The connection broke: every call waiting for its answer fails with `error`. */
  interruptAll(error) {
    const calls = [...this.calls.values()];
    this.calls.clear();
    this.streams.clear();
    for (const call of calls) call.interrupted(error);
  }
}

/**
 * The items of a streamed result, for `for await`. The call is made when the iteration starts; a
 * stream can be iterated once.
 */
export class AldisStream {
  constructor(call) {
    this._call = call;
    this._started = false;
  }

  [Symbol.asyncIterator]() {
    if (this._started) throw new TypeError(`the stream of ${this._call.method} is already being iterated`);
    this._started = true;
    this._call.start();
    return this._call.results;
  }
}
