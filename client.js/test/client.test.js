import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AldisError, Capability, ErrorCode, backoffDelay, joinFrames, splitFrames } from '../src/aldis.js';
import { settle } from './fake-node.js';
import { rejectsWithCode, setup } from './rig.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
/** The rig's first reconnect delay. */
const FIRST_DELAY = 100;

describe('handshake', { timeout: 30_000 }, () => {
  test('CONNECT, SCRAM-SHA-256 with a verified server signature, then a session', async () => {
    const { node, client, named } = setup();
    const session = await client.connect();
    assert.equal(session.user, 'user');
    assert.equal(session.resumed, false);
    assert.equal(session.sessionId, '0a0b0c0d-0e0f-4011-8213-141516171819');
    assert.equal(client.state, 'connected');
    assert.equal(client.resumeToken, 'tok-1');
    const ws = node.socket;
    assert.equal(ws.url, 'ws://node.test/aldis');
    // The batched subprotocol first, so a node that knows it chooses it (docs/protocol.md 2.2).
    assert.deepEqual(ws.protocols, ['aldis.v1.batch', 'aldis.v1']);
    assert.equal(ws.protocol, 'aldis.v1.batch');
    assert.equal(ws.binaryType, 'arraybuffer');
    const [connect, start, response] = ws.received;
    assert.equal(connect.type, 'CONNECT');
    assert.equal(connect.version, 0x0100);
    assert.equal(connect.resumeToken, '');
    assert.ok(connect.capabilities & Capability.PUBSUB && connect.capabilities & Capability.FLOW_CONTROL);
    assert.equal(start.type, 'AUTH_START');
    assert.equal(start.mechanism, 'SCRAM-SHA-256');
    assert.match(dec(start.data), /^n,,n=user,r=[\x21-\x2b\x2d-\x7e]+$/);
    assert.equal(response.type, 'AUTH_RESPONSE');
    assert.match(dec(response.data), /^c=biws,r=.+srv-nonce,p=/);
    assert.equal(named('connected').length, 1);
    assert.equal(named('connected')[0].session, session);
  });

  test('PLAIN when configured and offered', async () => {
    const { node, client } = setup({}, { mechanism: 'PLAIN' });
    await client.connect();
    assert.deepEqual(node.socket.of('AUTH_START')[0].data, enc('\0user\0pencil'));
  });

  test('a wrong password fails connect() with AUTH_FAILED and is not retried', async () => {
    const { node, client, named } = setup({}, { password: 'wrong', retryInitialConnect: true });
    await rejectsWithCode(client.connect(), ErrorCode.AUTH_FAILED);
    assert.equal(client.state, 'failed');
    assert.equal(node.sockets.length, 1);
    assert.equal(named('reconnecting').length, 0);
  });

  test('a node that cannot prove it knows the password is not trusted', async () => {
    const { node, client } = setup();
    node.on('AUTH_RESPONSE', (ws) => ws.deliver({ type: 'AUTH_OK', user: 'user', resumeToken: 't', tokenExpiresAt: 0n,
      data: enc('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=') }));
    await assert.rejects(client.connect(), (e) => e.code === ErrorCode.AUTH_FAILED && /signature/.test(e.message));
    assert.equal(client.resumeToken, undefined);
    assert.ok(node.socket.closed);
  });

  test('an unsupported version is reported with the details the node gave', async () => {
    const { node, client } = setup();
    node.on('CONNECT', (ws) => ws.deliver({ type: 'ERROR', requestId: 0n, code: -101, message: 'speaks 2.0 only',
      details: '{"supported":["2.0"]}' }));
    await assert.rejects(client.connect(), (e) => e.code === ErrorCode.UNSUPPORTED_VERSION
      && e.details.supported[0] === '2.0');
  });

  test('no credentials and no valid token: AUTH_REQUIRED', async () => {
    const { client } = setup({}, { user: undefined, password: undefined });
    await rejectsWithCode(client.connect(), ErrorCode.AUTH_REQUIRED);
  });

  test('a node that never answers runs into the connect timeout', async () => {
    const { node, clock, client } = setup({}, { connectTimeoutMs: 3000 });
    node.on('CONNECT', () => {});
    const outcome = rejectsWithCode(client.connect(), ErrorCode.CONNECTION_TIMEOUT);
    await node.waitFor('CONNECT');
    await clock.advance(3000);
    await outcome;
  });
});

