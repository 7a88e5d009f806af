// The client under test wired to the scripted fake node and the fake clock, shared by the test files.

import assert from 'node:assert/strict';
import { AldisClient, AldisError } from '../src/aldis.js';
import { FakeClock, FakeNode } from './fake-node.js';

/** A client wired to a fake node and a fake clock, recording every event it emits. */
export function setup(nodeOptions = {}, clientOptions = {}) {
  const node = new FakeNode(nodeOptions);
  const clock = new FakeClock();
  const client = new AldisClient({
    url: 'ws://node.test/aldis',
    user: 'user',
    password: 'pencil',
    WebSocket: node.WebSocket,
    timers: clock,
    random: () => 0.5, // no jitter unless a test says otherwise
    reconnect: { initialDelayMs: 100, maxDelayMs: 400, maxAttempts: 4, jitter: 0 },
    ...clientOptions,
  });
  const events = [];
  for (const name of ['connected', 'disconnected', 'reconnecting', 'reconnected', 'reconnectFailed', 'paused',
    'resumed', 'capabilitiesChanged', 'addressesChanged', 'error', 'message', 'frame']) {
    client.addEventListener(name, (e) => events.push({ name, ...e.detail }));
  }
  const named = (name) => events.filter((e) => e.name === name);
  // Resolves with the n-th `name` event; fails (rather than hangs) if it never comes.
  const nextEvent = (name, n = 1) => new Promise((resolve, reject) => {
    let rounds = 0;
    const check = () => {
      if (named(name).length >= n) resolve(named(name)[n - 1]);
      else if (++rounds > 100_000) reject(new Error(`no ${name} event #${n}; saw ${events.map((e) => e.name)}`));
      else setImmediate(check);
    };
    check();
  });
  return { node, clock, client, events, named, nextEvent };
}

export async function rejectsWithCode(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof AldisError, `expected an AldisError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}
