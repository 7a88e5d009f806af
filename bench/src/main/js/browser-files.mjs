// The browser client's file speed, for FileBench's "browser" part: client.js run by Node.js 20 with
// --experimental-websocket (the WebSocket that browsers have, built into Node.js), against a node's
// WebSocket listener. A Blob of random bytes is uploaded, then downloaded into a Blob, once per
// chunk size and round; the upload's and the download's SHA-256 are checked against the source.
//
// Argument: the path of client.js's src/aldis.js. Settings in the environment (FileBench sets them):
//   BENCH_WS_URL, BENCH_USER, BENCH_PASSWORD, BENCH_SIZE (bytes), BENCH_ROUNDS (warm-up included),
//   BENCH_CHUNKS (comma-separated chunk sizes in bytes; 0 keeps the client's defaults).
// Prints "ROUND <round> <chunk size> <upload MB/s> <download MB/s>" per transfer; exits 1 on any failure.

import { createHash, randomFillSync } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const setting = (name) => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};

try {
  if (typeof globalThis.WebSocket !== 'function') {
    throw new Error('this Node.js has no WebSocket: run it with --experimental-websocket (Node.js 20) or use Node.js 22+');
  }
  const { AldisClient } = await import(pathToFileURL(process.argv[2]).href);
  const size = Number(setting('BENCH_SIZE'));
  const rounds = Number(setting('BENCH_ROUNDS'));
  const chunks = setting('BENCH_CHUNKS').split(',').map(Number);

  const source = new Uint8Array(size);
  for (let at = 0; at < size; at += 1 << 16) randomFillSync(source, at, Math.min(1 << 16, size - at));
  const blob = new Blob([source]);
  const expected = createHash('sha256').update(source).digest('hex');

  const client = new AldisClient({ url: setting('BENCH_WS_URL'), user: setting('BENCH_USER'),
    password: setting('BENCH_PASSWORD'), clientName: 'aldis-browser-bench' });
  await client.connect();
  for (let round = 0; round < rounds; round++) {
    for (const chunkSize of chunks) {
      const options = chunkSize > 0 ? { chunkSize } : {};
      const name = `browser-${round}-${chunkSize}.bin`;
      let start = performance.now();
      const up = await client.upload(blob, name, options).result;
      const upMBps = size / 1e3 / (performance.now() - start);
      if (up.sha256 !== expected) throw new Error(`upload of ${name}: the node stored another file`);
      start = performance.now();
      const down = await client.download(name, options).result;
      const downMBps = size / 1e3 / (performance.now() - start);
      const received = createHash('sha256').update(new Uint8Array(await down.blob.arrayBuffer())).digest('hex');
      if (received !== expected || down.size !== size) throw new Error(`download of ${name}: the copy differs from the source`);
      await client.remove(name);
      console.log(`ROUND ${round} ${chunkSize} ${upMBps.toFixed(1)} ${downMBps.toFixed(1)}`);
    }
  }
  await client.close();
} catch (e) {
  console.error(`browser bench: ${e.stack ?? e}`);
  process.exit(1);
}
