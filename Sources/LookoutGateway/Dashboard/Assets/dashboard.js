// The dashboard's script (served at /dashboard.js): one file, no build step, no dependency but
// hls.js (loaded on demand). Sections: the key and the /ws connection, rendering, the player.
(() => {
'use strict';
// ── connection: the key, the /ws connection with lastSeq, reconnecting with backoff, the messages
const KEY_STORAGE = 'lookout.apiKey';
const $ = (id) => document.getElementById(id);
const state = { key: null, socket: null, lastSeq: null, epoch: null, nvrs: new Map(), attempt: 0, timer: null, countdown: null, liveTimer: null };

function start() {
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('key-input').value.trim();
    if (!key) return;
    localStorage.setItem(KEY_STORAGE, key);
    $('key-input').value = '';
    open(key);
  });
  $('forget-key').addEventListener('click', () => forgetKey(''));
  $('filter').addEventListener('input', applyFilter);
  $('offline-only').addEventListener('change', applyFilter);
  setInterval(refreshTimes, 1000);
  const key = localStorage.getItem(KEY_STORAGE);
  if (key) open(key); else showLogin('');
}

function open(key) {
  state.key = key;
  state.lastSeq = null;
  state.epoch = null;
  state.attempt = 0;
  $('login').hidden = true;
  $('board').hidden = false;
  $('forget-key').hidden = false;
  connect();
}

function showLogin(error) {
  closeSocket();
  $('login').hidden = false;
  $('board').hidden = true;
  $('forget-key').hidden = true;
  $('key-error').textContent = error;
  setConnection(error ? 'Key refused' : 'Not connected', error ? 'refused' : 'idle');
  $('key-input').focus();
}

function forgetKey(error) {
  localStorage.removeItem(KEY_STORAGE);
  state.key = null;
  showLogin(error);
}

function closeSocket() {
  clearTimeout(state.timer);
  clearInterval(state.countdown);
  clearTimeout(state.liveTimer);
  const socket = state.socket;
  state.socket = null;
  if (socket) socket.close(1000);
}

function setConnection(text, kind) {
  const element = $('connection');
  element.textContent = text;
  element.dataset.state = kind;
}

function setLive() {
  state.attempt = 0;
  setConnection('Live' + (state.lastSeq === null ? '' : ' · seq ' + state.lastSeq), 'live');
}

function connect() {
  clearTimeout(state.timer);
  clearInterval(state.countdown);
  if (!state.key) return showLogin('');
  setConnection(state.attempt ? 'Reconnecting (attempt ' + state.attempt + ')…' : 'Connecting…', state.attempt ? 'reconnecting' : 'connecting');
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  let socket;
  try { socket = new WebSocket(url); } catch (error) { return scheduleReconnect('cannot open: ' + error.message); }
  state.socket = socket;
  socket.onopen = () => {
    const hello = { type: 'dashboard', token: state.key };
    if (state.lastSeq !== null) hello.lastSeq = state.lastSeq;
    if (state.lastSeq !== null && state.epoch !== null) hello.epoch = state.epoch;
    socket.send(JSON.stringify(hello));
    // With lastSeq and nothing missed the gateway sends nothing: a socket still open
    // after a moment was accepted (a refused key closes it at once with 4001).
    state.liveTimer = setTimeout(() => { if (state.socket === socket) setLive(); }, 1000);
  };
  socket.onmessage = (event) => {
    if (state.socket !== socket) return;  // one left behind by resync()
    let message;
    try { message = JSON.parse(event.data); } catch { return; }
    handle(message);
  };
  socket.onclose = (event) => {
    if (state.socket !== socket) return;
    state.socket = null;
    clearTimeout(state.liveTimer);
    if (event.code === 4001) return forgetKey('The gateway refused this key.');
    scheduleReconnect(event.code ? 'closed ' + event.code + (event.reason ? ': ' + event.reason : '') : 'connection lost');
  };
}

function scheduleReconnect(why) {
  state.attempt += 1;
  const delay = Math.min(10000, 500 * 2 ** Math.min(state.attempt - 1, 5)) * (0.75 + Math.random() / 2);
  const until = Date.now() + delay;
  const tick = () => {
    const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    setConnection('Disconnected (' + why + '); reconnecting in ' + left + ' s…', 'reconnecting');
  };
  tick();
  clearInterval(state.countdown);
  state.countdown = setInterval(tick, 250);
  state.timer = setTimeout(() => { clearInterval(state.countdown); connect(); }, delay);
}

// A fresh connection with our lastSeq and epoch: the gateway replays exactly what we
// missed, or sends a snapshot when it cannot (another epoch: Redis lost the feed). At
// once the first time; with the usual backoff if it keeps happening.
function resync() {
  closeSocket();
  const again = Date.now() - (state.resyncAt || 0) < 5000;
  state.resyncAt = Date.now();
  if (again) scheduleReconnect('notifications out of order'); else connect();
}

