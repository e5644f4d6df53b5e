#!/usr/bin/env bash
# Checks deploy/prometheus and deploy/grafana offline (make test runs it; ~2 s once promtool is
# cached):
#   - prometheus.yml and alerts.yml with `promtool check config` (which checks the rules too);
#   - the alerts fire and stay quiet as alerts.test.yml says (`promtool test rules`);
#   - every Grafana query is valid PromQL (compiled by promtool as recording rules);
#   - every lookout_… metric the alerts or the dashboard name is one the code exports (a renamed
#     metric cannot leave a silent alert behind).
# promtool comes from Debian's `prometheus` package, unpacked (not installed: installing would
# start a Prometheus server) into .build/tools/ on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

promtool=$(command -v promtool || true)
if [ -z "$promtool" ]; then
    promtool=$PWD/.build/tools/promtool
    if [ ! -x "$promtool" ]; then
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        echo "Fetching promtool (Debian package prometheus) ..."
        if ! (cd "$work" && apt-get download prometheus >/dev/null 2>&1); then
            [ "$(id -u)" -eq 0 ] || { echo "error: promtool missing; apt-get download prometheus failed" >&2; exit 1; }
            apt-get update -qq && (cd "$work" && apt-get download prometheus >/dev/null)
        fi
        dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
        mkdir -p "$(dirname "$promtool")"
        cp "$work/x/usr/bin/promtool" "$promtool"
    fi
fi

"$promtool" check config deploy/prometheus/prometheus.yml >/dev/null
(cd deploy/prometheus && "$promtool" test rules alerts.test.yml)

scratch=$(mktemp -d)
python3 - deploy/grafana/lookout.json deploy/prometheus/alerts.yml "$scratch/dashboard-rules.yml" <<'PY'
import json, re, sys, pathlib
dashboard_path, alerts_path, rules_path = sys.argv[1:4]
dashboard = json.load(open(dashboard_path))
exprs = []
def walk(panels):
    for panel in panels:
        for target in panel.get("targets", []):
            exprs.append((panel["title"], target["expr"]))
        walk(panel.get("panels", []))
walk(dashboard["panels"])
if not exprs:
    sys.exit("error: the dashboard has no queries")
with open(rules_path, "w") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for index, (_, expr) in enumerate(exprs):
        out.write(f"      - record: lookout_dashboard_query_{index}\n        expr: {json.dumps(expr)}\n")

# What the code exports: swift-metrics labels, and Prometheus descriptors (namespace lookout).
exported = set()
for source in pathlib.Path("Sources").rglob("*.swift"):
    text = source.read_text()
    exported.update(re.findall(r'label: "(lookout_[a-z0-9_]+)"', text))
    for metric, unit in re.findall(r'\bname\("([a-z0-9_]+)", "([a-z0-9_]*)"', text):
        exported.add("lookout_" + metric + ("_" + unit if unit else ""))
    for metric, unit in re.findall(r'metricName: "([a-z0-9_]+)", unitName: "([a-z0-9_]*)"', text):
        exported.add("lookout_" + metric + ("_" + unit if unit else ""))
named = set()
for text in (open(alerts_path).read(), json.dumps([e for _, e in exprs])):
    for name in re.findall(r"\b(lookout_[a-z0-9_]+)", text):
        if name.startswith("lookout_dashboard_query_"):
            continue
        named.add(re.sub(r"_(bucket|count|sum)$", "", name))
missing = sorted(named - exported)
if missing:
    sys.exit("error: metrics named by deploy/prometheus or deploy/grafana that the code does not export: " + ", ".join(missing))
print(f"dashboard: {len(exprs)} queries; {len(named)} metrics named, all exported")
PY
"$promtool" check rules "$scratch/dashboard-rules.yml" >/dev/null
rm -rf "$scratch"
echo "observability checks passed (promtool: alert rules, their tests, dashboard queries)"
