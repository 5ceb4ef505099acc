#!/usr/bin/env bash
# Deploy latency with each store: DEPLOYS deploys of a tiny app (bench/apps/sleepy, Python, `runtime:
# process`) to a server that keeps its state in SQLite (NUBO_HOME/nubo.db, the default) and to one that
# keeps it in PostgreSQL (`--store`, a cluster this script initialises in a temporary directory, with
# PostgreSQL's default durability: fsync on, synchronous_commit on), both running at once, the deploys
# alternating between them so that both see the same machine. Each deploy is the same archive (its code is
# stored once; every deploy is a new revision, which replaces the one before), timed from the client:
#   recorded  POST /v1/deployments until its 201: the upload, its digest, the descriptor's checks and the
#             store's write of the revision (and its change)
#   ready     the same POST until GET …/revisions/ID says READY: plus the instance's start, the route, and
#             the READY write (polled every 5 ms)
# Prints p50/p95/max (ms) per store; raw samples in bench/results/store-<time>/samples.csv.
#
# Usage: bench/store.sh
# Environment: DEPLOYS [50] deploys per store (after WARMUP [5] each, not counted);
#              RESULTS [bench/results/store-<time>]
# Needs PostgreSQL's server binaries (Debian's postgresql; installed when missing) and python3. About
# DEPLOYS * 2 s.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEPLOYS=$(int_env DEPLOYS 50 1 2000)
WARMUP=$(int_env WARMUP 5 0 100)
RESULTS="${RESULTS:-$BENCH_HOME/results/store-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$RESULTS"

compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || bench_require pg_ctlcluster:postgresql
bench_require python3 curl
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

# PostgreSQL refuses to run as root: as root its cluster belongs to the postgres user.
PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/nubo-bench-pg.XXXXXX")"
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$PG_DIR"
  as_owner=(runuser -u postgres --)
fi
PG_PORT="$(bench_free_port)"
bench_log "initialising PostgreSQL ($PG_BIN) in $PG_DIR, port $PG_PORT"
"${as_owner[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$RESULTS/initdb.log" 2>&1 \
  || bench_die "initdb failed" "see $RESULTS/initdb.log"
"${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 -l "$PG_DIR/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR" start >/dev/null || bench_die "PostgreSQL did not start" "see $PG_DIR/server.log"
bench_on_exit "${as_owner[*]} $PG_BIN/pg_ctl -D $PG_DIR/data -m fast -w stop >/dev/null 2>&1; rm -rf $PG_DIR"
"${as_owner[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres nubo

bench_build_nubo
# No prewarmed pools: the app is a plain process, and filling pools would keep the CPUs busy.
BENCH_NUBO_NAME=sqlite-home bench_start_nubo --pool-size 0
SQLITE_API="$NUBO_API" SQLITE_TOKEN="$(cat "$NUBO_TOKEN_FILE")"
BENCH_NUBO_NAME=postgresql-home bench_start_nubo --pool-size 0 --store "postgresql://postgres@127.0.0.1:$PG_PORT/nubo"
PG_API="$NUBO_API" PG_TOKEN="$(cat "$NUBO_TOKEN_FILE")"
grep -q "store    postgresql://" "$NUBO_SERVER_LOG" || bench_die "the second server does not say it stores in PostgreSQL" "see $NUBO_SERVER_LOG"

app="$BENCH_TMP/app"
cp -r "$BENCH_HOME/apps/sleepy" "$app"
printf 'name: store-bench\nruntime: process\ncommand: [python3, app.py]\nreadiness:\n  http: /\n' >"$app/nubo.yaml"

busy=$(bench_warn_if_busy)
bench_log "$WARMUP + $DEPLOYS deploys to each server, alternating"
python3 - "$app" "$DEPLOYS" "$WARMUP" "$RESULTS/samples.csv" "SQLite=$SQLITE_API=$SQLITE_TOKEN" \
  "PostgreSQL=$PG_API=$PG_TOKEN" >"$RESULTS/table.md" <<'EOF'
import io, json, os, sys, time, urllib.request, zipfile

app, deploys, warmup, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
stores = [a.split("=", 2) for a in sys.argv[5:]]

archive = io.BytesIO()
with zipfile.ZipFile(archive, "w") as z:
    for name in sorted(os.listdir(app)):
        z.write(os.path.join(app, name), name)
body = archive.getvalue()

def call(method, url, token, data=None):
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": "Bearer " + token})
    if data is not None:
        req.add_header("Content-Type", "application/zip")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())

def deploy(api, token):
    t0 = time.perf_counter()
    created = call("POST", api + "/v1/deployments", token, body)
    recorded = time.perf_counter() - t0
    while True:
        r = call("GET", api + "/v1/services/" + created["service"] + "/revisions/" + created["revision"], token)
        if r["state"] != "DEPLOYING":
            break
        time.sleep(0.005)
    if r["state"] != "READY":
        sys.exit("revision " + created["revision"] + " is " + r["state"] + ": " + str(r.get("reason")))
    return recorded * 1000, (time.perf_counter() - t0) * 1000

results = {name: [] for name, _, _ in stores}
for i in range(warmup + deploys):
    order = stores if i % 2 == 0 else stores[::-1]
    for name, api, token in order:
        sample = deploy(api, token)
        if i >= warmup:
            results[name].append(sample)

def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]

with open(samples, "w") as f:
    f.write("store,recorded_ms,ready_ms\n")
    for name, rows in results.items():
        for rec, ready in rows:
            f.write(f"{name},{rec:.2f},{ready:.2f}\n")
print("| store | deploys | recorded p50 | recorded p95 | recorded max | ready p50 | ready p95 | ready max |")
print("|---|---|---|---|---|---|---|---|")
for name, rows in results.items():
    rec = [r for r, _ in rows]
    ready = [r for _, r in rows]
    print(f"| {name} | {len(rows)} | {pct(rec, 50):.1f} ms | {pct(rec, 95):.1f} ms | {max(rec):.1f} ms"
          f" | {pct(ready, 50):.0f} ms | {pct(ready, 95):.0f} ms | {max(ready):.0f} ms |")
EOF
{
  echo
  echo "Machine: $(bench_machine); $("$PG_BIN/postgres" --version); CPUs ${busy}% busy before the run."
} >>"$RESULTS/table.md"
cat "$RESULTS/table.md"
bench_log "raw samples in $RESULTS/samples.csv"