describe('reconnect', { timeout: 30_000 }, () => {
  test('the resume token skips authentication after a drop', async () => {
    const { node, clock, client, named, nextEvent } = setup();
    await client.connect();
    node.socket.drop();
    const reconnecting = await nextEvent('reconnecting');
    assert.deepEqual({ attempt: reconnecting.attempt, delay: reconnecting.delay }, { attempt: 1, delay: 100 });
    assert.equal(named('disconnected')[0].reason.code, ErrorCode.CONNECTION_LOST);
    assert.equal(reconnecting.reason, named('disconnected')[0].reason);
    assert.equal(client.state, 'reconnecting');
    await clock.advance(100);
    const { session } = await nextEvent('reconnected');
    assert.equal(session.resumed, true);
    assert.equal(session.user, 'user');
    assert.equal(node.sockets.length, 2);
    assert.equal(node.socket.of('CONNECT')[0].resumeToken, 'tok-1');
    assert.equal(node.socket.of('AUTH_START').length, 0);
    assert.equal(client.state, 'connected');
  });

  test('with several node URLs a lost connection resumes through the next one', async () => {
    const urls = ['ws://a.test/aldis', 'ws://b.test/aldis', 'ws://c.test/aldis'];
    const { node, client, nextEvent } = setup({}, { urls });
    await client.connect();
    assert.equal(node.socket.url, urls[0]);
    node.socket.drop();
    const { session } = await nextEvent('reconnected');
    assert.equal(session.resumed, true);
    assert.equal(node.socket.url, urls[1]);
    assert.equal(node.socket.of('CONNECT')[0].resumeToken, 'tok-1');
  });

  test('a client given one URL learns the other nodes from its node and resumes through one of them', async () => {
    const { node, client, nextEvent } = setup({ capabilities: 0x1ffn }, { url: 'ws://a.test/aldis' });
    await client.connect();
    assert.notEqual(node.socket.of('CONNECT')[0].capabilities & Capability.NODE_ADDRESSES, 0n,
      'the client asks for the addresses');
    // Its own node, junk, TCP (which a browser cannot open), a wss URL of another scheme, and two nodes.
    node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: ['ws://a.test/aldis', 'not a url', 'tcp://b.test:7440',
      'wss://b.test/aldis', 'ws://b.test/aldis', 'ws://c.test:8080/aldis'] });
    await settle();
    assert.deepEqual(client.knownUrls, ['ws://a.test/aldis', 'ws://b.test/aldis', 'ws://c.test:8080/aldis']);
    node.socket.drop();
    const { session } = await nextEvent('reconnected');
    assert.equal(session.resumed, true);
    assert.equal(node.socket.url, 'ws://b.test/aldis');
    assert.equal(node.socket.of('CONNECT')[0].resumeToken, 'tok-1');
  });

  test('a new list of addresses replaces the learned ones and never the given ones', async () => {
    const { node, client } = setup({ capabilities: 0x1ffn }, { url: 'ws://a.test/aldis' });
    await client.connect();
    node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: ['ws://b.test/aldis', 'ws://c.test/aldis'] });
    await settle();
    assert.deepEqual(client.knownUrls, ['ws://a.test/aldis', 'ws://b.test/aldis', 'ws://c.test/aldis']);
    node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: ['ws://c.test/aldis'] });
    await settle();
    assert.deepEqual(client.knownUrls, ['ws://a.test/aldis', 'ws://c.test/aldis']);
    node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: [] });
    await settle();
    assert.deepEqual(client.knownUrls, ['ws://a.test/aldis']);
  });

  test('the node the client is connected to is not learned again under another name', async () => {
    const { node, client } = setup({ capabilities: 0x1ffn }, { url: 'ws://localhost:8080/aldis' });
    await client.connect();
    // The node lists itself first, by IP address.
    node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: ['ws://127.0.0.1:8080/aldis', 'ws://b.test/aldis'] });
    await settle();
    assert.deepEqual(client.knownUrls, ['ws://localhost:8080/aldis', 'ws://b.test/aldis']);
  });

  test('addressesChanged is emitted only when knownUrls changed', async () => {
    const { node, client, named } = setup({ capabilities: 0x1ffn }, { url: 'ws://a.test/aldis' });
    await client.connect();
    node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: ['ws://a.test/aldis', 'ws://b.test/aldis'] });
    await settle();
    node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: ['ws://a.test/aldis', 'ws://b.test/aldis', 'tcp://b.test:7440'] });
    await settle();
    assert.deepEqual(named('addressesChanged').map((e) => e.urls), [['ws://a.test/aldis', 'ws://b.test/aldis']]);
  });

  /** Connected to a, then told of b and c, then a drops: the client resumes on b. */
  async function onBAfterLearningBAndC() {
    const rig = setup({ capabilities: 0x1ffn }, { url: 'ws://a.test/aldis' });
    await rig.client.connect();
    rig.node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: ['ws://b.test/aldis', 'ws://c.test/aldis'] });
    await settle();
    rig.node.socket.drop();
    await rig.nextEvent('reconnected');
    assert.equal(rig.node.socket.url, 'ws://b.test/aldis');
    return rig;
  }

  test('a new list that moves the URL in use leaves the rotation going on from it', async () => {
    const { node, clock, client, nextEvent } = await onBAfterLearningBAndC();
    node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: ['ws://c.test/aldis', 'ws://b.test/aldis'] });
    await settle();
    assert.deepEqual(client.knownUrls, ['ws://a.test/aldis', 'ws://c.test/aldis', 'ws://b.test/aldis']);
    await clock.advance(FIRST_DELAY); // one round of tries at once per first delay at the most
    node.socket.drop();
    await nextEvent('reconnected', 2);
    assert.equal(node.socket.url, 'ws://a.test/aldis', 'after b comes a, round the list');
  });

  test('a new list that drops the URL in use starts the rotation again from the first URL', async () => {
    const { node, clock, client, nextEvent } = await onBAfterLearningBAndC();
    node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: ['ws://c.test/aldis'] });
    await settle();
    assert.deepEqual(client.knownUrls, ['ws://a.test/aldis', 'ws://c.test/aldis']);
    await clock.advance(FIRST_DELAY); // one round of tries at once per first delay at the most
    node.socket.drop();
    await nextEvent('reconnected', 2);
    assert.equal(node.socket.url, 'ws://a.test/aldis');
  });

  test('a lost connection tries every other URL at once before it waits', async () => {
    const urls = ['ws://a.test/aldis', 'ws://b.test/aldis', 'ws://c.test/aldis'];
    const { node, client, named, nextEvent } = setup({}, { urls, reconnect: { initialDelayMs: 100, maxDelayMs: 3600000 } });
    await client.connect();
    node.refuse = (url) => url === urls[1];
    node.socket.drop();
    const { session } = await nextEvent('reconnected');
    assert.equal(session.resumed, true);
    assert.deepEqual(node.sockets.map((s) => s.url), urls, 'b refused, c at once');
    assert.equal(named('reconnecting').length, 0, 'no attempt waited');
  });

  test('only when no other URL answers does the client wait its reconnect delay', async () => {
    const urls = ['ws://a.test/aldis', 'ws://b.test/aldis', 'ws://c.test/aldis'];
    const { node, clock, client, nextEvent } = setup({}, { urls });
    await client.connect();
    node.refuse = (url) => url !== urls[0];
    node.socket.drop();
    const reconnecting = await nextEvent('reconnecting');
    assert.deepEqual({ attempt: reconnecting.attempt, delay: reconnecting.delay }, { attempt: 1, delay: 100 });
    assert.deepEqual(node.sockets.map((s) => s.url), urls, 'the node that dropped the connection is not dialled at once');
    await clock.advance(100);
    await nextEvent('reconnected');
    assert.equal(node.socket.url, urls[0], 'after the delay, round the list');
  });

  test('a second loss within the first delay waits it, whatever the other URLs', async () => {
    // Nodes that take the session and drop it again must not have the client back at once, in a loop.
    const urls = ['ws://a.test/aldis', 'ws://b.test/aldis'];
    const { node, clock, client, nextEvent } = setup({}, { urls });
    await client.connect();
    node.socket.drop();
    await nextEvent('reconnected');
    assert.equal(node.socket.url, urls[1], 'on b at once');
    await clock.advance(FIRST_DELAY - 1);
    node.socket.drop();
    const reconnecting = await nextEvent('reconnecting');
    assert.equal(reconnecting.delay, FIRST_DELAY);
    assert.deepEqual(node.sockets.map((s) => s.url), [urls[0], urls[1]], 'nothing dialled before the delay');
  });

  test('a URL in use that a new list dropped leaves every listed one to try at once', async () => {
    const { node, clock, client, nextEvent } = await onBAfterLearningBAndC();
    node.socket.deliver({ type: 'NODE_ADDRESSES', addresses: ['ws://c.test/aldis'] });
    await settle();
    assert.deepEqual(client.knownUrls, ['ws://a.test/aldis', 'ws://c.test/aldis']);
    node.refuse = (url) => url === 'ws://a.test/aldis';
    await clock.advance(FIRST_DELAY);
    node.socket.drop();
    await nextEvent('reconnected', 2);
    assert.equal(node.socket.url, 'ws://c.test/aldis', 'a refused, then c, both at once');
  });

  test('the first connect tries every URL once before it fails', async () => {
    const urls = ['ws://a.test/aldis', 'ws://b.test/aldis'];
    const { node, client } = setup({}, { urls });
    node.refuse = true;
    await rejectsWithCode(client.connect(), ErrorCode.CONNECTION_FAILED);
    assert.deepEqual(node.sockets.map((s) => s.url), urls);
    assert.throws(() => setup({}, { urls: [] }), /urls must be a non-empty array/);
  });

  test('a connect after failed tries the URLs from the first again', async () => {
    const urls = ['ws://a.test/aldis', 'ws://b.test/aldis', 'ws://c.test/aldis'];
    const { node, client, nextEvent } = setup({}, { urls, reconnect: false });
    node.refuse = (url) => url === urls[0];
    await client.connect();
    assert.equal(node.socket.url, urls[1]);
    node.refuse = false;
    node.socket.drop();
    await nextEvent('disconnected');
    await settle();
    assert.equal(client.state, 'failed');
    await client.connect();
    assert.equal(node.socket.url, urls[0], 'in the order given');
  });

  test('a token the node no longer knows falls back to SCRAM', async () => {
    const { node, clock, client, nextEvent } = setup();
    await client.connect();
    node.tokens.clear();
    node.socket.drop();
    await nextEvent('reconnecting');
    await clock.advance(100);
    const { session } = await nextEvent('reconnected');
    assert.equal(session.resumed, false);
    assert.equal(node.socket.of('CONNECT')[0].resumeToken, 'tok-1');
    assert.equal(node.socket.of('AUTH_START').length, 1);
    assert.equal(client.resumeToken, 'tok-2');
  });

  test('backoff doubles up to the cap, then the client gives up with RECONNECT_FAILED', async () => {
    const { node, clock, client, named, nextEvent } = setup();
    await client.connect();
    node.refuse = true;
    node.socket.drop();
    for (let i = 0; i < 4; i++) {
      await nextEvent('reconnecting', i + 1);
      await clock.advance(1000);
    }
    const failed = await nextEvent('reconnectFailed');
    assert.deepEqual(named('reconnecting').map((e) => [e.attempt, e.delay]), [[1, 100], [2, 200], [3, 400], [4, 400]]);
    // Every attempt names the loss, not the refusal of the attempt before it.
    assert.deepEqual(named('reconnecting').map((e) => e.reason.code), Array(4).fill(ErrorCode.CONNECTION_LOST));
    assert.equal(failed.error.code, ErrorCode.RECONNECT_FAILED);
    assert.equal(client.state, 'failed');
    assert.equal(node.sockets.length, 5);
  });

  test('a successful attempt resets the backoff', async () => {
    const { node, clock, client, named, nextEvent } = setup();
    await client.connect();
    node.refuse = true;
    node.socket.drop();
    await nextEvent('reconnecting', 1);
    await clock.advance(100);
    await nextEvent('reconnecting', 2);
    node.refuse = false;
    await clock.advance(200);
    await nextEvent('reconnected');
    node.socket.drop();
    await nextEvent('reconnecting', 3);
    assert.deepEqual(named('reconnecting').map((e) => e.delay), [100, 200, 100]);
  });

  test('jitter spreads the delay by at most the given fraction', () => {
    const policy = { initialDelayMs: 1000, maxDelayMs: 30000, maxAttempts: 10, jitter: 0.2 };
    assert.equal(backoffDelay(policy, 1, () => 0), 800);
    assert.equal(backoffDelay(policy, 1, () => 0.5), 1000);
    assert.equal(backoffDelay(policy, 3, () => 0.75), 4400);
    assert.equal(backoffDelay(policy, 10, () => 0.5), 30000);
    assert.equal(backoffDelay(policy, 1000, () => 0.5), 30000);
  });

  test('a node CLOSE is acknowledged and followed by a reconnect', async () => {
    const { node, clock, client, named, nextEvent } = setup();
    await client.connect();
    const first = node.socket;
    first.deliver({ type: 'CLOSE', code: -111, message: 'node stopping' });
    await nextEvent('reconnecting');
    assert.equal(first.of('CLOSE_ACK').length, 1);
    assert.deepEqual(named('disconnected')[0].reason, { code: -111, message: 'node stopping' });
    await clock.advance(100);
    await nextEvent('reconnected');
  });

  test('calls in flight fail with CONNECTION_INTERRUPTED when the connection drops', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', () => {});
    const call = client.call('svc.slow', []);
    await node.waitFor('RPC_REQUEST');
    node.socket.drop();
    await rejectsWithCode(call, ErrorCode.CONNECTION_INTERRUPTED);
    await rejectsWithCode(client.publish('a', 'x'), ErrorCode.CONNECTION_LOST);
  });
});

