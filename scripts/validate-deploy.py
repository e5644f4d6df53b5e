"""Offline checks of deploy/: compose, Kubernetes, systemd, HAProxy (scripts/validate-deploy.sh).

Run by scripts/validate-deploy.sh with a venv that has check-jsonschema, kubernetes-validate and
PyYAML. Every check prints one line; the run fails when any check fails. The central one: every
`lookout …` command line in the three targets is run with the real binary (LOOKOUT_BIN) and the
environment the target gives it, with unparseable Redis and PostgreSQL URLs. A command line the
CLI accepts gets past argument parsing, the settings (environment and any --config file) and
every --worker file, and only then stops at the URL: exit 2 naming LOOKOUT_REDIS_URL or
LOOKOUT_DATABASE_URL. Anything else (an unknown option, `--config workers/X.yml`, a missing
worker file, a malformed setting) fails the check with the CLI's own message. The command lines
deploy/README.md shows are checked against `lookout … --help` (subcommands and options).
"""

import base64
import hashlib
import json
import os
import re
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = os.environ["LOOKOUT_BIN"]
VENV_BIN = Path(sys.executable).parent
# Where the targets mount the repository's workers/ (compose volume, ConfigMap, /etc on hosts).
WORKERS_MOUNT = "/etc/lookout/workers/"
# Settings other branches of issue 14 add (worker HTTP port, gateway drain): accepted in the
# manifests before they reach the README's settings table; drop a name once it is there.
PENDING_SETTINGS: set[str] = set()
# Subcommands another branch adds (the image's healthcheck): their command lines are checked only
# once the binary has them.
PENDING_SUBCOMMANDS: set[str] = set()
# Values never passed to the dry run (they are secrets in every target; the URLs are replaced).
SECRET_SETTINGS = {"LOOKOUT_PLAYBACK_KEYS", "LOOKOUT_STREAM_URL_KEY", "LOOKOUT_STREAM_URL_OLD_KEYS",
                   "HIKVISION_SECRET", "HIKVISION_APP_KEY", "LOOKOUT_MEDIAMTX_API_PASSWORD"}
WORKER_KINDS = sorted(p.stem for p in (ROOT / "workers").glob("*.yml"))

failures = []
notes = []


def check(name, ok, detail=""):
    print(("ok    " if ok else "FAIL  ") + name + ("" if ok or not detail else "\n      " + detail.replace("\n", "\n      ")))
    if not ok:
        failures.append(name)
    return ok


def documented_settings():
    """Environment names in the README's settings table."""
    names = set()
    for line in (ROOT / "README.md").read_text().splitlines():
        m = re.match(r"\| `([A-Z][A-Z0-9_]+)` \|", line)
        if m:
            names.add(m.group(1))
    return names


DOCUMENTED = documented_settings()


def check_setting_names(target, names):
    unknown = sorted(n for n in names if re.match(r"(LOOKOUT_|HIKVISION_|LOG_LEVEL)", n)
                     and n not in DOCUMENTED and n not in PENDING_SETTINGS)
    check(f"{target}: every Lookout setting it sets is in the README's table", not unknown, f"unknown: {unknown}")
    pending = sorted(n for n in names if n in PENDING_SETTINGS and n not in DOCUMENTED)
    if pending:
        notes.append(f"{target}: {', '.join(pending)} not in the README yet (pending branches of issue 14)")


_help_cache = {}


def subcommand_help(sub):
    """`lookout SUB --help`, or None when the binary has no such subcommand."""
    if "" not in _help_cache:
        text = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=20).stdout
        _help_cache[""] = set(re.findall(r"^  ([a-z][a-z-]*) ", text.split("SUBCOMMANDS:")[-1], re.M))
    if sub not in _help_cache:
        r = subprocess.run([BIN, sub, "--help"], capture_output=True, text=True, timeout=20)
        _help_cache[sub] = r.stdout if r.returncode == 0 and sub in _help_cache[""] else None
    return _help_cache[sub]


