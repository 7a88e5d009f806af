import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Capability } from '../src/aldis.js';
import { setup } from './rig.js';

describe('the STREAMS capability', { timeout: 30_000 }, () => {
  test('CONNECT announces STREAMS, and the client follows what the node offers now', async () => {
    const { node, client, nextEvent } = setup({ capabilities: 0xffn & ~Capability.STREAMS });
    assert.equal(client.streamsAvailable, false);
    await client.connect();
    assert.ok(node.socket.of('CONNECT')[0].capabilities & Capability.STREAMS);
    assert.equal(client.streamsAvailable, false);
    node.socket.deliver({ type: 'CAPABILITY_CHANGE', capabilities: 0xffn });
    await nextEvent('capabilitiesChanged');
    assert.equal(client.streamsAvailable, true);
    node.socket.deliver({ type: 'CAPABILITY_CHANGE', capabilities: 0xffn & ~Capability.STREAMS });
    await nextEvent('capabilitiesChanged', 2);
    assert.equal(client.streamsAvailable, false);
  });

  test('a client configured without STREAMS never streams, whatever the node offers', async () => {
    const { client } = setup({}, { capabilities: Capability.RPC });
    await client.connect();
    assert.equal(client.session.capabilities & Capability.STREAMS, Capability.STREAMS);
    assert.equal(client.streamsAvailable, false);
  });
});