describe('liveness and flow control', { timeout: 30_000 }, () => {
  test('a PING from the node gets a PONG with its nonce', async () => {
    const { node, client } = setup();
    await client.connect();
    node.socket.deliver({ type: 'PING', nonce: 42n });
    const pong = await node.waitFor('PONG');
    assert.equal(pong.nonce, 42n);
  });

  test('an idle client sends PING every interval and stays up while the node answers', async () => {
    const { node, clock, client, named } = setup({ heartbeatMillis: 1000 });
    await client.connect();
    await clock.advance(999);
    assert.equal(node.all('PING').length, 0);
    await clock.advance(1);
    assert.equal(node.all('PING').length, 1);
    for (let i = 0; i < 5; i++) await clock.advance(1000);
    assert.equal(node.all('PING').length, 6);
    assert.deepEqual(node.all('PING').map((p) => p.nonce), [1n, 2n, 3n, 4n, 5n, 6n]);
    assert.equal(named('disconnected').length, 0);
  });

  test('sending work counts as a sign of life and delays the PING', async () => {
    const { node, clock, client } = setup({ heartbeatMillis: 1000 });
    await client.connect();
    await clock.advance(600);
    await client.publish('a', 'x');
    await clock.advance(600);
    assert.equal(node.all('PING').length, 0);
    await clock.advance(400);
    assert.equal(node.all('PING').length, 1);
  });

  test('a node silent for two intervals is declared dead', async () => {
    const { node, clock, client, named, nextEvent } = setup({ heartbeatMillis: 1000 });
    await client.connect();
    node.answerPings = false;
    const ws = node.socket;
    await clock.advance(1999);
    assert.equal(named('disconnected').length, 0);
    await clock.advance(1);
    const { reason } = await nextEvent('disconnected');
    assert.equal(reason.code, ErrorCode.HEARTBEAT_TIMEOUT);
    assert.equal(ws.of('ERROR')[0].code, ErrorCode.HEARTBEAT_TIMEOUT);
    assert.ok(ws.closed);
    await nextEvent('reconnecting');
  });

  test('PAUSE queues work in order, control frames still flow, RESUME flushes', async () => {
    const { node, client, nextEvent } = setup();
    await client.connect();
    const ws = node.socket;
    ws.deliver({ type: 'PAUSE' });
    await nextEvent('paused');
    assert.equal(client.paused, true);
    let sent = false;
    const first = client.publish('a', '1').then(() => { sent = true; });
    const second = client.publish('a', '2');
    ws.deliver({ type: 'PING', nonce: 7n });
    await node.waitFor('PONG');
    await settle();
    assert.equal(ws.of('PUBLISH').length, 0);
    assert.equal(sent, false);
    ws.deliver({ type: 'RESUME' });
    await nextEvent('resumed');
    await Promise.all([first, second]);
    await client.publish('a', '3');
    await node.waitFor('PUBLISH', 3);
    assert.deepEqual(ws.of('PUBLISH').map((p) => dec(p.payload)), ['1', '2', '3']);
    assert.equal(client.paused, false);
  });

  test('CAPABILITY_CHANGE updates the session, is announced, and gates requests of the family', async () => {
    const { node, client, nextEvent } = setup();
    await client.connect();
    node.socket.deliver({ type: 'CAPABILITY_CHANGE', capabilities: 0xffn & ~Capability.RPC });
    const away = await nextEvent('capabilitiesChanged');
    assert.equal(away.session.capabilities & Capability.RPC, 0n);
    assert.equal(client.session.capabilities, 0xffn & ~Capability.RPC);
    await rejectsWithCode(client.call('calc.add', [1, 2]), ErrorCode.CAPABILITY_UNAVAILABLE);
    assert.equal(node.socket.of('RPC_REQUEST').length, 0);
    node.socket.deliver({ type: 'CAPABILITY_CHANGE', capabilities: 0xffn });
    const back = await nextEvent('capabilitiesChanged', 2);
    assert.equal(back.session.capabilities, 0xffn);
    node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'RPC_RESPONSE', callId: f.callId, result: enc('3') }));
    assert.equal(await client.call('calc.add', [1, 2]), 3);
  });

  test('the pause queue is bounded', async () => {
    const { node, client, nextEvent } = setup({}, { maxQueuedWhilePaused: 1 });
    await client.connect();
    node.socket.deliver({ type: 'PAUSE' });
    await nextEvent('paused');
    const queued = client.publish('a', '1');
    await rejectsWithCode(client.publish('a', '2'), ErrorCode.BUSY);
    node.socket.drop();
    await rejectsWithCode(queued, ErrorCode.CONNECTION_LOST);
  });
});