def run_lookout(label, args, env, workers_dir):
    """The dry run of one lookout command line (see the module's docstring)."""
    args = [a.replace(WORKERS_MOUNT, str(workers_dir) + "/") if a.startswith(WORKERS_MOUNT) else a for a in args]
    sub = args[0] if args else ""
    if sub in PENDING_SUBCOMMANDS and subcommand_help(sub) is None:
        notes.append(f"{label}: `lookout {sub}` is not in this binary yet; its line is checked after the merge")
        return
    if sub not in ("gateway", "worker", "migrate"):
        # Not a long-running role: every option must be one `lookout SUB --help` lists.
        text = subcommand_help(sub)
        options = [a.split("=")[0] for a in args[1:] if a.startswith("--")]
        missing = [o for o in options if text is None or o not in text]
        check(f"{label}: `lookout {' '.join(args)}` names a subcommand and options the CLI has",
              text is not None and not missing, f"unknown: {missing or sub}")
        return
    run_env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    run_env.update({k: v for k, v in env.items() if k not in SECRET_SETTINGS})
    run_env["LOOKOUT_REDIS_URL"] = "unparseable-on-purpose"
    run_env["LOOKOUT_DATABASE_URL"] = "unparseable-on-purpose"
    try:
        r = subprocess.run([BIN] + args, env=run_env, capture_output=True, text=True, timeout=20, cwd=tempfile.gettempdir())
    except subprocess.TimeoutExpired:
        check(f"{label}: `lookout {' '.join(args)}`", False, "did not stop within 20 s")
        return
    ok = r.returncode == 2 and re.search(r"LOOKOUT_(REDIS|DATABASE)_URL: malformed URL", r.stderr) is not None
    check(f"{label}: `lookout {' '.join(args)}` is accepted by the CLI", ok,
          f"exit {r.returncode}: {r.stderr.strip()[-600:]}")


def subcommands(path):
    """The subcommands `lookout PATH --help` lists."""
    key = ("subcommands",) + tuple(path)
    if key not in _help_cache:
        text = subprocess.run([BIN] + list(path) + ["--help"], capture_output=True, text=True, timeout=20).stdout
        _help_cache[key] = set(re.findall(r"^  ([a-z][a-z-]*) ", text.split("SUBCOMMANDS:")[-1], re.M)) if "SUBCOMMANDS:" in text else set()
    return _help_cache[key]


def check_cli_options(label, args):
    """`lookout ARGS` names subcommands the CLI has and options they list (no run)."""
    path = []
    for a in args:
        if a.startswith("-") or a not in subcommands(path):
            break
        path.append(a)
    if not path:
        check(f"{label}: `lookout {' '.join(args)}` names a subcommand the CLI has", False, f"`lookout --help` has no {args[:1]}")
        return
    rest = args[len(path):]
    if rest and not rest[0].startswith("-") and subcommands(path):
        check(f"{label}: `lookout {' '.join(args)}` names a subcommand the CLI has", False,
              f"`lookout {' '.join(path)}` has no subcommand {rest[0]}")
        return
    text = subprocess.run([BIN] + path + ["--help"], capture_output=True, text=True, timeout=20).stdout
    options = [a.split("=")[0] for a in rest if a.startswith("--")]
    missing = [o for o in options if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)]
    check(f"{label}: `lookout {' '.join(args)}` names options `lookout {' '.join(path)}` has", not missing, f"unknown: {missing}")


def check_readme():
    """Every lookout command line deploy/README.md shows (in backticks) is one the CLI has."""
    text = re.sub(r"```.*?```", "", (DEPLOY / "README.md").read_text(), flags=re.S)
    lines = set()
    for span in re.findall(r"`([^`]+)`", text.replace("\n   ", " ")):
        for m in re.finditer(r"(?:(?<![-\w/])(?<!-n )lookout |lookout:latest |--no-deps migrate |… migrate )([^&|;>]+)", span):
            args = m.group(1).split()
            if args and not args[0].startswith("-") and re.fullmatch(r"[a-z][a-z-]*", args[0]):
                lines.add(tuple(args))
    check("deploy/README.md: shows lookout command lines", len(lines) >= 5, f"{lines}")
    for args in sorted(lines):
        if args[0] in PENDING_SUBCOMMANDS and subcommand_help(args[0]) is None:
            notes.append(f"deploy/README.md: `lookout {args[0]}` is not in this binary yet")
            continue
        check_cli_options("deploy/README.md", list(args))


