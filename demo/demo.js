// The demo room: everyone who joins subscribes to one subject and publishes their lines on it as
// JSON {from, text, at}. Served by the node next to the browser client's modules.

import { AldisClient } from './aldis.js';
import { FileArea } from './file-area.js';

const SUBJECT = 'demo.room';
const MAX_SHOWN = 500;

const $ = (id) => document.getElementById(id);
const ui = {
  state: $('state'),
  login: $('login'),
  user: $('user'),
  password: $('password'),
  join: $('join'),
  loginError: $('login-error'),
  room: $('room'),
  me: $('me'),
  endpoint: $('endpoint'),
  leave: $('leave'),
  messages: $('messages'),
  compose: $('compose'),
  text: $('text'),
  send: $('send'),
  roomError: $('room-error'),
  files: $('files'),
};

const STATE_LABELS = {
  idle: 'not connected',
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  closing: 'leaving…',
  closed: 'not connected',
  failed: 'connection failed',
};

let client = null;
let user = '';
let fileArea = null;

/** ws(s)://<this page's host><path in the meta element>, or ?ws=<url> when given. */
function endpointUrl() {
  const override = new URLSearchParams(location.search).get('ws');
  if (override) return override;
  if (!location.host) return 'ws://127.0.0.1:7441/aldis';
  const path = document.querySelector('meta[name="aldis-ws-path"]')?.content || '/aldis';
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}

function showState(state, extra = '') {
  ui.state.dataset.state = state;
  ui.state.textContent = (STATE_LABELS[state] ?? state) + extra;
  const ready = state === 'connected';
  ui.text.disabled = !ready;
  ui.send.disabled = !ready;
}

function showError(element, message) {
  element.textContent = message;
  element.hidden = !message;
}

function describe(error) {
  if (error && error.codeName) return `${error.message} (${error.codeName})`;
  return error?.message ?? String(error);
}

function formatTime(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString();
}

function addLine(item) {
  ui.messages.append(item);
  while (ui.messages.children.length > MAX_SHOWN) ui.messages.firstElementChild.remove();
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

function addNotice(text) {
  const item = document.createElement('li');
  item.className = 'notice';
  item.textContent = text;
  addLine(item);
}

/** Shows one message of the room; anything that is not {from, text, at} is shown as a notice. */
function addMessage(message) {
  let body;
  try {
    body = message.json();
  } catch {
    addNotice(`(a message that is not JSON: ${message.text().slice(0, 200)})`);
    return;
  }
  if (!body || typeof body.from !== 'string' || typeof body.text !== 'string') {
    addNotice('(a message without from and text)');
    return;
  }
  const item = document.createElement('li');
  item.className = 'message' + (body.from === user ? ' mine' : '');
  item.dataset.from = body.from;
  const time = document.createElement('time');
  time.textContent = formatTime(body.at);
  if (time.textContent) time.dateTime = new Date(body.at).toISOString();
  const from = document.createElement('span');
  from.className = 'from';
  from.textContent = body.from;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = body.text;
  item.append(time, from, text);
  addLine(item);
}

async function join(name, password) {
  user = name;
  const url = endpointUrl();
  client = new AldisClient({ url, user: name, password, clientName: 'aldis-demo-page' });
  const current = client;
  const follow = (extra = '') => {
    if (client === current) showState(current.state, extra);
  };
  current.on('connected', () => follow());
  current.on('reconnected', () => {
    follow();
    addNotice('connection restored');
  });
  current.on('disconnected', ({ reason }) => {
    queueMicrotask(() => follow()); // the client picks its next state right after this event
    if (reason.code !== 0 && current.state !== 'closing') addNotice(`connection lost: ${reason.message}`);
  });
  current.on('reconnecting', ({ attempt, delay }) => follow(` (attempt ${attempt} in ${Math.round(delay / 100) / 10} s)`));
  current.on('reconnectFailed', ({ error }) => {
    follow();
    showError(ui.roomError, `Gave up reconnecting: ${describe(error)}`);
  });
  current.on('error', ({ error }) => showError(ui.roomError, describe(error)));

  showState('connecting');
  await current.connect();
  await current.subscribe(SUBJECT, addMessage);
  ui.me.textContent = name;
  ui.endpoint.textContent = url;
  ui.login.hidden = true;
  ui.room.hidden = false;
  ui.files.hidden = false;
  showState(current.state);
  fileArea = new FileArea(current, name);
  fileArea.start();
  ui.text.focus();
}

async function leave() {
  const current = client;
  client = null;
  fileArea?.stop();
  fileArea = null;
  ui.room.hidden = true;
  ui.files.hidden = true;
  ui.login.hidden = false;
  ui.messages.replaceChildren();
  showError(ui.roomError, '');
  showState('closed');
  if (current) await current.close().catch(() => {});
}

ui.login.addEventListener('submit', async (event) => {
  event.preventDefault();
  showError(ui.loginError, '');
  ui.join.disabled = true;
  const password = ui.password.value;
  ui.password.value = '';
  try {
    await join(ui.user.value.trim(), password);
  } catch (error) {
    const failed = client;
    client = null;
    showState('failed');
    showError(ui.loginError, `Could not join: ${describe(error)}`);
    if (failed) failed.close().catch(() => {});
  } finally {
    ui.join.disabled = false;
  }
});

ui.compose.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = ui.text.value.trim();
  if (!text || !client) return;
  const line = JSON.stringify({ from: user, text, at: new Date().toISOString() });
  try {
    await client.publish(SUBJECT, line);
    ui.text.value = '';
    showError(ui.roomError, '');
  } catch (error) {
    showError(ui.roomError, `Not sent: ${describe(error)}`);
  }
  ui.text.focus();
});

ui.leave.addEventListener('click', () => leave());

showState('idle');