describe('publish / subscribe', { timeout: 30_000 }, () => {
  test('subscribe, receive, and unsubscribe', async () => {
    const { node, client } = setup();
    await client.connect();
    const got = [];
    const sub = await client.subscribe('sensors.*', (m) => got.push(m), { queueGroup: 'g' });
    const frame = node.socket.of('SUBSCRIBE')[0];
    assert.deepEqual([frame.subscriptionId, frame.subject, frame.queueGroup], [sub.id, 'sensors.*', 'g']);
    node.socket.deliver({ type: 'DELIVER', subscriptionId: sub.id, subject: 'sensors.kitchen', replyTo: '',
      headers: new Map([['unit', 'C']]), payload: enc('{"t":21}') });
    await settle();
    assert.equal(got.length, 1);
    assert.equal(got[0].subject, 'sensors.kitchen');
    assert.equal(got[0].headers.get('unit'), 'C');
    assert.deepEqual(got[0].json(), { t: 21 });
    await sub.unsubscribe();
    assert.equal(node.socket.of('UNSUBSCRIBE')[0].subscriptionId, sub.id);
    node.socket.deliver({ type: 'DELIVER', subscriptionId: sub.id, subject: 'sensors.x', replyTo: '', headers: new Map(),
      payload: enc('late') });
    await settle();
    assert.equal(got.length, 1);
  });

  test('publish carries subject, reply subject, headers and payload', async () => {
    const { node, client } = setup();
    await client.connect();
    await client.publish('a.b', new Uint8Array([1, 2, 3]), { replyTo: 'r', headers: { k: 'v' } });
    const p = await node.waitFor('PUBLISH');
    assert.deepEqual([p.subject, p.replyTo, [...p.headers], [...p.payload]], ['a.b', 'r', [['k', 'v']], [1, 2, 3]]);
  });

  test('a refused subscription rejects with the node error and its details', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('SUBSCRIBE', (ws, f) => ws.deliver({ type: 'ERROR', requestId: f.subscriptionId, code: -301,
      message: 'bad subject', details: '{"subject":"a..b"}' }));
    await assert.rejects(client.subscribe('a..b', () => {}), (e) => e.code === ErrorCode.INVALID_SUBJECT
      && e.details.subject === 'a..b' && e.message === 'bad subject');
  });

  test('subscriptions are renewed after a reconnect', async () => {
    const { node, clock, client, nextEvent } = setup();
    await client.connect();
    const got = [];
    const sub = await client.subscribe('chat.>', (m) => got.push(m.text()));
    await client.subscribe('gone', () => {}).then((s) => s.unsubscribe());
    node.socket.drop();
    await nextEvent('reconnecting');
    await clock.advance(100);
    await nextEvent('reconnected');
    await node.waitFor('SUBSCRIBE', 3);
    const renewed = node.socket.of('SUBSCRIBE');
    assert.deepEqual(renewed.map((f) => [f.subscriptionId, f.subject]), [[sub.id, 'chat.>']]);
    node.socket.deliver({ type: 'DELIVER', subscriptionId: sub.id, subject: 'chat.room', replyTo: '', headers: new Map(),
      payload: enc('hello again') });
    await settle();
    assert.deepEqual(got, ['hello again']);
  });

  test('a handler that throws is reported as an error event', async () => {
    const { node, client, nextEvent } = setup();
    await client.connect();
    const sub = await client.subscribe('x', () => { throw new Error('boom'); });
    node.socket.deliver({ type: 'DELIVER', subscriptionId: sub.id, subject: 'x', replyTo: '', headers: new Map(),
      payload: new Uint8Array(0) });
    const e = await nextEvent('error');
    assert.equal(e.error.message, 'boom');
    assert.equal(e.subscription, sub);
  });

  test('request() uses a temporary inbox subscription and resolves with the reply', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('PUBLISH', (ws, f) => {
      const inboxId = [...ws.subscriptions].find(([, subject]) => subject === f.replyTo)[0];
      ws.deliver({ type: 'DELIVER', subscriptionId: inboxId, subject: f.replyTo, replyTo: '', headers: new Map(),
        payload: enc(`pong:${dec(f.payload)}`) });
    });
    const reply = await client.request('svc.echo', 'ping', { timeoutMs: 5000 });
    assert.equal(reply.text(), 'pong:ping');
    const publish = node.socket.of('PUBLISH')[0];
    assert.match(publish.replyTo, /^_inbox\.[0-9a-f]+$/);
    assert.equal(node.socket.of('SUBSCRIBE')[0].subject, publish.replyTo);
    await node.waitFor('UNSUBSCRIBE');
  });

  test('request() rejects with NO_RESPONDERS or REQUEST_TIMEOUT', async () => {
    const { node, clock, client } = setup();
    await client.connect();
    node.on('PUBLISH', (ws, f) => ws.deliver({ type: 'ERROR', requestId: 0n, code: -311, message: 'no subscriber',
      details: JSON.stringify({ subject: f.subject, replyTo: f.replyTo }) }));
    await rejectsWithCode(client.request('nobody.home', 'x'), ErrorCode.NO_RESPONDERS);
    node.on('PUBLISH', () => {});
    const outcome = rejectsWithCode(client.request('slow', 'x', { timeoutMs: 500 }), ErrorCode.REQUEST_TIMEOUT);
    await node.waitFor('PUBLISH', 2);
    await clock.advance(500);
    await outcome;
  });
});