def worker_kind(path):
    """The kind a worker file under WORKERS_MOUNT declares, or None."""
    if not path.startswith(WORKERS_MOUNT):
        return None
    f = ROOT / "workers" / path[len(WORKERS_MOUNT):]
    return yaml.safe_load(f.read_text()).get("kind") if f.is_file() else None


def worker_files(args):
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--worker"]


# ---------------------------------------------------------------------------------------- HAProxy

class FakeGateway(socketserver.ThreadingTCPServer):
    """Answers like a gateway for the checks here: /readyz with `ready`'s status, a body naming
    itself and the X-Forwarded-For it got, and a WebSocket-style upgrade on /ws that then echoes."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, name, ready):
        self.name, self.ready = name, ready
        super().__init__(("127.0.0.1", 0), FakeGatewayHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self):
        return self.server_address[1]


class FakeGatewayHandler(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            self.answer()
        except OSError:
            pass  # HAProxy ends its health checks with a reset

    def answer(self):
        while True:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                chunk = self.rfile.readline()
                if not chunk:
                    return
                head += chunk
            path = head.split(b" ")[1].decode()
            xff = re.search(rb"(?im)^x-forwarded-for: *([^\r]*)", head)
            if path == "/ws":
                key = re.search(rb"(?im)^sec-websocket-key: *([^\r]*)", head).group(1)
                accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
                self.wfile.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
                while data := self.request.recv(4096):
                    self.request.sendall(data)
                return
            status = (200 if self.server.ready else 503) if path == "/readyz" else 200
            body = f"{self.server.name} xff={xff.group(1).decode() if xff else None}".encode()
            self.wfile.write(b"HTTP/1.1 %d X\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body))


def http_get(port, path):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
        c.sendall(f"GET {path} HTTP/1.1\r\nHost: lookout\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := c.recv(4096):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body.decode()


def run_haproxy(tmp):
    """The rendered template running: two ready gateways, one draining (503), one absent."""
    good, other, draining = FakeGateway("good", True), FakeGateway("other", True), FakeGateway("draining", False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        absent, listen = s.getsockname()[1], None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        listen = s.getsockname()[1]
    cfg = tmp / "running.cfg"
    servers = [f"127.0.0.1:{p}" for p in (good.port, other.port, draining.port, absent)]
    cfg.write_text(subprocess.run([DEPLOY / "haproxy" / "render.sh", "--listen", f"127.0.0.1:{listen}"] + servers,
                                  capture_output=True, text=True, check=True).stdout)
    log = open(tmp / "haproxy.log", "w")
    proc = subprocess.Popen(["haproxy", "-db", "-f", cfg], stdout=log, stderr=subprocess.STDOUT)
    try:
        seen, deadline = [], time.monotonic() + 15
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                seen = [http_get(listen, "/api/stats") for _ in range(8)]
            except OSError:
                seen = []
            if seen and all(code == 200 and body.split()[0] in ("good", "other") for code, body in seen):
                break
            time.sleep(0.2)
        check("haproxy: the rendered template runs and takes the draining (503) and absent gateways out",
              proc.poll() is None and bool(seen) and all(b.split()[0] in ("good", "other") for _, b in seen),
              f"exit {proc.poll()}, answers {seen}, log: {(tmp / 'haproxy.log').read_text()[-800:]}")
        if proc.poll() is not None:
            return
        check("haproxy: it spreads connections over the ready gateways",
              {b.split()[0] for _, b in seen} == {"good", "other"}, f"{seen}")
        check("haproxy: gateways get X-Forwarded-For", all("xff=127.0.0.1" in b for _, b in seen), f"{seen}")
        check("haproxy: /metrics is not served at the edge", http_get(listen, "/metrics")[0] == 404)
        with socket.create_connection(("127.0.0.1", listen), timeout=5) as c:
            c.sendall(b"GET /ws HTTP/1.1\r\nHost: lookout\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            reply = b""
            while b"\r\n\r\n" not in reply:
                reply += c.recv(4096)
            c.sendall(b"heartbeat")
            echoed = reply.partition(b"\r\n\r\n")[2]
            while len(echoed) < len(b"heartbeat"):
                echoed += c.recv(4096)
        check("haproxy: a WebSocket upgrade becomes a tunnel", reply.startswith(b"HTTP/1.1 101") and echoed == b"heartbeat",
              f"{reply[:100]!r} {echoed!r}")
    finally:
        proc.kill()
        proc.wait()
        log.close()
        for g in (good, other, draining):
            g.shutdown()
            g.server_close()


def check_haproxy(tmp):
    render = DEPLOY / "haproxy" / "render.sh"
    if not check("haproxy: deploy/haproxy/render.sh renders the template", render.is_file()):
        return
    loopback = tmp / "loopback.cfg"
    r = subprocess.run([render, "--listen", "127.0.0.1:18000", "127.0.0.1:18081", "127.0.0.1:18082", "127.0.0.1:18083"],
                       capture_output=True, text=True)
    if not check("haproxy: render.sh renders three loopback gateways", r.returncode == 0, r.stderr):
        return
    loopback.write_text(r.stdout)
    c = subprocess.run(["haproxy", "-c", "-f", loopback], capture_output=True, text=True)
    out = c.stdout + c.stderr
    check("haproxy: the loopback config passes haproxy -c without a warning",
          c.returncode == 0 and "WARNING" not in out and "ALERT" not in out, out)
    rendered = r.stdout
    run_haproxy(tmp)
    for needle in ["timeout tunnel 1h", "option httpchk GET /readyz", "http-check expect status 200",
                   "balance leastconn", "default-server inter 1s", "fall 2 rise 2", "server gw3 127.0.0.1:18083 check"]:
        check(f"haproxy: the rendered config has `{needle}`", needle in rendered)
    directives = "\n".join(l for l in rendered.splitlines() if not l.lstrip().startswith("#"))
    check("haproxy: a marked-down gateway's sockets are left to its own drain",
          "on-marked-down" not in directives)
    # The compose stack's config is the template rendered for its two gateways, committed.
    r = subprocess.run([render, "--maxconn", "50000", "gateway-1:8080", "gateway-2:8080"], capture_output=True, text=True)
    committed = (DEPLOY / "haproxy" / "compose.cfg").read_text()
    check("haproxy: deploy/haproxy/compose.cfg is render.sh --maxconn 50000 gateway-1:8080 gateway-2:8080",
          r.returncode == 0 and r.stdout == committed, "re-render it with that command")
    c = subprocess.run(["haproxy", "-c", "-f", DEPLOY / "haproxy" / "compose.cfg"], capture_output=True, text=True)
    warnings = [l for l in (c.stdout + c.stderr).splitlines() if "WARNING" in l or "ALERT" in l]
    unexpected = [l for l in warnings if "could not resolve address 'gateway-" not in l]
    check("haproxy: compose.cfg passes haproxy -c (service names resolve only inside compose)",
          c.returncode == 0 and not unexpected, "\n".join(unexpected) or c.stderr)
    for bad in (["--listen", "x"], ["not-a-server"], []):
        r = subprocess.run([render] + bad, capture_output=True, text=True)
        check(f"haproxy: render.sh refuses {bad or 'no gateway'}", r.returncode == 2)


# ---------------------------------------------------------------------------------------- compose

VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-?])([^}]*))?\}")


def interpolate(value):
    if isinstance(value, str):
        value = VAR.sub(lambda m: (m.group(3) if m.group(2) == "-" else f"dummy-{m.group(1).lower()}"), value)
        return value.replace("$$", "$")
    if isinstance(value, list):
        return [interpolate(v) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v) for k, v in value.items()}
    return value


def check_compose(workers_dir):
    path = DEPLOY / "compose.yml"
    r = subprocess.run([VENV_BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", path],
                       capture_output=True, text=True)
    check("compose: deploy/compose.yml follows the compose specification", r.returncode == 0, r.stdout + r.stderr)
    doc = interpolate(yaml.safe_load(path.read_text()))
    services = doc.get("services", {})
    lookout = {n: s for n, s in services.items() if str(s.get("image", "")).startswith("lookout:")}
    names = set()
    kinds_run = set()
    for name, s in sorted(lookout.items()):
        env = {k: ("" if v is None else str(v)) for k, v in (s.get("environment") or {}).items()}
        names.update(env)
        # The image's entrypoint is `lookout` (Dockerfile); `command` follows it.
        line = [str(a) for a in (s.get("entrypoint") or ["lookout"]) + (s.get("command") or [])]
        if not check(f"compose: {name} runs lookout", line[0] == "lookout", f"{line}"):
            continue
        args = line[1:]
        run_lookout(f"compose {name}", args, env, workers_dir)
        test = (s.get("healthcheck") or {}).get("test") or []
        if test[:2] == ["CMD", "lookout"]:
            run_lookout(f"compose {name} healthcheck", test[2:], env, workers_dir)
        for f in worker_files(args):
            kinds_run.add(worker_kind(f))
            check(f"compose: {name} mounts the repository's workers/ where --worker {f} is",
                  f"../workers:{WORKERS_MOUNT.rstrip('/')}:ro" in (s.get("volumes") or []))
        if name != "migrate":
            deps = s.get("depends_on") or {}
            check(f"compose: {name} starts after migrate completed",
                  isinstance(deps, dict) and (deps.get("migrate") or {}).get("condition") == "service_completed_successfully")
        check(f"compose: {name} has a read-only root and no capabilities",
              s.get("read_only") is True and s.get("cap_drop") == ["ALL"])
    check_setting_names("compose", names)
    missing = sorted(set(WORKER_KINDS) - kinds_run)
    check("compose: every worker kind of workers/ runs", not missing, f"missing: {missing}")
    gateways = [n for n, s in lookout.items() if s.get("command") == ["gateway"]]
    check("compose: two gateways or more", len(gateways) >= 2, f"{gateways}")
    for name in gateways:
        s = lookout[name]
        grace = int(str(s.get("stop_grace_period", "10s")).rstrip("s"))
        drain = int((s.get("environment") or {}).get("LOOKOUT_DRAIN_WINDOW", 10))
        check(f"compose: {name}'s stop_grace_period ({grace} s) outlasts its drain window ({drain} s)", grace > drain + 5)
    presence = [s for s in lookout.values() if "/etc/lookout/workers/presence.yml" in s.get("command", [])]
    check("compose: two presence workers", sum((s.get("deploy") or {}).get("replicas", 1) for s in presence) >= 2)
    for name in ("redis", "postgres", "haproxy", "mediamtx", "migrate", "mediamtx-sync"):
        check(f"compose: has {name}", name in services)
    hap = services.get("haproxy", {})
    check("compose: HAProxy runs deploy/haproxy/compose.cfg",
          "./haproxy/compose.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in (hap.get("volumes") or []))
    sync, mtx = services.get("mediamtx-sync", {}), services.get("mediamtx", {})
    config = (sync.get("environment") or {}).get("LOOKOUT_MEDIAMTX_CONFIG", "")
    shared = [v for v in (sync.get("volumes") or []) if v in (mtx.get("volumes") or [])]
    check("compose: MediaMTX reads the file the sync writes, in a shared volume",
          bool(shared) and any(config.startswith(v.split(":")[1] + "/") for v in shared)
          and (mtx.get("command") or [None])[0] == config, f"config {config}, shared {shared}")
    check("compose: the sync reaches the Control API on MediaMTX's loopback", sync.get("network_mode") == "service:mediamtx")
    example_file = DEPLOY / "compose.env.example"
    example = example_file.read_text() if example_file.is_file() else ""
    required = sorted(set(re.findall(r"\$\{([A-Z_]+):\?", path.read_text())))
    absent = [v for v in required if not re.search(rf"^#? ?{v}=", example, re.M)]
    check("compose: compose.env.example names every required variable", not absent, f"absent: {absent}")
    assigned = re.findall(r"^([A-Z_]+)=(.+)$", example, re.M)
    check("compose: compose.env.example holds no secret value", all(v.strip() in ("", '""') for _, v in assigned
                                                                      if re.search("PASSWORD|SECRET|KEY", _)),
          f"{[k for k, v in assigned if v.strip()]}")


# ------------------------------------------------------------------------------------- Kubernetes

def kustomize_hash(cm):
    """A content hash suffix like kustomize's (the exact value does not matter here)."""
    encoded = json.dumps({"data": cm["data"], "kind": "ConfigMap", "name": cm["metadata"]["name"]}, sort_keys=True)
    digest = hashlib.sha256(encoded.encode()).hexdigest()
    return "".join("bcdfghkmtz"[int(c, 16) % 10] for c in digest[:10])


