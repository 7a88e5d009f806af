// The items of a stream as the application sees them and as the wire carries them
// (docs/protocol.md 5.6 and 6.4.1): JSON values or raw bytes one by one on a stream, one JSON
// array in a batch; and the parameter that marks a streamed argument of a call.

import { ErrorCode, fromUtf8, toBytes, utf8 } from './codec.js';
import { AldisError } from './errors.js';

/** A streamed parameter of a call: stands in `params` where the method takes its stream. */
export class StreamSource {
  constructor(iterable) {
    this.iterable = iterable;
    Object.freeze(this);
  }

  // JSON.stringify meets a StreamSource only when it is not a parameter of the call itself.
  toJSON() {
    throw new TypeError('streamOf(...) must be one of the call\'s parameters itself, not inside one');
  }
}

/**
 * Marks `iterable` (an async iterable, or a sync one such as an array) as the streamed parameter of
 * a call: `client.call('store.put', ['name', streamOf(chunks)])`. Each item is sent as raw bytes
 * when it is a Uint8Array (or another typed array, a DataView or an ArrayBuffer) and as JSON
 * otherwise.
 */
export function streamOf(iterable) {
  const iterableEnough = iterable !== null && iterable !== undefined && typeof iterable !== 'string'
    && (typeof iterable[Symbol.asyncIterator] === 'function' || typeof iterable[Symbol.iterator] === 'function');
  if (!iterableEnough) throw new TypeError('streamOf() takes an async iterable, an iterable or an array (not a string)');
  return new StreamSource(iterable);
}

/**
 * Where a call's params hold a StreamSource: `{source, key}` (an index or a member name), or
 * undefined. Throws a TypeError for more than one, since a method streams at most one parameter.
 */
export function findStreamParam(params) {
  if (params instanceof StreamSource) {
    throw new TypeError('streamOf(...) must be one of the call\'s parameters, in an array or an object');
  }
  if (params === null || typeof params !== 'object') return undefined;
  const entries = Array.isArray(params) ? params.map((v, i) => [i, v]) : Object.entries(params);
  const found = entries.filter(([, value]) => value instanceof StreamSource);
  if (found.length > 1) throw new TypeError('a call streams at most one parameter; params hold several streamOf(...)');
  return found.length === 0 ? undefined : { source: found[0][1], key: found[0][0] };
}

/**
 * The params with the streamed parameter at `key` replaced by `value`; `undefined` stands for a
 * stream that goes on its own: JSON null by position, left out by name (6.4.1).
 */
export function paramsWith(params, key, value) {
  if (Array.isArray(params)) {
    const copy = params.slice();
    copy[key] = value === undefined ? null : value;
    return copy;
  }
  const copy = { ...params };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

/** Whether an item goes as raw bytes rather than JSON. */
export function isBytes(value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** An item's bytes for STREAM_DATA. Throws an AldisError STREAM_FAILED for a value JSON cannot hold. */
export function encodeItem(value) {
  return isBytes(value) ? toBytes(value) : utf8(jsonText(value), 'item');
}

function jsonText(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    // The engine's own text (a cycle, a BigInt) stays in `cause`.
    throw new AldisError(ErrorCode.STREAM_FAILED, `an item of type ${typeof value} cannot be written as JSON`, { cause: e });
  }
  if (text === undefined) throw new AldisError(ErrorCode.STREAM_FAILED, `an item of type ${typeof value} cannot be written as JSON`);
  return text;
}

/** An item from STREAM_DATA as the application gets it: a Uint8Array, or the parsed JSON. */
export function decodeItem(bytes, kind) {
  if (kind === 'bytes') return bytes;
  return JSON.parse(fromUtf8(bytes));
}

/** An item as one element of a batch: bytes as an array of integers 0–255 (6.4.1). */
export function batchElement(value) {
  return isBytes(value) ? Array.from(toBytes(value)) : value;
}

/**
 * The element `index` of a batched result as the application gets it. Throws an AldisError
 * PROTOCOL_ERROR when a stream of bytes holds something other than an array of byte values.
 */
export function itemFromBatch(element, kind, index, method) {
  if (kind !== 'bytes') return element;
  const byteArray = Array.isArray(element) && element.every((b) => Number.isInteger(b) && b >= 0 && b <= 255);
  if (!byteArray) {
    throw new AldisError(ErrorCode.PROTOCOL_ERROR, `item ${index} of the batched result of ${method} is not an array of bytes`);
  }
  return Uint8Array.from(element);
}

/** An async iterator over any iterable a StreamSource holds. */
export function openSource(source) {
  const iterable = source.iterable;
  if (typeof iterable[Symbol.asyncIterator] === 'function') return iterable[Symbol.asyncIterator]();
  return (async function* fromSync() {
    yield* iterable;
  }());
}

/**
 * Every item of `source` as batch elements, for a call without streams. Stops reading, with an
 * AldisError MESSAGE_TOO_LARGE, as soon as the batch could no longer fit in `maxFrameSize`, so an
 * endless source does not fill the memory.
 */
export async function collectBatch(source, maxFrameSize, method) {
  const elements = [];
  let size = 2;
  const iterator = openSource(source);
  try {
    for (;;) {
      let step;
      try {
        step = await iterator.next();
      } catch (e) {
        throw new AldisError(ErrorCode.STREAM_FAILED, `the items for ${method} failed: ${e?.message ?? e}`, { cause: e });
      }
      if (step.done) return elements;
      const element = batchElement(step.value);
      const text = jsonText(element);
      // A string's length never exceeds its UTF-8 length, so passing the limit here is final.
      size += text.length + 1;
      if (size > maxFrameSize) throw batchTooLarge(method, maxFrameSize);
      elements.push(element);
    }
  } finally {
    closeQuietly(iterator);
  }
}

/** Tells an iterator that no more items are wanted; its own failure to stop changes nothing here. */
export function closeQuietly(iterator) {
  try {
    const done = iterator.return?.();
    if (done && typeof done.then === 'function') done.then(undefined, () => {});
  } catch {
    // the source failed while stopping; the call's outcome is already decided
  }
}

/** The error of a batch that does not fit in one frame (6.4.1). */
export function batchTooLarge(method, maxFrameSize) {
  return new AldisError(ErrorCode.MESSAGE_TOO_LARGE, `the items for ${method} sent as one batch do not fit in the `
    + `node's maxFrameSize of ${maxFrameSize} bytes; the call was not sent`);
}