function handle(message) {
  if (message.type === 'snapshot') {
    state.lastSeq = message.seq;
    state.epoch = message.epoch ?? null;
  } else if (typeof message.seq === 'number') {
    // Within an epoch every notification has the next seq: a repeat is skipped, a gap
    // or another epoch means something was missed.
    const epoch = message.epoch ?? null;
    if (state.lastSeq !== null && epoch === state.epoch && message.seq <= state.lastSeq) return;
    if (state.lastSeq !== null && (epoch !== state.epoch || message.seq !== state.lastSeq + 1)) return resync();
    state.lastSeq = message.seq;
    state.epoch = epoch;
  }
  switch (message.type) {
    case 'snapshot':
      state.nvrs = new Map(message.nvrs.map((nvr) => [nvr.id, nvr]));
      renderAll();
      setLive();
      break;
    case 'nvr': {
      const before = state.nvrs.get(message.nvr.id);
      state.nvrs.set(message.nvr.id, message.nvr);
      renderNVR(message.nvr);
      if (!before || before.status !== message.nvr.status) wantUptime(message.nvr.id, 1500);
      setLive();
      break;
    }
    case 'nvr_removed':
      state.nvrs.delete(message.nvrId);
      removeNVR(message.nvrId);
      setLive();
      break;
    case 'alert':
      addAlert(message);
      setLive();
      break;
    case 'error':
      setConnection('Gateway: ' + message.message, 'live');
      break;
  }
}

function api(path) {
  return fetch(path, { headers: { Authorization: 'Bearer ' + state.key } });
}
// ── rendering: the NVR table, alerts, times
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

function duration(ms) {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 60) return s + 's';
  const m = Math.floor(s / 60);
  if (m < 60) return m + 'm ' + (s % 60) + 's';
  const hours = Math.floor(m / 60);
  if (hours < 48) return hours + 'h ' + (m % 60) + 'm';
  return Math.floor(hours / 24) + 'd ' + (hours % 24) + 'h';
}

const ago = (time) => (time ? duration(Date.now() - time) + ' ago' : 'never');
const since = (nvr) => (nvr.status === 'online' ? 'up ' : nvr.status === 'offline' ? 'down ' : 'unknown for ') + duration(Date.now() - nvr.statusChangedAt);
const expiry = (time) => (!time ? 'no stream yet' : time > Date.now() ? 'stream expires in ' + duration(time - Date.now()) : 'stream expired ' + duration(Date.now() - time) + ' ago');
const percent = (ratio) => (ratio * 100).toFixed(1) + '%';
const uptimes = new Map();

function cameraReason(camera) {
  if (!camera.enabled) return 'disabled';
  if (camera.statusReason === 'nvr_offline') return 'offline because NVR offline';
  if (camera.status !== 'online' && camera.statusReason) return camera.statusReason.replace(/_/g, ' ');
  return '';
}

function cameraButton(nvr, camera) {
  const reason = cameraReason(camera);
  return h('li', {}, h('button', {
      class: 'camera status-' + camera.status, type: 'button', title: 'Play ' + camera.name,
      dataset: { cameraId: camera.id, status: camera.status }, onclick: () => play(camera),
    },
    h('span', { class: 'dot' }), h('span', { class: 'camera-name' }, camera.name),
    h('span', { class: 'camera-status' }, camera.status),
    reason ? h('span', { class: 'reason' }, reason) : null,
    h('span', { class: 'expiry', dataset: { expires: camera.streamExpiresAt || '' } }, expiry(camera.streamExpiresAt)),
    h('span', { class: 'renewal renewal-' + camera.renewalState }, 'renewal ' + camera.renewalState)));
}

function nvrBody(nvr) {
  const cameras = nvr.cameras || [];
  const online = cameras.filter((camera) => camera.status === 'online').length;
  const uptime = uptimes.get(nvr.id);
  const named = nvr.name && nvr.name !== nvr.hostname;
  return h('tbody', { class: 'nvr status-' + nvr.status, dataset: { nvrId: nvr.id, hostname: nvr.hostname, status: nvr.status } },
    h('tr', { class: 'nvr-row' },
      h('td', {}, h('strong', {}, named ? nvr.name : nvr.hostname), named ? h('div', { class: 'muted' }, nvr.hostname) : null),
      h('td', {}, h('span', { class: 'badge ' + nvr.status }, nvr.status)),
      h('td', { class: 'since' }, since(nvr)),
      h('td', { class: 'last-seen' }, ago(nvr.lastSeenAt)),
      h('td', { class: 'uptime' }, uptime ? percent(uptime.ratio) : '…'),
      h('td', {}, online + '/' + cameras.length + ' online')),
    h('tr', { class: 'cameras-row' }, h('td', { colspan: 6 }, h('ul', { class: 'cameras' }, cameras.map((camera) => cameraButton(nvr, camera))))));
}

