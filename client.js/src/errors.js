// The one error type of the client, in its own module so that every part of the client can
// throw it without importing the client itself.

import { errorName } from './codec.js';

/**
 * A failure reported by the node or detected by the client. `code` is a protocol error code
 * (ErrorCode); unknown codes are kept as numbers. `details` is the parsed JSON details, if any.
 */
export class AldisError extends Error {
  constructor(code, message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AldisError';
    this.code = code;
    this.codeName = errorName(code);
    this.details = options.details;
    if (options.requestId !== undefined) this.requestId = options.requestId;
  }

  /** The error an ERROR or RPC_ERROR frame describes. */
  static fromFrame(frame) {
    return new AldisError(frame.code, frame.message, {
      details: parseDetails(frame.details),
      requestId: frame.requestId ?? frame.callId,
    });
  }
}

function parseDetails(json) {
  if (!json) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return { raw: json };
  }
}
