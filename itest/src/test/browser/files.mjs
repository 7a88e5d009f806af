// File transfer in headless Chromium, for BrowserFilesTest. Two parts, chosen by FILES_PART:
//
// * "client": a page loads the browser client the node serves, checks its incremental SHA-256
//   against WebCrypto on many sizes, and uploads a generated Blob; a second page (another browser
//   context, the same user) lists it and downloads it. A tap on each page's WebSocket decodes the
//   file frames both ways: the capabilities announced, the compression asked and used, chunks sent
//   beyond the window.
// * "resume": the same page through a proxy the test cuts: once mid-upload (the page holds the
//   read of a chunk until the cut) and once mid-download (the page holds the socket's messages
//   until the cut); the client reconnects with its resume token and each transfer goes on with
//   RESUME_REQUEST instead of starting again.
// * "demo": the demo page as a user sees it: log in, drop a file on the file area, watch it
//   stored and listed, download it through the page (the browser saves it), then drop one that
//   does not fit the quota and read the error the page shows.
//
// Settings come from the environment (see BrowserFilesTest). The last line is "RESULT <json>";
// the script exits 1 on any failure.

import { env, logger, open, run, watch } from './harness.mjs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';


const settings = {
  part: env('FILES_PART'),
  pageUrl: env('FILES_PAGE_URL'),
  wsUrl: env('FILES_WS_URL'),
  user: env('FILES_USER'),
  password: env('FILES_PASSWORD'),
  name: env('FILES_NAME'),
  size: Number(env('FILES_SIZE')),
  chunkSize: Number(process.env.FILES_CHUNK_SIZE ?? 0),
  tooLargeSize: Number(process.env.FILES_TOO_LARGE_SIZE ?? 0),
  cutAt: Number(process.env.FILES_CUT_AT ?? 0),
  waitMs: Number(process.env.FILES_WAIT_MS ?? 30000),
};

const log = logger('files');

/** The generated content, byte i = the top byte of the low 32 bits of i times 0x9E3779B1 (BrowserFilesTest makes the same). */
function generated(size) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.imul(i, 0x9e3779b1) >>> 24;
  return bytes;
}