describe('typed messages and RPC', { timeout: 30_000 }, () => {
  test('send() resolves with the handler reply; NO_HANDLER rejects', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('MESSAGE', (ws, f) => {
      if (f.messageType === 'greet') {
        ws.deliver({ type: 'MESSAGE', reply: true, correlationId: f.correlationId, messageType: 'greet',
          payload: enc(`hello ${dec(f.payload)}`) });
      } else {
        ws.deliver({ type: 'ERROR', requestId: f.correlationId, code: -300, message: 'no handler', details: '' });
      }
    });
    const reply = await client.send('greet', 'ada');
    assert.equal(reply.text(), 'hello ada');
    await rejectsWithCode(client.send('unknown', 'x'), ErrorCode.NO_HANDLER);
    await client.send('fire', 'x', { noReply: true });
    const last = await node.waitFor('MESSAGE', 3);
    assert.equal(last.correlationId, 0n);
  });

  test('call() resolves with the decoded JSON result', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => {
      const [a, b] = JSON.parse(dec(f.params));
      ws.deliver({ type: 'RPC_RESPONSE', callId: f.callId, result: enc(JSON.stringify({ sum: a + b })) });
    });
    assert.deepEqual(await client.call('math.add', [1, 2], { timeoutMs: 2000 }), { sum: 3 });
    const request = node.socket.of('RPC_REQUEST')[0];
    assert.equal(request.method, 'math.add');
    assert.equal(request.timeoutMillis, 2000);
  });

  test('call() rejects with the RPC_ERROR code, message and details', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', (ws, f) => ws.deliver({ type: 'RPC_ERROR', callId: f.callId, code: -401,
      message: 'invalid parameters', details: '{"fields":{"name":"must not be blank"}}' }));
    await assert.rejects(client.call('users.create', { name: '' }), (e) => e instanceof AldisError
      && e.code === ErrorCode.INVALID_PARAMS && e.codeName === 'INVALID_PARAMS'
      && e.details.fields.name === 'must not be blank');
  });

  test('a call past its deadline is cancelled on the node', async () => {
    const { node, clock, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', () => {});
    const outcome = rejectsWithCode(client.call('svc.slow', [], { timeoutMs: 1000 }), ErrorCode.DEADLINE_EXCEEDED);
    const request = await node.waitFor('RPC_REQUEST');
    await clock.advance(1000);
    await outcome;
    const cancel = await node.waitFor('RPC_CANCEL');
    assert.equal(cancel.callId, request.callId);
  });

  test('an aborted call is cancelled', async () => {
    const { node, client } = setup();
    await client.connect();
    node.on('RPC_REQUEST', () => {});
    const controller = new AbortController();
    const call = client.call('svc.slow', [], { signal: controller.signal });
    await node.waitFor('RPC_REQUEST');
    controller.abort();
    await rejectsWithCode(call, ErrorCode.CANCELLED);
    await node.waitFor('RPC_CANCEL');
  });

  test('a family the node does not offer is refused without sending', async () => {
    const { node, client } = setup({ capabilities: Capability.PUBSUB });
    await client.connect();
    await rejectsWithCode(client.call('a.b', []), ErrorCode.CAPABILITY_UNAVAILABLE);
    await rejectsWithCode(client.send('t', 'x'), ErrorCode.CAPABILITY_UNAVAILABLE);
    assert.equal(node.all('RPC_REQUEST').length + node.all('MESSAGE').length, 0);
  });

  test('a frame above the node maximum is refused locally', async () => {
    const { node, client } = setup({ maxFrameSize: 1024 });
    await client.connect();
    await rejectsWithCode(client.publish('a', new Uint8Array(1024)), ErrorCode.FRAME_TOO_LARGE);
    await client.publish('a', new Uint8Array(1000));
    assert.equal((await node.waitFor('PUBLISH')).payload.length, 1000);
  });
});

