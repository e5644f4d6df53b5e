import Foundation
import Logging
import LookoutMediaMTXSimulator
import LookoutTestSupport
import Testing

/// The dashboard page in a real browser (headless Chromium over the DevTools protocol) against
/// real gateway and worker processes, Redis and PostgreSQL. The hls.js CDN is unreachable here
/// (no internet), which the page must survive. Saves `artifacts/dashboard.png`.
@Suite(.serialized) struct DashboardBrowserTests {
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../artifacts").standardized

    @Test func theDashboardFollowsNVRsLiveInAHeadlessBrowser() async throws {
        // MediaMTX: the double, with every path configured, asking the first gateway (below).
        var options = MediaMTXDouble.Options()
        options.paths = ["~^.*$": [:]]
        let mediamtx = MediaMTXDoubleServer(double: MediaMTXDouble(options: options, logger: Logger(label: "double")), logger: Logger(label: "double"))
        try await mediamtx.start()
        try await withTeardown({ await mediamtx.stop() }) {
            let playbackTTL = 2
            let system = try await LookoutSystem.start(
                environment: ["LOOKOUT_HLS_BASE_URL": await mediamtx.baseURL, "LOOKOUT_PLAYBACK_TOKEN_TTL": String(playbackTTL)])
            try await withTeardown({ await system.shutdown() }) {
                let token = try await system.addNVR("site-nvr-01", cameras: 3)
                _ = try await system.addNVR("site-nvr-02", cameras: 2)
                _ = try await system.database.query(TestStreams.give)
                let viewer = try await system.addAPIKey(role: "viewer")
                let (gateway, port) = try await system.startGateway()
                let (_, otherPort) = try await system.startGateway(name: "gateway-2")
                await mediamtx.double.setAuthHTTPAddress("http://127.0.0.1:\(otherPort)/mediamtx/auth")
                try await system.startWorker()
                let browser = try await HeadlessChromium.launch()
                defer { browser.stop() }
                let page = try await browser.page()
                let row = #"document.querySelector('tbody[data-hostname="site-nvr-01"]')"#

                // The page asks for a key; the user types it and connects.
                try await page.navigate("http://127.0.0.1:\(port)/")
                #expect(await page.waitFor("!document.getElementById('login').hidden") != nil, "the key form shows")
                _ = try await page.evaluate("document.getElementById('key-input').focus()")
                try await page.send("Input.insertText", ["text": viewer])
                _ = try await page.evaluate("document.querySelector('#key-form button[type=submit]').click()")
                #expect(await page.waitFor("document.querySelectorAll('tbody.nvr').length === 2") != nil, "the NVR table shows: \(system.logs)")
                #expect(await page.waitFor("document.getElementById('connection').textContent.startsWith('Live')") != nil)
                #expect(try await page.evaluate("localStorage.getItem('lookout.apiKey')") as? String == viewer)

                // An NVR connects: the page shows it online within 2 s, its cameras with it.
                let agent = AgentSocket(port: port, hostname: "site-nvr-01", token: token)
                #expect(await agent.authReply() == "auth_ok")
                let online = await page.waitFor("\(row).dataset.status === 'online'", timeout: .seconds(2))
                #expect(online != nil, "online shown within 2 s: \(system.logs)")
                #expect(try await page.evaluate("\(row).querySelectorAll('button.camera.status-online').length") as? Int == 3)

                // It disconnects: offline within 2 s, cameras "offline because NVR offline", then an alert.
                agent.close()
                let offline = await page.waitFor("\(row).dataset.status === 'offline'", timeout: .seconds(2))
                #expect(offline != nil, "offline shown within 2 s: \(system.logs)")
                #expect(try await page.string("\(row).textContent").contains("offline because NVR offline"))
                #expect(await page.waitFor("document.querySelectorAll('#alerts li.alert').length > 0", timeout: .seconds(8)) != nil, "an alert shows")
                print("dashboard: online after \(online ?? .zero), offline after \(offline ?? .zero)")
                try await save(try await page.screenshot(), as: "dashboard-offline.png")

                // Playing a camera: the CDN is unreachable and nothing serves HLS; the player says why.
                _ = try await page.evaluate("\(row).querySelector('button.camera').click()")
                #expect(await page.waitFor("document.getElementById('player-status').textContent.startsWith('Cannot play')", timeout: .seconds(15)) != nil)
                let reason = try await page.string("document.getElementById('player-status').textContent")
                #expect(reason.contains("hls.js") || reason.contains("HLS"), "\(reason)")
                #expect(try await page.string("document.getElementById('connection').textContent").hasPrefix("Live"), "status works without hls.js")

                // With a player (a stand-in for hls.js that opens a new MediaMTX session every 400 ms
                // through the page's xhrSetup, as hls.js does after a stream change), playback goes on
                // past the credential's lifetime: the page fetched fresh ones from /live in time.
                _ = try await page.evaluate(Self.standInHls)
                let started = Date()
                let before = await mediamtx.double.hlsRequests().count
                _ = try await page.evaluate("\(row).querySelector('button.camera').click()")
                #expect(await page.waitFor("document.getElementById('player-status').textContent === 'Playing (hls.js)'", timeout: .seconds(5)) != nil)
                try await Task.sleep(for: .seconds(Double(playbackTTL) * 1.8))
                let requests = await mediamtx.double.hlsRequests().dropFirst(before).filter { $0.file == "index.m3u8" }
                let tokens = requests.compactMap(\.token).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                let pageStatuses = try await page.evaluate("JSON.stringify(window.standInStatuses)") as? String ?? ""
                print("player: \(requests.count) index requests over \(Date().timeIntervalSince(started)) s, \(tokens.count) credentials, page saw \(pageStatuses)")
                #expect(tokens.count >= 2, "the page refreshed the credential before it expired")
                #expect(requests.allSatisfy { [200, 302].contains($0.status) }, "no request refused: \(requests.map(\.status))")
                #expect(requests.last?.token != tokens.first, "the newest requests carry a newer credential")
                #expect(!pageStatuses.contains("401") && pageStatuses.contains("200"), "\(pageStatuses)")
                _ = try await page.evaluate("window.standInStop(); true")

                // The gateway goes away: the page says it is reconnecting; what happens meanwhile (the
                // NVR connects through another gateway) shows once it is back, caught up by lastSeq.
                await gateway.stop()
                #expect(await page.waitFor("document.getElementById('connection').textContent.includes('reconnecting')", timeout: .seconds(5)) != nil)
                let again = AgentSocket(port: otherPort, hostname: "site-nvr-01", token: token)
                #expect(await again.authReply() == "auth_ok")
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await page.evaluate("\(row).dataset.status") as? String == "offline", "no gateway: no news")
                let restarted = try LookoutProcess(name: "gateway-restarted", arguments: ["gateway"], environment: system.environment.merging(["LOOKOUT_HTTP_PORT": String(port)]) { $1 })
                try await withTeardown({ await restarted.stop() }) {
                    #expect(await page.waitFor("\(row).dataset.status === 'online'", timeout: .seconds(20)) != nil, "caught up after reconnecting: \(restarted.log)")
                    #expect(await page.waitFor("document.getElementById('connection').textContent.startsWith('Live')", timeout: .seconds(5)) != nil)

                    try await save(try await page.screenshot(), as: "dashboard.png")
                }
            }
        }
    }

    /// Enough of hls.js's surface for the player: `xhrSetup(xhr, url)` before `open` (hls.js's
    /// xhr-loader opens only if `xhrSetup` did not), MANIFEST_PARSED after the first 200.
    static let standInHls = """
        window.standInStatuses = [];
        window.Hls = class {
          static isSupported() { return true; }
          static get Events() { return { ERROR: 'hlsError', MANIFEST_PARSED: 'hlsManifestParsed' }; }
          constructor(config) { this.config = config; this.handlers = {}; window.standInStop = () => this.destroy(); }
          on(event, handler) { this.handlers[event] = handler; }
          loadSource(url) {
            const tick = () => {
              const xhr = new XMLHttpRequest();
              if (this.config.xhrSetup) this.config.xhrSetup(xhr, url);
              if (!xhr.readyState) xhr.open('GET', url, true);
              xhr.onload = () => {
                window.standInStatuses.push(xhr.status);
                if (xhr.status === 200 && !this.parsed) { this.parsed = true; this.handlers.hlsManifestParsed(); }
              };
              xhr.send();
            };
            tick();
            this.timer = setInterval(tick, 400);
          }
          attachMedia() {}
          destroy() { clearInterval(this.timer); }
        };
        true
        """

    /// Writes a screenshot under `artifacts/` (gitignored), for a person to look at.
    private func save(_ png: Data, as name: String) async throws {
        #expect(png.count > 10_000)
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let path = Self.artifacts.appendingPathComponent(name)
        try png.write(to: path)
        print("dashboard screenshot: \(path.path)")
    }

    @Test func aRefusedKeyBringsTheFormBack() async throws {
        let system = try await LookoutSystem.start()
        try await withTeardown({ await system.shutdown() }) {
            let (_, port) = try await system.startGateway()
            let browser = try await HeadlessChromium.launch()
            defer { browser.stop() }
            let page = try await browser.page()
            try await page.navigate("http://127.0.0.1:\(port)/")
            #expect(await page.waitFor("!document.getElementById('login').hidden") != nil)
            _ = try await page.evaluate(
                "document.getElementById('key-input').value = 'lk_wrong'; document.querySelector('#key-form button[type=submit]').click()")
            #expect(await page.waitFor("document.getElementById('key-error').textContent.includes('refused')") != nil)
            #expect(try await page.evaluate("localStorage.getItem('lookout.apiKey') === null") as? Bool == true)
            #expect(try await page.evaluate("document.getElementById('board').hidden") as? Bool == true)
        }
    }
}