// Runs in the page: defines window.filesTest with what both pages of the "client" part need.
async function installInPage() {
  const aldis = await import('/aldis.js');
  const { AldisClient, decodeFrame, hexOf, splitFrames } = aldis;

  /** What went over the page's WebSockets, and any rule of file transfer broken on the wire. */
  const tap = { capabilities: [], violations: [], chunksOut: 0, chunksIn: 0, compressedOut: 0, compressedIn: 0,
    uploadWindow: 0, maxUnacked: 0, downloadAsked: [], downloadUsed: [], acksOut: 0, nacksOut: 0, verifies: [],
    requests: 0, resumes: [], sockets: 0 };
  const unacked = new Set();
  /** The frames of one message: several behind length prefixes under aldis.v1.batch (docs/protocol.md 2.2). */
  const framesOf = (socket, data) => (socket.protocol === 'aldis.v1.batch'
    ? splitFrames(new Uint8Array(data)).map((bytes) => decodeFrame(bytes)) : [decodeFrame(new Uint8Array(data))]);
  const see = (direction, socket, data) => {
    let frames;
    try {
      frames = framesOf(socket, data);
    } catch {
      return;
    }
    for (const frame of frames) seeFrame(direction, frame);
  };
  const seeFrame = (direction, frame) => {
    switch (`${direction} ${frame.type}`) {
      case 'out CONNECT': tap.capabilities.push(Number(frame.capabilities)); break;
      case 'in UPLOAD_ACCEPT': tap.uploadWindow = frame.window; break;
      case 'out UPLOAD_REQUEST': tap.requests += 1; break;
      case 'out RESUME_REQUEST': tap.resumes.push({ direction: frame.direction, held: frame.chunksHeld }); break;
      case 'in RESUME_RESPONSE': {
        const asked = tap.resumes[tap.resumes.length - 1];
        if (frame.status === 0 && asked.direction === 1) tap.uploadWindow = frame.window;
        asked.status = frame.status;
        asked.missing = frame.chunksMissing;
        break;
      }
      case 'out CHUNK_DATA':
        tap.chunksOut += 1;
        if (frame.compressed) tap.compressedOut += 1;
        unacked.add(frame.chunkIndex);
        tap.maxUnacked = Math.max(tap.maxUnacked, unacked.size);
        if (unacked.size > tap.uploadWindow) tap.violations.push(`chunk ${frame.chunkIndex} beyond the window of ${tap.uploadWindow}`);
        break;
      case 'in CHUNK_ACK': unacked.delete(frame.chunkIndex); break;
      case 'out DOWNLOAD_REQUEST': tap.requests += 1; tap.downloadAsked.push(frame.compression); break;
      case 'in DOWNLOAD_ACCEPT': tap.downloadUsed.push(frame.compression); break;
      case 'in CHUNK_DATA':
        tap.chunksIn += 1;
        if (frame.compressed) tap.compressedIn += 1;
        break;
      case 'out CHUNK_ACK': tap.acksOut += 1; break;
      case 'out CHUNK_NACK': tap.nacksOut += 1; break;
      case 'out DOWNLOAD_VERIFY': tap.verifies.push(frame.verified); break;
      default: break;
    }
  };
  /** The page's WebSockets; the latest can be told to hold the messages it receives (a stalled network). */
  const sockets = [];
  class TappedSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      tap.sockets += 1;
      unacked.clear(); // what was in flight went with the previous connection
      this.held = false;
      sockets.push(this);
      this.addEventListener('message', (event) => {
        if (!this.held) see('in', this, event.data);
      });
    }

    set onmessage(handler) {
      super.onmessage = handler && ((event) => {
        if (!this.held) handler(event);
      });
    }

    get onmessage() {
      return super.onmessage;
    }

    send(data) {
      see('out', this, data);
      super.send(data);
    }
  }

  const webCryptoHex = async (bytes) => hexOf(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));

  let disconnects = 0;
  const disconnected = [];
  /** Resolves at the n-th disconnect of the client. */
  const nthDisconnect = (n) => new Promise((resolve) => {
    if (disconnects >= n) resolve();
    else disconnected.push({ n, resolve });
  });

  window.filesTest = {
    tap,
    get disconnects() { return disconnects; },
    /** The client's SHA-256, fed in uneven pieces, against WebCrypto's, for every size in `sizes`. */
    async checkSha256(sizes) {
      const mismatches = [];
      for (const size of sizes) {
        const bytes = new Uint8Array(size);
        for (let i = 0; i < size; i++) bytes[i] = (i * 7 + size) & 0xff;
        const hash = new aldis.Sha256();
        for (let at = 0, step = 1; at < size; at += step, step = (step * 5) % 113 + 1) hash.update(bytes.subarray(at, at + step));
        const mine = hexOf(hash.digest());
        const theirs = await webCryptoHex(bytes);
        if (mine !== theirs) mismatches.push({ size, mine, theirs });
      }
      return { checked: sizes.length, mismatches };
    },
    async connect(s) {
      this.client = new AldisClient({ url: s.wsUrl, user: s.user, password: s.password, WebSocket: TappedSocket,
        clientName: 'browser-files-test', reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
      this.client.on('disconnected', () => {
        disconnects += 1;
        for (const waiter of disconnected.filter((w) => w.n <= disconnects)) waiter.resolve();
      });
      await this.client.connect();
    },
    async upload(s, bytesOf) {
      const bytes = new Function(`return (${bytesOf})`)()(s.size);
      const blob = new Blob([bytes]);
      const progress = [];
      const transfer = this.client.upload(blob, s.name, { chunkSize: s.chunkSize || undefined, progressIntervalMs: 0,
        onProgress: (p) => progress.push(p) });
      const result = await transfer.result;
      return { result, idOnHandle: transfer.id, webCrypto: await webCryptoHex(bytes), progressReports: progress.length,
        lastProgress: progress[progress.length - 1], monotonic: progress.every((p, i) => i === 0 || p.bytes >= progress[i - 1].bytes) };
    },
    async listAndDownload(s) {
      const page = await this.client.list('**/*.bin');
      const progress = [];
      const result = await this.client.download(s.name, { progressIntervalMs: 0, onProgress: (p) => progress.push(p.bytes) }).result;
      const bytes = new Uint8Array(await result.blob.arrayBuffer());
      return { listed: page.entries.map((e) => ({ name: e.name, size: e.size })), totalCount: page.totalCount,
        result: { name: result.name, size: result.size, sha256: result.sha256, blobSize: result.blob.size },
        webCrypto: await webCryptoHex(bytes), progressReports: progress.length, lastProgress: progress[progress.length - 1] };
    },
    /**
     * Uploads, holding the read of the chunk at `cutAt` bytes until the connection was cut
     * (reported through window.reportCut), so the cut falls mid-upload whatever the speeds.
     */
    async uploadAcrossACut(s, bytesOf) {
      const bytes = new Function(`return (${bytesOf})`)()(s.size);
      const real = new Blob([bytes]);
      let gate = true;
      const gated = {
        size: real.size,
        slice: (start, end) => ({
          arrayBuffer: async () => {
            if (gate && start >= s.cutAt) {
              gate = false;
              const cut = nthDisconnect(disconnects + 1);
              window.reportCut('upload', start);
              await cut;
            }
            return real.slice(start, end).arrayBuffer();
          },
        }),
      };
      const result = await this.client.upload(gated, s.name, { chunkSize: s.chunkSize || undefined }).result;
      return { result, webCrypto: await webCryptoHex(bytes) };
    },
    /** Downloads, holding the socket's messages from `cutAt` bytes on until the connection was cut. */
    async downloadAcrossACut(s) {
      let held = false;
      const result = await this.client.download(s.name, {
        chunkSize: s.chunkSize || undefined,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (!held && p.bytes >= s.cutAt) {
            held = true;
            sockets[sockets.length - 1].held = true;
            window.reportCut('download', p.bytes);
          }
        },
      }).result;
      const bytes = new Uint8Array(await result.blob.arrayBuffer());
      return { result: { sha256: result.sha256, size: result.size, resumed: result.resumed }, webCrypto: await webCryptoHex(bytes) };
    },
    async close() {
      await this.client?.close();
    },
  };
}

