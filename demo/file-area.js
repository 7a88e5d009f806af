// The demo page's file area: drop or pick a file to upload it into your storage area on the node,
// watch its progress, list your files and download them, all through the browser client.
// Served by the node next to demo.js; demo.js starts it once the user has joined.

import { Capability, ErrorCode } from './aldis.js';

const $ = (id) => document.getElementById(id);
const LIST_LIMIT = 200;

/** Sizes as people read them. */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function formatProgress({ bytes, total, rate, etaMs }) {
  const parts = [`${formatBytes(bytes)} of ${formatBytes(total)}`];
  if (rate > 0) parts.push(`${formatBytes(rate)}/s`);
  if (etaMs > 0) parts.push(`${Math.ceil(etaMs / 1000)} s left`);
  return parts.join(', ');
}

/** A failed transfer in the user's words; the protocol's name stays in brackets for whoever reports it. */
export function explain(error) {
  const details = error?.details ?? {};
  const room = details.available !== undefined ? ` (${formatBytes(details.available)} free, `
    + `${formatBytes(details.requested)} needed)` : '';
  switch (error?.code) {
    case ErrorCode.QUOTA_EXCEEDED: return `Not stored: your storage quota is full${room}.`;
    case ErrorCode.STORAGE_FULL: return `Not stored: the node has no room left${room}.`;
    case ErrorCode.FILE_TOO_LARGE: return `Not stored: the file is larger than the node accepts. ${error.message}`;
    case ErrorCode.UPLOAD_REJECTED: return `The node refused the file. ${error.message}`;
    case ErrorCode.DOWNLOAD_REJECTED: return `The node refused to send the file. ${error.message}`;
    case ErrorCode.INVALID_FILE_NAME: return 'That name cannot be used for a file on the node.';
    case ErrorCode.FORBIDDEN: return 'You are not allowed to do that with this file.';
    case ErrorCode.FILE_NOT_FOUND_ON_SERVER: return 'That file is no longer on the node.';
    case ErrorCode.FILE_HASH_MISMATCH: return 'The file arrived damaged (its SHA-256 differs); try again.';
    case ErrorCode.UPLOAD_CONFLICT:
      return 'Not stored: the file under this name changed while you uploaded (someone else stored or removed it). '
        + 'Look at it, then upload again to replace it.';
    case ErrorCode.CAPABILITY_UNAVAILABLE: return 'File transfer is not available on the node right now.';
    case ErrorCode.CANCELLED: return 'Cancelled.';
    default: return `${error?.message ?? error}${error?.codeName ? ` (${error.codeName})` : ''}`;
  }
}

/** Offers a Blob to the user as a download named `name`. */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name.split('/').pop();
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The file area of one joined client; `stop()` when the user leaves. */
export class FileArea {
  constructor(client, user) {
    this.client = client;
    this.user = user;
    this.ui = {
      area: $('files'),
      unavailable: $('files-unavailable'),
      drop: $('drop'),
      input: $('file-input'),
      upload: $('upload'),
      uploadName: $('upload-name'),
      uploadProgress: $('upload-progress'),
      uploadStatus: $('upload-status'),
      uploadCancel: $('upload-cancel'),
      refresh: $('files-refresh'),
      list: $('file-list'),
      count: $('file-count'),
      error: $('files-error'),
    };
    this.current = undefined; // the upload running
    this.cleanups = [];
    this.subscription = undefined;
  }

  start() {
    const { ui } = this;
    const listen = (element, type, handler) => {
      element.addEventListener(type, handler);
      this.cleanups.push(() => element.removeEventListener(type, handler));
    };
    listen(ui.drop, 'dragover', (event) => {
      event.preventDefault();
      ui.drop.classList.add('over');
    });
    listen(ui.drop, 'dragleave', () => ui.drop.classList.remove('over'));
    listen(ui.drop, 'drop', (event) => {
      event.preventDefault();
      ui.drop.classList.remove('over');
      const file = event.dataTransfer?.files?.[0];
      if (file) this.upload(file);
    });
    listen(ui.input, 'change', () => {
      const file = ui.input.files?.[0];
      ui.input.value = '';
      if (file) this.upload(file);
    });
    listen(ui.uploadCancel, 'click', () => this.current?.cancel());
    listen(ui.refresh, 'click', () => this.refresh());
    this.cleanups.push(this.client.on('capabilitiesChanged', () => this.showAvailability()));
    this.cleanups.push(this.client.on('reconnected', () => this.refresh()));
    this.showAvailability();
    this.watchUploads();
    return this.refresh();
  }

  stop() {
    this.stopped = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.current?.cancel();
    this.ui.list.replaceChildren();
    this.ui.upload.hidden = true;
    this.showError('');
  }

