// Types for scram.js: the client side of SCRAM-SHA-256 on WebCrypto.

export declare const SCRAM_MECHANISM: 'SCRAM-SHA-256';
export declare const MIN_ITERATIONS: number;
export declare const MAX_ITERATIONS: number;

export declare class ScramError extends Error {
  constructor(message: string);
}

/** One exchange: clientFirstMessage(), clientFinalMessage(serverFirst), verifyServerFinal(serverFinal). */
export declare class ScramClient {
  constructor(user: string, password: string, options?: { nonce?: string });
  clientFirstMessage(): Uint8Array;
  /** Rejects with ScramError when the server-first-message is malformed or unacceptable. */
  clientFinalMessage(serverFirstMessage: Uint8Array): Promise<Uint8Array>;
  /** Throws ScramError when the server reports an error or its signature does not match. */
  verifyServerFinal(serverFinalMessage: Uint8Array): void;
}

export declare function base64Encode(bytes: Uint8Array): string;
export declare function base64Decode(text: string, what?: string): Uint8Array;
export declare function saltedPassword(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array>;
export declare function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
export declare function sha256(data: Uint8Array): Promise<Uint8Array>;
export declare function escapeUser(user: string): string;
export declare function validNonce(nonce: string): boolean;
export declare function randomNonce(): string;
export declare function parseAttributes(message: string): Map<string, string>;