async function openPage(browser, label) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 900, height: 900 } });
  const page = await context.newPage();
  watch(page, log, label);
  await open(page, settings.pageUrl);
  return page;
}

async function clientPart(browser) {
  const uploader = await openPage(browser, 'uploader');
  await uploader.evaluate(installInPage);
  const sizes = [];
  for (let n = 0; n <= 130; n++) sizes.push(n);
  sizes.push(1000, 4095, 4096, 65535, 65536, 65537, 1048576 + 3);
  const sha256 = await uploader.evaluate((s) => window.filesTest.checkSha256(s), sizes);
  log(`SHA-256 checked against WebCrypto on ${sha256.checked} sizes, ${sha256.mismatches.length} mismatches`);
  await uploader.evaluate((s) => window.filesTest.connect(s), settings);
  const upload = await uploader.evaluate(([s, gen]) => window.filesTest.upload(s, gen), [settings, generated.toString()]);
  log(`uploaded ${upload.result.size} bytes as ${upload.result.name}, ${upload.progressReports} progress reports`);
  const uploaderTap = await uploader.evaluate(() => window.filesTest.tap);
  await uploader.evaluate(() => window.filesTest.close());

  const downloader = await openPage(browser, 'downloader');
  await downloader.evaluate(installInPage);
  await downloader.evaluate((s) => window.filesTest.connect(s), settings);
  const download = await downloader.evaluate((s) => window.filesTest.listAndDownload(s), settings);
  log(`listed ${JSON.stringify(download.listed)}, downloaded ${download.result.blobSize} bytes`);
  const downloaderTap = await downloader.evaluate(() => window.filesTest.tap);
  await downloader.evaluate(() => window.filesTest.close());
  return { sha256, upload, uploaderTap, download, downloaderTap };
}