function renderAll() {
  const table = $('nvr-table');
  for (const body of table.querySelectorAll('tbody.nvr')) body.remove();
  const sorted = [...state.nvrs.values()].sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
  for (const nvr of sorted) table.append(nvrBody(nvr));
  for (const nvr of sorted.slice(0, 500)) wantUptime(nvr.id, 0);
  applyFilter();
  summarize();
}

function renderNVR(nvr) {
  const table = $('nvr-table');
  const body = nvrBody(nvr);
  const existing = table.querySelector('tbody[data-nvr-id="' + nvr.id + '"]');
  if (existing) existing.replaceWith(body);
  else {
    const next = [...table.querySelectorAll('tbody.nvr')].find((other) => other.dataset.hostname > nvr.hostname);
    table.insertBefore(body, next || null);
  }
  applyFilter();
  summarize();
}

function removeNVR(id) {
  const body = $('nvr-table').querySelector('tbody[data-nvr-id="' + id + '"]');
  if (body) body.remove();
  summarize();
}

function applyFilter() {
  const query = $('filter').value.trim().toLowerCase();
  const offlineOnly = $('offline-only').checked;
  for (const body of $('nvr-table').querySelectorAll('tbody.nvr')) {
    const nvr = state.nvrs.get(Number(body.dataset.nvrId));
    const text = nvr ? (nvr.hostname + ' ' + nvr.name).toLowerCase() : '';
    body.hidden = (query && !text.includes(query)) || (offlineOnly && nvr && nvr.status === 'online');
  }
}

function summarize() {
  const nvrs = [...state.nvrs.values()];
  const cameras = nvrs.flatMap((nvr) => nvr.cameras || []);
  const count = (list, status) => list.filter((item) => item.status === status).length;
  $('summary').textContent = nvrs.length + ' NVRs: ' + count(nvrs, 'online') + ' online, ' + count(nvrs, 'offline') + ' offline · '
    + cameras.length + ' cameras: ' + count(cameras, 'online') + ' online';
  $('empty').hidden = nvrs.length > 0;
}

function refreshTimes() {
  for (const body of $('nvr-table').querySelectorAll('tbody.nvr')) {
    const nvr = state.nvrs.get(Number(body.dataset.nvrId));
    if (!nvr) continue;
    body.querySelector('.since').textContent = since(nvr);
    body.querySelector('.last-seen').textContent = ago(nvr.lastSeenAt);
    for (const element of body.querySelectorAll('.expiry')) element.textContent = expiry(Number(element.dataset.expires) || null);
  }
}

const uptimeQueue = [];
let uptimeRequests = 0;
function wantUptime(id, delay) {
  setTimeout(() => {
    if (!uptimeQueue.includes(id)) uptimeQueue.push(id);
    pumpUptime();
  }, delay);
}

function pumpUptime() {
  while (uptimeRequests < 4 && uptimeQueue.length) {
    const id = uptimeQueue.shift();
    uptimeRequests += 1;
    api('/api/nvr/' + id + '/sessions?hours=24&limit=1')
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => {
        if (!body) return;
        uptimes.set(id, body.uptime);
        const cell = $('nvr-table').querySelector('tbody[data-nvr-id="' + id + '"] .uptime');
        if (cell) cell.textContent = percent(body.uptime.ratio);
      })
      .catch(() => {})
      .finally(() => { uptimeRequests -= 1; pumpUptime(); });
  }
}

function addAlert(alert) {
  const list = $('alerts');
  const placeholder = list.querySelector('.muted');
  if (placeholder) placeholder.remove();
  const at = new Date(alert.at || Date.now());
  list.prepend(h('li', { class: 'alert' }, h('time', { datetime: at.toISOString() }, at.toLocaleTimeString()),
    h('strong', {}, alert.hostname || 'NVR ' + alert.nvrId), ' ', alert.message || ''));
  while (list.children.length > 50) list.lastElementChild.remove();
}
// ── player: /live, hls.js on demand (native HLS as the fallback)
let hlsLoad = null;
let hlsPlayer = null;
const playback = { cameraId: null, url: null, expiresAt: 0, timer: null, generation: 0 };

