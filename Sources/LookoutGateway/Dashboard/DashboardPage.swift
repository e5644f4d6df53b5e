/// The dashboard's HTML. The script and style sheet are separate files, so the CSP needs no
/// `'unsafe-inline'`; the hls.js address and its integrity hash travel in data attributes.
enum DashboardPage {
    static func html(hlsScriptURL: String, hlsScriptIntegrity: String?) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Lookout</title>
        <link rel="stylesheet" href="/dashboard.css">
        <script src="/dashboard.js" defer></script>
        </head>
        <body data-hls-script="\(escaped(hlsScriptURL))" data-hls-integrity="\(escaped(hlsScriptIntegrity ?? ""))">
        <header>
          <h1>Lookout</h1>
          <p id="connection" class="connection" data-state="idle" role="status" aria-live="polite">Starting…</p>
          <p id="summary" class="summary"></p>
          <button id="forget-key" type="button" hidden>Change key</button>
        </header>
        <main>
          <section id="login" class="login" hidden>
            <form id="key-form">
              <h2>Connect</h2>
              <label for="key-input">Viewer API key</label>
              <input id="key-input" name="key" type="password" autocomplete="off" spellcheck="false" placeholder="lk_…" required>
              <button type="submit">Connect</button>
              <p id="key-error" class="error" role="alert"></p>
              <p class="muted">The key stays in this browser (localStorage).</p>
            </form>
          </section>
          <section id="board" class="board" hidden>
            <div class="fleet">
              <div class="toolbar">
                <input id="filter" type="search" placeholder="Filter by hostname or name" aria-label="Filter NVRs">
                <label><input id="offline-only" type="checkbox"> offline only</label>
              </div>
              <table id="nvr-table">
                <thead><tr><th>NVR</th><th>Status</th><th>Since</th><th>Last seen</th><th>Uptime 24 h</th><th>Cameras</th></tr></thead>
              </table>
              <p id="empty" class="muted" hidden>No NVRs yet.</p>
            </div>
            <aside>
              <section class="panel">
                <h2>Player</h2>
                <p id="player-title" class="muted">Click a camera to play it.</p>
                <video id="video" controls muted playsinline></video>
                <p id="player-status" class="player-status" role="status" aria-live="polite"></p>
              </section>
              <section class="panel">
                <h2>Alerts</h2>
                <ul id="alerts" class="alerts"><li class="muted">None since this page opened.</li></ul>
              </section>
            </aside>
          </section>
        </main>
        </body>
        </html>
        """
    }

    /// Text safe inside a double-quoted HTML attribute.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