async function resumePart(browser) {
  const page = await openPage(browser, 'resume');
  await page.exposeFunction('reportCut', (what, at) => console.log(`CUT ${what} at ${at}`));
  await page.evaluate(installInPage);
  await page.evaluate((s) => window.filesTest.connect(s), settings);
  const upload = await page.evaluate(([s, gen]) => window.filesTest.uploadAcrossACut(s, gen), [settings, generated.toString()]);
  log(`uploaded ${upload.result.size} bytes across a cut, resumed: ${upload.result.resumed}`);
  const uploadTap = JSON.parse(JSON.stringify(await page.evaluate(() => window.filesTest.tap)));
  const download = await page.evaluate((s) => window.filesTest.downloadAcrossACut(s), settings);
  log(`downloaded ${download.result.size} bytes across a cut, resumed: ${download.result.resumed}`);
  const tap = await page.evaluate(() => window.filesTest.tap);
  const disconnects = await page.evaluate(() => window.filesTest.disconnects);
  await page.evaluate(() => window.filesTest.close());
  return { upload, uploadTap, download, tap, disconnects };
}

async function demoPart(browser) {
  const page = await openPage(browser, 'demo');
  await page.fill('#user', settings.user);
  await page.fill('#password', settings.password);
  await page.click('#join');
  await page.waitForSelector('#state[data-state="connected"]', { timeout: settings.waitMs });
  await page.waitForSelector('#files:not([hidden]) #drop:not([hidden])', { timeout: settings.waitMs });
  log('joined; the file area is there');

  const drop = async (name, size) => {
    const dataTransfer = await page.evaluateHandle(([fileName, fileSize, gen]) => {
      const bytes = new Function(`return (${gen})`)()(fileSize);
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], fileName, { type: 'application/octet-stream' }));
      return transfer;
    }, [name, size, generated.toString()]);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer });
  };

  await drop(settings.name, settings.size);
  await page.waitForSelector('#upload[data-state="done"]', { timeout: settings.waitMs });
  const uploaded = await page.evaluate(() => {
    const progress = document.getElementById('upload-progress');
    const status = document.getElementById('upload-status');
    return { value: progress.value, max: progress.max, status: status.textContent, sha256: status.dataset.sha256 };
  });
  log(`stored: ${uploaded.status}`);
  const row = `#file-list tr.file[data-name="${settings.name}"]`;
  await page.waitForSelector(row, { timeout: settings.waitMs });
  const listed = await page.$$eval('#file-list tr.file', (rows) => rows.map((r) => ({
    name: r.dataset.name, bytes: Number(r.querySelector('.size').dataset.bytes), size: r.querySelector('.size').textContent })));
  log(`listed ${JSON.stringify(listed)}`);

  const [saved] = await Promise.all([
    page.waitForEvent('download', { timeout: settings.waitMs }),
    page.click(`${row} button.download`),
  ]);
  const savedBytes = await readFile(await saved.path());
  await page.waitForSelector(`${row}[data-state="downloaded"]`, { timeout: settings.waitMs });
  const downloadedSha = await page.$eval(row, (r) => r.dataset.sha256);
  log(`saved ${saved.suggestedFilename()}, ${savedBytes.length} bytes`);

  let refused;
  if (settings.tooLargeSize > 0) {
    await drop('too-much.bin', settings.tooLargeSize);
    await page.waitForSelector('#upload[data-state="failed"]', { timeout: settings.waitMs });
    refused = await page.$eval('#files-error', (e) => ({ text: e.textContent, hidden: e.hidden }));
    log(`refused: ${refused.text}`);
  }
  await page.screenshot({ path: 'browser-files-demo.png', fullPage: true });
  return { uploaded, listed, saved: { name: saved.suggestedFilename(), size: savedBytes.length,
    sha256: createHash('sha256').update(savedBytes).digest('hex') }, downloadedSha, refused };
}

await run('files', async (browser) => {
  const parts = { client: clientPart, resume: resumePart, demo: demoPart };
  const result = await parts[settings.part](browser);
  return result;
});