/** One frame's bytes as a message of the subprotocol the socket runs. */
function messageOf(ws, frameBytes) {
  return (ws.batched ? joinFrames([frameBytes]) : frameBytes).buffer;
}

describe('bad input from the node', { timeout: 30_000 }, () => {
  for (const subprotocol of ['aldis.v1.batch', 'aldis.v1']) {
    test(`an unknown frame type is answered with UNKNOWN_FRAME_TYPE and the session carries on (${subprotocol})`, async () => {
      const { node, client } = setup({ subprotocol });
      await client.connect();
      assert.equal(node.socket.protocol, subprotocol);
      node.socket.deliverRaw(messageOf(node.socket, new Uint8Array([0x7f, 0x00, 0x01])));
      const error = await node.waitFor('ERROR');
      assert.equal(error.code, ErrorCode.UNKNOWN_FRAME_TYPE);
      assert.equal(client.state, 'connected');
      await client.publish('a', 'still here');
    });

    test(`a malformed frame is answered with MALFORMED_FRAME and the connection is closed (${subprotocol})`, async () => {
      const { node, client, nextEvent } = setup({ subprotocol });
      await client.connect();
      const ws = node.socket;
      ws.deliverRaw(messageOf(ws, new Uint8Array([0x24, 0x00, 0x00, 0x00]))); // CLOSE cut short
      const { reason } = await nextEvent('disconnected');
      assert.equal(reason.code, ErrorCode.MALFORMED_FRAME);
      assert.equal(ws.of('ERROR')[0].code, ErrorCode.MALFORMED_FRAME);
      assert.ok(ws.closed);
    });
  }

  test('a batched message that ends inside a frame is answered with MALFORMED_FRAME and the connection is closed', async () => {
    const { node, client, nextEvent } = setup();
    await client.connect();
    const ws = node.socket;
    // A PONG announced at 10 bytes, of which the message holds 6: a frame never continues in the next message.
    ws.deliverRaw(new Uint8Array([0, 0, 0, 10, 0x21, 0x00, 0, 0, 0, 1]).buffer);
    const { reason } = await nextEvent('disconnected');
    assert.equal(reason.code, ErrorCode.MALFORMED_FRAME);
    assert.match(reason.message, /ends inside a frame/);
    assert.equal(ws.of('ERROR')[0].code, ErrorCode.MALFORMED_FRAME);
    assert.ok(ws.closed);
  });

  test('a connection-level ERROR becomes an error event', async () => {
    const { node, client, nextEvent } = setup();
    await client.connect();
    node.socket.deliver({ type: 'ERROR', requestId: 0n, code: -600, message: 'slow down', details: '' });
    const { error } = await nextEvent('error');
    assert.equal(error.code, ErrorCode.RATE_LIMITED);
    assert.equal(client.state, 'connected');
  });
});

