extension DashboardScript {
    /// Plays a camera's HLS URL from `/api/camera/:id/live` with hls.js, loaded from its CDN on
    /// first use; without it (no network, blocked) native HLS if the browser has it; otherwise
    /// the player says why it cannot play. Status keeps working either way.
    static let player = #"""
        let hlsLoad = null;
        let hlsPlayer = null;

        function loadHls() {
          if (hlsLoad) return hlsLoad;
          const source = document.body.dataset.hlsScript;
          hlsLoad = new Promise((resolve) => {
            if (window.Hls) return resolve({ Hls: window.Hls });
            const script = document.createElement('script');
            const timer = setTimeout(() => resolve({ error: 'hls.js did not load from ' + source + ' within 8 s' }), 8000);
            script.src = source;
            script.async = true;
            script.onload = () => { clearTimeout(timer); resolve(window.Hls ? { Hls: window.Hls } : { error: 'hls.js loaded but did not start' }); };
            script.onerror = () => { clearTimeout(timer); resolve({ error: 'hls.js could not be loaded from ' + source + ' (CDN unreachable?)' }); };
            document.head.append(script);
          });
          return hlsLoad;
        }

        function playerStatus(text, kind) {
          const element = $('player-status');
          element.textContent = text;
          element.dataset.kind = kind || 'info';
        }

        function stopPlayer() {
          if (hlsPlayer) { hlsPlayer.destroy(); hlsPlayer = null; }
          const video = $('video');
          video.onerror = null;
          video.removeAttribute('src');
          video.load();
          for (const button of document.querySelectorAll('button.camera.playing')) button.classList.remove('playing');
        }

        async function play(camera) {
          stopPlayer();
          const button = document.querySelector('button.camera[data-camera-id="' + camera.id + '"]');
          if (button) button.classList.add('playing');
          $('player-title').textContent = camera.name;
          playerStatus('Asking for the stream…');
          let live;
          try {
            const response = await api('/api/camera/' + camera.id + '/live');
            const body = await response.json().catch(() => null);
            if (!response.ok) return playerStatus('Cannot play: ' + ((body && body.error && body.error.message) || 'HTTP ' + response.status), 'error');
            live = body;
          } catch (error) {
            return playerStatus('Cannot play: the gateway did not answer (' + error.message + ')', 'error');
          }
          const video = $('video');
          const { Hls, error } = await loadHls();
          if (Hls && Hls.isSupported()) {
            hlsPlayer = new Hls();
            hlsPlayer.on(Hls.Events.ERROR, (_, data) => {
              if (data.fatal) playerStatus('Cannot play: ' + data.type + ' (' + data.details + ')', 'error');
            });
            hlsPlayer.on(Hls.Events.MANIFEST_PARSED, () => { playerStatus('Playing (hls.js)'); video.play().catch(() => {}); });
            hlsPlayer.loadSource(live.hlsUrl);
            hlsPlayer.attachMedia(video);
            playerStatus('Loading the stream…');
          } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
            video.onerror = () => playerStatus('Cannot play: ' + (error || 'hls.js unsupported here') + '; native HLS failed too (the stream did not load)', 'error');
            video.onloadedmetadata = () => playerStatus('Playing (native HLS)');
            video.src = live.hlsUrl;
            video.play().catch(() => {});
            playerStatus('Loading the stream (native HLS; ' + (error || 'hls.js unsupported') + ')…');
          } else {
            playerStatus('Cannot play: ' + (error || 'hls.js is not supported in this browser') + ', and this browser has no native HLS.', 'error');
          }
        }
        """#
}