function loadHls() {
  if (hlsLoad) return hlsLoad;
  const source = document.body.dataset.hlsScript;
  hlsLoad = new Promise((resolve) => {
    if (window.Hls) return resolve({ Hls: window.Hls });
    const script = document.createElement('script');
    const timer = setTimeout(() => resolve({ error: 'hls.js did not load from ' + source + ' within 8 s' }), 8000);
    script.src = source;
    // Subresource integrity: a CDN that serves other bytes is refused (onerror below).
    if (document.body.dataset.hlsIntegrity) {
      script.integrity = document.body.dataset.hlsIntegrity;
      script.crossOrigin = 'anonymous';
    }
    script.async = true;
    script.onload = () => { clearTimeout(timer); resolve(window.Hls ? { Hls: window.Hls } : { error: 'hls.js loaded but did not start' }); };
    script.onerror = () => { clearTimeout(timer); resolve({ error: 'hls.js could not be loaded from ' + source + ' (CDN unreachable?)' }); };
    document.head.append(script);
  }).then((result) => {
    if (result.error) { hlsLoad = null; if (window.Hls) return { Hls: window.Hls }; }
    return result;
  });
  return hlsLoad;
}

function playerStatus(text, kind) {
  const element = $('player-status');
  element.textContent = text;
  element.dataset.kind = kind || 'info';
}

function stopPlayer() {
  clearTimeout(playback.timer);
  playback.generation += 1;
  playback.cameraId = null;
  if (hlsPlayer) { hlsPlayer.destroy(); hlsPlayer = null; }
  const video = $('video');
  video.onerror = null;
  video.removeAttribute('src');
  video.load();
  for (const button of document.querySelectorAll('button.camera.playing')) button.classList.remove('playing');
}

// Asks /live for the URL and a fresh credential; an error message, or null.
async function fetchLive(cameraId) {
  try {
    const response = await api('/api/camera/' + cameraId + '/live');
    const body = await response.json().catch(() => null);
    if (!response.ok) return (body && body.error && body.error.message) || 'HTTP ' + response.status;
    playback.url = body.hlsUrl;
    playback.expiresAt = body.expiresAt;
    return null;
  } catch (error) {
    return 'the gateway did not answer (' + error.message + ')';
  }
}

// Refreshes the credential at two thirds of its life (at least 1 s apart); retries in 2 s.
function scheduleRefresh() {
  clearTimeout(playback.timer);
  const generation = playback.generation;
  const delay = Math.max(1000, (playback.expiresAt - Date.now()) * 2 / 3);
  playback.timer = setTimeout(async () => {
    if (generation !== playback.generation) return;
    const failure = await fetchLive(playback.cameraId);
    if (generation !== playback.generation) return;
    if (failure) { playback.timer = setTimeout(scheduleRefresh, 2000); return; }
    scheduleRefresh();
  }, delay);
}

// A request URL of the stream with the current credential in its `token`.
function withFreshToken(url) {
  try {
    const token = new URL(playback.url).searchParams.get('token');
    const target = new URL(url, playback.url);
    if (token) target.searchParams.set('token', token);
    return target.toString();
  } catch (error) {
    return url;
  }
}

async function play(camera) {
  stopPlayer();
  const generation = playback.generation;
  playback.cameraId = camera.id;
  const button = document.querySelector('button.camera[data-camera-id="' + camera.id + '"]');
  if (button) button.classList.add('playing');
  $('player-title').textContent = camera.name;
  playerStatus('Asking for the stream…');
  const failure = await fetchLive(camera.id);
  if (generation !== playback.generation) return;
  if (failure) return playerStatus('Cannot play: ' + failure, 'error');
  scheduleRefresh();
  const video = $('video');
  const { Hls, error } = await loadHls();
  if (generation !== playback.generation) return;
  if (Hls && Hls.isSupported()) {
    hlsPlayer = new Hls({ xhrSetup: (xhr, url) => { xhr.open('GET', withFreshToken(url), true); } });
    hlsPlayer.on(Hls.Events.ERROR, (_, data) => {
      if (data.fatal) playerStatus('Cannot play: ' + data.type + ' (' + data.details + ')', 'error');
    });
    hlsPlayer.on(Hls.Events.MANIFEST_PARSED, () => { playerStatus('Playing (hls.js)'); video.play().catch(() => {}); });
    hlsPlayer.loadSource(playback.url);
    hlsPlayer.attachMedia(video);
    playerStatus('Loading the stream…');
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    let reloads = 0;
    video.onerror = () => {
      // A credential only starts a session: reload once with the fresh URL, then give up.
      if (generation === playback.generation && reloads++ < 1) { video.src = playback.url; video.play().catch(() => {}); return; }
      playerStatus('Cannot play: ' + (error || 'hls.js unsupported here') + '; native HLS failed too (the stream did not load)', 'error');
    };
    video.onloadedmetadata = () => { reloads = 0; playerStatus('Playing (native HLS)'); };
    video.src = playback.url;
    video.play().catch(() => {});
    playerStatus('Loading the stream (native HLS; ' + (error || 'hls.js unsupported') + ')…');
  } else {
    playerStatus('Cannot play: ' + (error || 'hls.js is not supported in this browser') + ', and this browser has no native HLS.', 'error');
  }
}
start();
})();