describe('close', { timeout: 30_000 }, () => {
  test('close() sends CLOSE, waits for CLOSE_ACK and does not reconnect', async () => {
    const { node, client, named } = setup();
    await client.connect();
    await client.close();
    assert.equal(client.state, 'closed');
    assert.deepEqual(node.socket.of('CLOSE')[0], { type: 'CLOSE', code: 0, message: 'client closing' });
    assert.ok(node.socket.closed);
    assert.equal(named('disconnected')[0].reason.code, 0);
    assert.equal(named('reconnecting').length, 0);
    await rejectsWithCode(client.connect(), ErrorCode.CONNECTION_FAILED);
  });

  test('close() gives up waiting for CLOSE_ACK after closeTimeoutMs', async () => {
    const { node, clock, client } = setup({}, { closeTimeoutMs: 2000 });
    await client.connect();
    node.on('CLOSE', () => {});
    let closed = false;
    const closing = client.close().then(() => { closed = true; });
    await node.waitFor('CLOSE');
    await clock.advance(1999);
    assert.equal(closed, false);
    await clock.advance(1);
    await closing;
    assert.ok(node.socket.closed);
  });

  test('a reply still in flight when closing is delivered before CLOSE_ACK', async () => {
    const { node, client } = setup();
    await client.connect();
    let pending;
    node.on('RPC_REQUEST', (ws, f) => { pending = f; });
    node.on('CLOSE', (ws) => {
      ws.deliver({ type: 'RPC_RESPONSE', callId: pending.callId, result: enc('42') });
      ws.deliver({ type: 'CLOSE_ACK' });
    });
    const call = client.call('svc.answer', []);
    await node.waitFor('RPC_REQUEST');
    await client.close();
    assert.equal(await call, 42);
  });

  test('close() during reconnect backoff stops reconnecting', async () => {
    const { node, clock, client, nextEvent } = setup();
    await client.connect();
    node.socket.drop();
    await nextEvent('reconnecting');
    await client.close();
    await clock.advance(10_000);
    assert.equal(node.sockets.length, 1);
    assert.equal(client.state, 'closed');
  });
});

