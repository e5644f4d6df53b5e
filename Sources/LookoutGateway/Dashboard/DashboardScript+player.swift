extension DashboardScript {
    /// Plays a camera's HLS URL from `/api/camera/:id/live` with hls.js, loaded from its CDN on
    /// first use (a failed load is tried again at the next play); without it (no network,
    /// blocked) native HLS if the browser has it; otherwise the player says why it cannot play.
    /// Status keeps working either way.
    ///
    /// The URL's credential (`?token=`) expires (`expiresAt`): the player asks `/live` again at
    /// two thirds of its life, so it always holds a fresh one. hls.js sends it on every request
    /// (`xhrSetup` rewrites the URL's `token`), so a new MediaMTX session (after a stream change,
    /// a MediaMTX restart, another instance) starts with it; native HLS gets the fresh URL when
    /// it fails and reloads.
    static let player = #"""
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
        """#
}
