// Drives the demo room in headless Chromium for BrowserChatTest: two pages join as two users,
// each says one line, and both wait until they show their own lines, each other's and the line
// of the Java client. Settings come from the environment (see BrowserChatTest). Prints progress
// lines, then one line "RESULT <json>" with what each page shows; exits 1 on any failure.

import { env, logger, open, run, watch } from './harness.mjs';

const pageUrl = env('DEMO_URL');
const users = JSON.parse(env('DEMO_USERS')); // [{user, password, text}, ...]
const javaLine = JSON.parse(env('DEMO_JAVA_LINE')); // {from, text}
const screenshotDir = env('DEMO_SCREENSHOT_DIR');
const waitMs = Number(process.env.DEMO_WAIT_MS ?? 30000);

const log = logger('chat');

async function openRoom(browser, { user, password }) {
  const context = await browser.newContext({ viewport: { width: 900, height: 720 } });
  const page = await context.newPage();
  watch(page, log, user);
  await open(page, pageUrl);
  await page.fill('#user', user);
  await page.fill('#password', password);
  await page.click('#join');
  // Joined means: authenticated, subscribed to the room, and the input enabled.
  await page.waitForSelector('#state[data-state="connected"]', { timeout: waitMs });
  await page.waitForSelector('#room:not([hidden]) #text:enabled', { timeout: waitMs });
  await page.waitForSelector('#login', { state: 'hidden', timeout: waitMs });
  log(`${user} joined`);
  return page;
}

async function say(page, user, text) {
  await page.fill('#text', text);
  await page.click('#send');
  // The input is cleared once the client handed the message to the socket.
  await page.waitForFunction(() => document.getElementById('text').value === '', null, { timeout: waitMs });
  log(`${user} said: ${text}`);
}

function shown(page) {
  return page.$$eval('#messages li.message', (items) => items.map((item) => ({
    from: item.querySelector('.from')?.textContent ?? '',
    text: item.querySelector('.text')?.textContent ?? '',
  })));
}

async function waitForLines(page, user, expected) {
  try {
    await page.waitForFunction((lines) => {
      const items = [...document.querySelectorAll('#messages li.message')].map((item) => (
        `${item.querySelector('.from')?.textContent}\u0000${item.querySelector('.text')?.textContent}`));
      return lines.every((line) => items.includes(`${line.from}\u0000${line.text}`));
    }, expected, { timeout: waitMs });
  } catch (error) {
    throw new Error(`${user}'s page does not show every line; it shows ${JSON.stringify(await shown(page))}`,
      { cause: error });
  }
}

await run('chat', async (browser) => {
  const pages = [];
  for (const participant of users) pages.push(await openRoom(browser, participant));
  for (let i = 0; i < users.length; i++) await say(pages[i], users[i].user, users[i].text);
  log('waiting for every line on every page');
  const expected = [...users.map(({ user, text }) => ({ from: user, text })), javaLine];
  for (let i = 0; i < users.length; i++) await waitForLines(pages[i], users[i].user, expected);
  const result = {};
  for (let i = 0; i < users.length; i++) {
    const file = `${screenshotDir}/browser-chat-${users[i].user}.png`;
    await pages[i].screenshot({ path: file, fullPage: true });
    log(`screenshot ${file}`);
    result[users[i].user] = {
      state: await pages[i].getAttribute('#state', 'data-state'),
      lines: await shown(pages[i]),
    };
  }
  return result;
});