describe('WebSocket subprotocols (docs/protocol.md 2.2)', { timeout: 30_000 }, () => {
  test('under aldis.v1.batch what the client writes in one turn leaves as one message of length-prefixed frames', async () => {
    const { node, client } = setup();
    await client.connect();
    const ws = node.socket;
    const before = ws.messages.length;
    await Promise.all([client.publish('a', 'one'), client.publish('a', 'two'), client.publish('b', 'three')]);
    await node.waitFor('PUBLISH', 3);
    assert.equal(ws.messages.length - before, 1);
    const frames = splitFrames(ws.messages[before]);
    assert.equal(frames.length, 3);
    assert.deepEqual(ws.of('PUBLISH').map((f) => dec(f.payload)), ['one', 'two', 'three']);
  });

  test('under aldis.v1 (an older node) every frame is a message of its own, without a prefix', async () => {
    const { node, client } = setup({ subprotocol: 'aldis.v1' });
    await client.connect();
    const ws = node.socket;
    assert.equal(ws.protocol, 'aldis.v1');
    const before = ws.messages.length;
    await Promise.all([client.publish('a', 'one'), client.publish('a', 'two')]);
    await node.waitFor('PUBLISH', 2);
    assert.equal(ws.messages.length - before, 2);
    assert.equal(new Uint8Array(ws.messages[before])[0], 0x33); // the frame's type byte comes first
  });

  test('several frames in one message from the node are each handled, in order', async () => {
    const { node, client } = setup();
    await client.connect();
    const got = [];
    await client.subscribe('a', (m) => got.push(dec(m.payload)));
    const id = node.socket.of('SUBSCRIBE')[0].subscriptionId;
    const deliver = (text) => ({ type: 'DELIVER', subscriptionId: id, subject: 'a', replyTo: '', headers: new Map(),
      payload: enc(text) });
    node.socket.deliverTogether([deliver('x'), deliver('y'), { type: 'PING', nonce: 9n }, deliver('z')]);
    await node.waitFor('PONG');
    await settle();
    assert.deepEqual(got, ['x', 'y', 'z']);
  });

  test('a turn\'s frames beyond the largest message are cut between frames, none above the limit', async () => {
    const { node, client } = setup({ maxFrameSize: 1024 });
    await client.connect();
    const ws = node.socket;
    const before = ws.messages.length;
    const sends = [];
    for (let i = 0; i < 5; i++) sends.push(client.publish('a', new Uint8Array(400)));
    await Promise.all(sends);
    await node.waitFor('PUBLISH', 5);
    // Each PUBLISH is 409 bytes, 413 with its prefix: two fit in 1024 + 4 bytes, three do not.
    const messages = ws.messages.slice(before);
    assert.deepEqual(messages.map((m) => splitFrames(m).length), [2, 2, 1]);
    for (const message of messages) assert.ok(message.byteLength <= 1024 + 4, `${message.byteLength} bytes`);
  });
});
