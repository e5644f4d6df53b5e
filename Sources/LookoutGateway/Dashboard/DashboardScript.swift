/// The dashboard's script: one file, no build step, no dependency but hls.js (loaded on
/// demand). Split by concern into ``connection``, ``rendering`` and ``player``.
enum DashboardScript {
    static let source = "(() => {\n'use strict';\n" + connection + rendering + player + "\nstart();\n})();\n"

    /// The key, the `/ws` connection with `lastSeq`, reconnecting with backoff, and the messages.
    static let connection = #"""
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

        """#
}