def render_kustomization(root):
    """resources + configMapGenerator, with kustomize's rule that no file is read above root and
    its rewriting of ConfigMap names (hash suffix) in the resources that use them."""
    if not check("kubernetes: deploy/kubernetes is a kustomization", (root / "kustomization.yaml").is_file()):
        return [], {}
    k = yaml.safe_load((root / "kustomization.yaml").read_text())
    known = {"apiVersion", "kind", "resources", "configMapGenerator"}
    check("kubernetes: the kustomization uses only resources and configMapGenerator (what this renderer does)",
          set(k) <= known, f"{sorted(set(k) - known)}")

    def inside(rel):
        p = (root / rel).resolve()
        if not check(f"kubernetes: {rel} is in or below the kustomization (kustomize reads nothing above)",
                     p.is_relative_to(root.resolve()) and p.is_file()):
            return None
        return p

    docs, renames = [], {}
    for rel in k.get("resources", []):
        p = inside(rel)
        if p:
            docs += [d for d in yaml.safe_load_all(p.read_text()) if d]
    for gen in k.get("configMapGenerator", []):
        data = {}
        for rel in gen.get("files", []):
            key, _, rel = rel.rpartition("=") if "=" in rel else (None, None, rel)
            p = inside(rel)
            if p:
                data[key or Path(rel).name] = p.read_text()
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": gen["name"]}, "data": data}
        renames[gen["name"]] = f"{gen['name']}-{kustomize_hash(cm)}"
        cm["metadata"]["name"] = renames[gen["name"]]
        docs.append(cm)

    def rewrite(node):
        if isinstance(node, dict):
            for key in ("configMap", "configMapRef", "configMapKeyRef"):
                ref = node.get(key)
                if isinstance(ref, dict) and ref.get("name") in renames:
                    ref["name"] = renames[ref["name"]]
            for v in node.values():
                rewrite(v)
        elif isinstance(node, list):
            for v in node:
                rewrite(v)
    for d in docs:
        rewrite(d)
    return docs, renames


