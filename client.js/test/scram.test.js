import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ScramClient, ScramError, base64Decode, base64Encode, escapeUser, hmac, parseAttributes, randomNonce,
  saltedPassword, sha256, validNonce,
} from '../src/scram.js';

// RFC 7677, section 3.
const CLIENT_NONCE = 'rOprNGfwEbeRWgbNEkqO';
const NONCE = `${CLIENT_NONCE}%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0`;
const SALT = 'W22ZaJ0SNY7soEsUEjb6gQ==';
const SERVER_FIRST = `r=${NONCE},s=${SALT},i=4096`;
const PROOF = 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const CLIENT_FINAL = `c=biws,r=${NONCE},p=${PROOF}`;
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

async function afterChallenge(password = 'pencil') {
  const client = new ScramClient('user', password, { nonce: CLIENT_NONCE });
  client.clientFirstMessage();
  const final = await client.clientFinalMessage(enc(SERVER_FIRST));
  return { client, final: dec(final) };
}

describe('SCRAM-SHA-256', () => {
  test('the RFC 7677 example, message for message', async () => {
    const client = new ScramClient('user', 'pencil', { nonce: CLIENT_NONCE });
    assert.equal(dec(client.clientFirstMessage()), `n,,n=user,r=${CLIENT_NONCE}`);
    assert.equal(dec(await client.clientFinalMessage(enc(SERVER_FIRST))), CLIENT_FINAL);
    client.verifyServerFinal(enc(SERVER_FINAL));
  });

  test('the server side of the same exchange checks the RFC proof', async () => {
    const salted = await saltedPassword('pencil', base64Decode(SALT), 4096);
    const storedKey = await sha256(await hmac(salted, enc('Client Key')));
    const serverKey = await hmac(salted, enc('Server Key'));
    const authMessage = enc(`n=user,r=${CLIENT_NONCE},${SERVER_FIRST},c=biws,r=${NONCE}`);
    const signature = await hmac(storedKey, authMessage);
    const clientKey = base64Decode(PROOF).map((b, i) => b ^ signature[i]);
    assert.deepEqual(await sha256(clientKey), storedKey);
    assert.equal(`v=${base64Encode(await hmac(serverKey, authMessage))}`, SERVER_FINAL);
  });

  test('a wrong server signature is rejected', async () => {
    const { client } = await afterChallenge();
    assert.throws(() => client.verifyServerFinal(enc('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')),
      (e) => e instanceof ScramError && /does not match/.test(e.message));
  });

  test('a server error in the final message is rejected', async () => {
    const { client } = await afterChallenge();
    assert.throws(() => client.verifyServerFinal(enc('e=invalid-proof')), /invalid-proof/);
  });

  test('a final message that is neither v= nor e= is rejected', async () => {
    const { client } = await afterChallenge();
    assert.throws(() => client.verifyServerFinal(enc('x=1')), ScramError);
  });

  test('a wrong password gives another proof, and the real server signature then fails', async () => {
    const { client, final } = await afterChallenge('pencil2');
    assert.notEqual(final, CLIENT_FINAL);
    assert.throws(() => client.verifyServerFinal(enc(SERVER_FINAL)), ScramError);
  });

  const malformed = [
    '',
    'garbage',
    `r=${CLIENT_NONCE}XYZ,s=${SALT}`, // no iteration count
    `s=${SALT},r=${CLIENT_NONCE}XYZ,i=4096`, // wrong order
    `r=otherNonceXYZ,s=${SALT},i=4096`, // does not extend the client nonce
    `r=${CLIENT_NONCE},s=${SALT},i=4096`, // nonce not extended at all
    `r=${CLIENT_NONCE}XYZ,s=${SALT},i=4095`, // too few iterations
    `r=${CLIENT_NONCE}XYZ,s=${SALT},i=10000001`, // too many
    `r=${CLIENT_NONCE}XYZ,s=${SALT},i=99999999999`,
    `r=${CLIENT_NONCE}XYZ,s=${SALT},i=abc`,
    `r=${CLIENT_NONCE}XYZ,s=${SALT},i=-4096`,
    `r=${CLIENT_NONCE}XYZ,s=***,i=4096`, // bad base64
    `r=${CLIENT_NONCE}XYZ,s=W22ZaJ0SNY7soEsUEjb6gQ,i=4096`, // missing padding
    `r=${CLIENT_NONCE}XYZ,s=,i=4096`, // empty salt
    `m=ext,r=${CLIENT_NONCE}XYZ,s=${SALT},i=4096`, // mandatory extension
    'e=other-error',
    `r=${CLIENT_NONCE}XYZ,r=x,s=${SALT},i=4096`, // repeated attribute
    `r=${CLIENT_NONCE}XYZ,,s=${SALT},i=4096`, // empty attribute
    `r=${CLIENT_NONCE}XYZ,s=${SALT},i=4096,`, // trailing comma
  ];
  for (const serverFirst of malformed) {
    test(`a malformed server-first-message is rejected: ${JSON.stringify(serverFirst)}`, async () => {
      const client = new ScramClient('user', 'pencil', { nonce: CLIENT_NONCE });
      client.clientFirstMessage();
      await assert.rejects(client.clientFinalMessage(enc(serverFirst)), ScramError);
    });
  }

  test('invalid UTF-8 from the server is rejected', async () => {
    const client = new ScramClient('user', 'pencil', { nonce: CLIENT_NONCE });
    client.clientFirstMessage();
    await assert.rejects(client.clientFinalMessage(new Uint8Array([0x72, 0x3d, 0xff])), /UTF-8/);
  });

  test('calls out of order are refused', async () => {
    const client = new ScramClient('user', 'pencil', { nonce: CLIENT_NONCE });
    await assert.rejects(client.clientFinalMessage(enc(SERVER_FIRST)), /must be called first/);
    assert.throws(() => client.verifyServerFinal(enc(SERVER_FINAL)), /must succeed first/);
    client.clientFirstMessage();
    assert.throws(() => client.clientFirstMessage(), /already/);
  });

  test('user names are escaped', () => {
    const client = new ScramClient('a=b,c', 'x', { nonce: 'abc' });
    assert.equal(dec(client.clientFirstMessage()), 'n,,n=a=3Db=2Cc,r=abc');
    assert.equal(escapeUser('plain'), 'plain');
  });

  test('random nonces are valid and distinct; bad nonces are refused', () => {
    const a = randomNonce();
    const b = randomNonce();
    assert.ok(validNonce(a));
    assert.notEqual(a, b);
    assert.equal(validNonce('a,b'), false);
    assert.equal(validNonce('a b'), false);
    assert.equal(validNonce(''), false);
    assert.throws(() => new ScramClient('u', 'p', { nonce: 'a,b' }), TypeError);
    assert.throws(() => new ScramClient('', 'p'), TypeError);
  });

  test('base64 round trips and attribute parsing keep order', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      assert.deepEqual(base64Decode(base64Encode(bytes)), bytes);
      assert.equal(base64Encode(bytes), Buffer.from(bytes).toString('base64'));
    }
    assert.deepEqual([...parseAttributes('r=a,s=b,i=1').keys()], ['r', 's', 'i']);
  });
});
