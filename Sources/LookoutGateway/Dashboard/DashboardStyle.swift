/// The dashboard's style sheet.
enum DashboardStyle {
    static let source = """
        :root { --bg: #0f1419; --panel: #182029; --line: #2a3542; --text: #e6edf3; --muted: #8b98a5;
          --online: #2ea043; --offline: #da3633; --unknown: #8b98a5; --warn: #d29922; font-family: system-ui, sans-serif; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--text); font-size: 14px; }
        header { display: flex; align-items: center; gap: 1.5rem; padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); }
        h1 { font-size: 1.2rem; margin: 0; }
        h2 { font-size: 1rem; margin: 0 0 .5rem; }
        .connection { margin: 0; padding: .2rem .6rem; border-radius: 1rem; background: var(--panel); }
        .connection[data-state=live] { color: var(--online); }
        .connection[data-state=reconnecting], .connection[data-state=connecting] { color: var(--warn); }
        .connection[data-state=refused] { color: var(--offline); }
        .summary { margin: 0; color: var(--muted); flex: 1; }
        button { background: #238636; color: #fff; border: 0; border-radius: 6px; padding: .4rem .8rem; cursor: pointer; }
        #forget-key { background: var(--panel); border: 1px solid var(--line); }
        main { padding: 1rem 1.25rem; }
        .login form { max-width: 24rem; margin: 4rem auto; display: grid; gap: .6rem; background: var(--panel); padding: 1.5rem; border-radius: 8px; }
        input[type=password], input[type=search] { background: var(--bg); color: var(--text); border: 1px solid var(--line); border-radius: 6px; padding: .45rem .6rem; }
        .error { color: var(--offline); min-height: 1em; margin: 0; }
        .muted { color: var(--muted); }
        .board { display: grid; grid-template-columns: minmax(0, 1fr) 24rem; gap: 1.25rem; }
        .toolbar { display: flex; gap: 1rem; align-items: center; margin-bottom: .5rem; }
        .toolbar input[type=search] { flex: 1; }
        table { width: 100%; border-collapse: collapse; }
        th { text-align: left; color: var(--muted); font-weight: 500; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
        td { padding: .4rem .5rem; vertical-align: top; }
        tbody.nvr { border-bottom: 1px solid var(--line); }
        tbody.nvr[hidden] { display: none; }
        .badge { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; font-size: .8rem; background: var(--unknown); color: #fff; }
        .badge.online { background: var(--online); } .badge.offline { background: var(--offline); }
        ul.cameras { list-style: none; margin: 0; padding: 0 0 .3rem; display: flex; flex-wrap: wrap; gap: .4rem; }
        button.camera { background: var(--panel); border: 1px solid var(--line); color: var(--text); display: flex; gap: .45rem; align-items: center;
          font-size: .8rem; padding: .3rem .55rem; }
        button.camera:hover, button.camera.playing { border-color: #58a6ff; }
        .dot { width: .55rem; height: .55rem; border-radius: 50%; background: var(--unknown); }
        .camera.status-online .dot { background: var(--online); } .camera.status-offline .dot { background: var(--offline); }
        .reason { color: var(--warn); }
        .expiry, .renewal { color: var(--muted); }
        .renewal-failed, .renewal-retrying { color: var(--offline); }
        .panel { background: var(--panel); border-radius: 8px; padding: .9rem; margin-bottom: 1rem; }
        video { width: 100%; aspect-ratio: 16 / 9; background: #000; border-radius: 4px; }
        .player-status { min-height: 1.2em; margin: .4rem 0 0; overflow-wrap: anywhere; }
        .player-status[data-kind=error] { color: var(--offline); }
        .alerts { list-style: none; margin: 0; padding: 0; max-height: 22rem; overflow: auto; }
        .alerts li { padding: .35rem 0; border-bottom: 1px solid var(--line); }
        .alerts time { color: var(--muted); margin-right: .4rem; }
        @media (max-width: 900px) { .board { grid-template-columns: 1fr; } }
        """
}