def pod_spec(doc):
    spec = doc.get("spec", {})
    if doc["kind"] in ("Deployment", "Job"):
        return spec.get("template", {}).get("spec", {})
    return None


def check_kubernetes(tmp, workers_dir):
    root = DEPLOY / "kubernetes"
    for f in sorted((ROOT / "workers").glob("*.yml")):
        copy = root / "workers" / f.name
        check(f"kubernetes: workers/{f.name} is the repository's (cp workers/*.yml deploy/kubernetes/workers/)",
              copy.is_file() and copy.read_text() == f.read_text())
    copy = root / "mediamtx" / "mediamtx.yml"
    check("kubernetes: mediamtx/mediamtx.yml is the repository's mediamtx.yml",
          copy.is_file() and copy.read_text() == (ROOT / "mediamtx.yml").read_text())
    check("kubernetes: no other manifest is left beside the kustomization",
          not (root / "lookout.yaml").exists())
    docs, renames = render_kustomization(root)
    rendered = tmp / "kubernetes.yaml"
    rendered.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    r = subprocess.run([VENV_BIN / "kubernetes-validate", "--strict", "--quiet", rendered], capture_output=True, text=True)
    check(f"kubernetes: {len(docs)} rendered documents pass kubernetes-validate --strict",
          r.returncode == 0 and len(docs) > 0, (r.stdout + r.stderr)[-3000:])
    check("kubernetes: no Secret is in the kustomization", all(d["kind"] != "Secret" for d in docs))
    example_file = root / "secret.example.yaml"
    example = yaml.safe_load(example_file.read_text()) if example_file.is_file() else {}
    secret_keys = set(example.get("stringData", {}))
    configmaps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
    names, kinds_run = set(), set()
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
        spec = pod_spec(d)
        if spec is None:
            continue
        name = d["metadata"]["name"]
        psc = spec.get("securityContext", {})
        check(f"kubernetes: {name} runs as non-root with a seccomp profile",
              psc.get("runAsNonRoot") is True and psc.get("seccompProfile", {}).get("type") == "RuntimeDefault")
        check(f"kubernetes: {name} mounts no service account token", spec.get("automountServiceAccountToken") is False)
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for v in volumes.values():
            if "configMap" in v:
                check(f"kubernetes: {name}'s ConfigMap {v['configMap']['name']} exists in the kustomization",
                      v["configMap"]["name"] in configmaps)
        for c in spec.get("initContainers", []) + spec.get("containers", []):
            cname = f"{name}/{c['name']}"
            sc = c.get("securityContext", {})
            check(f"kubernetes: {cname}: read-only root, no privilege escalation, no capabilities",
                  sc.get("readOnlyRootFilesystem") is True and sc.get("allowPrivilegeEscalation") is False
                  and sc.get("capabilities", {}).get("drop") == ["ALL"])
            check(f"kubernetes: {cname} has resource requests", bool(c.get("resources", {}).get("requests")))
            env = {}
            for e in c.get("env", []):
                names.add(e["name"])
                ref = (e.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    check(f"kubernetes: {cname} {e['name']} comes from a key of the Secret lookout (secret.example.yaml)",
                          ref.get("name") == "lookout" and ref.get("key") in secret_keys, f"{ref}")
                elif "value" in e:
                    env[e["name"]] = e["value"]
            # The image's entrypoint is `lookout`; a container that names another command (the
            # init container's cp) runs no lookout command line.
            if not str(c.get("image", "")).startswith("lookout:") or c.get("command") not in (None, ["lookout"]):
                continue
            args = [str(a) for a in c.get("args", [])]
            run_lookout(f"kubernetes {cname}", args, env, workers_dir)
            for f in worker_files(args):
                kinds_run.add(worker_kind(f))
                mount = [m for m in c.get("volumeMounts", []) if m["mountPath"] + "/" == WORKERS_MOUNT]
                vol = volumes.get(mount[0]["name"], {}) if mount else {}
                check(f"kubernetes: {cname}'s --worker {f} is in the mounted lookout-workers ConfigMap",
                      vol.get("configMap", {}).get("name") == renames.get("lookout-workers")
                      and Path(f).name in configmaps.get(renames.get("lookout-workers"), {}).get("data", {}))
            if args[:1] == ["gateway"]:
                grace = spec.get("terminationGracePeriodSeconds", 30)
                stop = ((c.get("lifecycle") or {}).get("preStop") or {}).get("sleep", {}).get("seconds", 0)
                drain = int(env.get("LOOKOUT_DRAIN_WINDOW", 10))
                check(f"kubernetes: {cname}: preStop {stop} s + drain window {drain} s fit in the grace period ({grace} s)",
                      stop > 0 and grace > stop + drain + 5)
            if args[:1] in (["gateway"], ["worker"]):
                check(f"kubernetes: {cname} is probed on /readyz and /healthz",
                      c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/readyz"
                      and c.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/healthz")
    check_setting_names("kubernetes", names)
    missing = sorted(set(WORKER_KINDS) - kinds_run)
    check("kubernetes: every worker kind of workers/ runs", not missing, f"missing: {missing}")
    for kind in ("Job", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"):
        check(f"kubernetes: has a {kind}", kind in by_kind)


# ---------------------------------------------------------------------------------------- systemd

HARDENING = ["DynamicUser=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes",
             "CapabilityBoundingSet=", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
             "SystemCallFilter=@system-service", "EnvironmentFile=/etc/lookout/env"]


def unit_values(text, key):
    return [l.split("=", 1)[1] for l in text.splitlines() if l.startswith(key + "=")]


def check_systemd(tmp, workers_dir):
    src = DEPLOY / "systemd"
    units = sorted(src.glob("*.service"))
    verify_dir = tmp / "systemd"
    verify_dir.mkdir()
    names, ports, kinds_run = set(), {}, set()
    for u in units:
        text = u.read_text()
        lines = set(text.splitlines())
        missing = [h for h in HARDENING if h not in lines]
        check(f"systemd: {u.name} is hardened", not missing, f"missing: {missing}")
        execs = unit_values(text, "ExecStart")
        check(f"systemd: {u.name} runs /usr/local/bin/lookout", len(execs) == 1 and execs[0].startswith("/usr/local/bin/lookout "))
        env = {}
        for e in unit_values(text, "Environment"):
            k, _, v = e.partition("=")
            env[k] = v.replace("%i", "8080")
            names.add(k)
        args = execs[0].split()[1:] if execs else []
        run_lookout(f"systemd {u.name}", args, env, workers_dir)
        for f in worker_files(args):
            kinds_run.add(worker_kind(f))
        if args[:1] == ["worker"]:
            port = env.get("LOOKOUT_WORKER_HTTP_PORT")
            check(f"systemd: {u.name} has a worker HTTP port of its own", port is not None and port not in ports,
                  f"{port} also in {ports.get(port)}")
            ports[port] = u.name
        if args[:1] in (["gateway"], ["worker"]):
            stop = int(unit_values(text, "TimeoutStopSec")[0]) if unit_values(text, "TimeoutStopSec") else 90
            drain = int(env.get("LOOKOUT_DRAIN_WINDOW", 10))
            check(f"systemd: {u.name} stops on SIGTERM within TimeoutStopSec={stop} > drain window {drain} s",
                  "KillSignal=SIGTERM" in lines and stop > drain + 5)
        (verify_dir / u.name).write_text(text.replace("/usr/local/bin/lookout", BIN))
    sync_unit = src / "lookout-mediamtx-sync.service"
    sync = sync_unit.read_text() if sync_unit.is_file() else ""
    check("systemd: the MediaMTX sync may write mediamtx.yml's folder and share MediaMTX's group",
          any(Path(unit_values(sync, "Environment")[i].split("=", 1)[1]).parent.as_posix() in unit_values(sync, "ReadWritePaths")
              for i, e in enumerate(unit_values(sync, "Environment")) if e.startswith("LOOKOUT_MEDIAMTX_CONFIG="))
          and unit_values(sync, "SupplementaryGroups") != [])
    check_setting_names("systemd", names)
    missing = sorted(set(WORKER_KINDS) - kinds_run)
    check("systemd: every worker kind of workers/ has a unit", not missing, f"missing: {missing}")
    for t in src.glob("*.target"):
        shutil.copy(t, verify_dir / t.name)
    targets = [verify_dir / (u.name.replace("@.service", "@8080.service")) for u in units] + list(verify_dir.glob("*.target"))
    r = subprocess.run(["systemd-analyze", "verify"] + [str(t) for t in targets], capture_output=True, text=True)
    out = (r.stdout + r.stderr).strip()
    check(f"systemd: systemd-analyze verify passes {len(targets)} units with nothing to say", r.returncode == 0 and not out, out)


def main():
    with tempfile.TemporaryDirectory(prefix="lookout-deploy.") as t:
        tmp = Path(t)
        # The worker files as the targets mount them: the repository's workers/.
        workers_dir = ROOT / "workers"
        check_haproxy(tmp)
        check_compose(workers_dir)
        check_kubernetes(tmp, workers_dir)
        check_systemd(tmp, workers_dir)
        check_readme()
    for n in notes:
        print("note  " + n)
    print(f"{len(failures)} failed" if failures else "deploy: every check passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