  available() {
    const session = this.client.session;
    return session !== undefined && (session.capabilities & Capability.FILE_TRANSFER) !== 0n;
  }

  showAvailability() {
    const available = this.available();
    this.ui.area.dataset.available = String(available);
    this.ui.unavailable.hidden = available;
    this.ui.drop.hidden = !available;
  }

  showError(message) {
    this.ui.error.textContent = message;
    this.ui.error.hidden = !message;
  }

  /**
   * The node announces every published file on `$sys.file.uploaded`; a user allowed to read it
   * sees other tabs' uploads at once. Others refresh with the button (and after their own uploads).
   */
  watchUploads() {
    this.client.subscribe('$sys.file.uploaded', (message) => {
      try {
        if (message.json().user === this.user) this.refresh();
      } catch {
        // not an event of the documented form: nothing to refresh for
      }
    }).then((subscription) => {
      const end = () => subscription.unsubscribe().catch(() => {});
      if (this.stopped) {
        end(); // the user left before the node answered
        return;
      }
      this.subscription = subscription;
      this.cleanups.push(end);
    }, () => {
      this.ui.area.dataset.events = 'off'; // not permitted: the button it is
    });
  }

  upload(file) {
    const { ui } = this;
    if (this.current) {
      this.showError('One upload at a time: wait for this one or cancel it.');
      return;
    }
    this.showError('');
    ui.upload.hidden = false;
    ui.upload.dataset.state = 'running';
    ui.uploadName.textContent = file.name;
    ui.uploadProgress.max = Math.max(file.size, 1);
    ui.uploadProgress.value = 0;
    ui.uploadStatus.textContent = 'starting…';
    ui.uploadCancel.hidden = false;
    const transfer = this.client.upload(file, file.name, {
      onProgress: (progress) => {
        ui.uploadProgress.value = progress.bytes;
        ui.uploadStatus.textContent = formatProgress(progress);
      },
    });
    this.current = transfer;
    transfer.result.then((result) => {
      ui.upload.dataset.state = 'done';
      ui.uploadProgress.value = ui.uploadProgress.max;
      ui.uploadStatus.textContent = `stored as ${result.name}, ${formatBytes(result.size)}, SHA-256 ${result.sha256.slice(0, 16)}…`;
      ui.uploadStatus.dataset.sha256 = result.sha256;
      return this.refresh();
    }, (error) => {
      ui.upload.dataset.state = 'failed';
      ui.uploadStatus.textContent = 'not stored';
      this.showError(explain(error));
    }).finally(() => {
      this.current = undefined;
      ui.uploadCancel.hidden = true;
    });
  }

  async refresh() {
    if (!this.available()) return;
    let page;
    try {
      page = await this.client.list('', { limit: LIST_LIMIT });
    } catch (error) {
      this.showError(`Cannot list your files: ${explain(error)}`);
      return;
    }
    const rows = page.entries.map((entry) => this.row(entry));
    this.ui.list.replaceChildren(...rows);
    this.ui.count.textContent = page.totalCount > page.entries.length
      ? `${page.entries.length} of ${page.totalCount} files` : `${page.totalCount} files`;
  }

  row(entry) {
    const row = document.createElement('tr');
    row.className = 'file';
    row.dataset.name = entry.name;
    const name = document.createElement('td');
    name.className = 'name';
    name.textContent = entry.name;
    const size = document.createElement('td');
    size.className = 'size';
    size.textContent = formatBytes(entry.size);
    size.dataset.bytes = String(entry.size);
    const modified = document.createElement('td');
    modified.textContent = entry.modified.toLocaleString();
    const actions = document.createElement('td');
    const download = document.createElement('button');
    download.type = 'button';
    download.className = 'download';
    download.textContent = 'Download';
    const progress = document.createElement('progress');
    progress.max = Math.max(entry.size, 1);
    progress.value = 0;
    progress.hidden = true;
    download.addEventListener('click', () => this.download(entry, download, progress));
    actions.append(download, progress);
    row.append(name, size, modified, actions);
    return row;
  }

  download(entry, button, progress) {
    this.showError('');
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    const row = button.closest('tr');
    row.dataset.state = 'downloading';
    this.client.download(entry.name, {
      onProgress: (p) => {
        progress.value = p.bytes;
        progress.title = formatProgress(p);
      },
    }).result.then((result) => {
      row.dataset.state = 'downloaded';
      row.dataset.sha256 = result.sha256;
      save(result.blob, result.name);
    }, (error) => {
      row.dataset.state = 'failed';
      this.showError(`${entry.name}: ${explain(error)}`);
    }).finally(() => {
      button.disabled = false;
      progress.hidden = true;
    });
  }
}
