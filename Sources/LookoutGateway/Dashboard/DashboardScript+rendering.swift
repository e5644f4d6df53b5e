extension DashboardScript {
    /// The NVR table (one `<tbody>` per NVR, its cameras in a second row), relative times, the
    /// summary, uptime from `/api/nvr/:id/sessions`, and alerts. DOM built with `textContent`
    /// only: hostnames and names are never parsed as HTML.
    static let rendering = #"""
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

        """#
}
