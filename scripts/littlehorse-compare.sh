#!/usr/bin/env bash
# Baton and LittleHorse 1.2.1 side by side, on this one box: the same A -> (B || C) -> D shape, no-op workers, the
# same load pattern (warm-up, throughput with N in flight, latency at a low fixed rate and at half the measured
# throughput), repeated, alternating Baton and LittleHorse within each repeat. Everything (brokers, servers, load
# drivers) runs inside a private network namespace that has only loopback, deleted at the end: LittleHorse binds
# all interfaces.
#
#   scripts/littlehorse-compare.sh [--repeats 3] [--duration 30] [--warmup 10] [--concurrency 1000]
#                                  [--latency-duration 30] [--low-rate 20] [--partitions 3] [--out DIR]
#                                  [--quiet-wait SECONDS] [--no-build] [--baton-option OPTION ...]
#
# --baton-option passes one option to Baton's benchmark (repeatable), e.g. --baton-option --early-dispatch
# --baton-option --pin-version for Baton's lowest-latency settings. With --baton-defaults-too each repeat also runs
# Baton with its defaults (before the run with the options), reported in a column of its own.
#
# Needs root (ip netns), a JDK 17 (Baton, the drivers) and a newer JDK for the LittleHorse server
# ($LH_JAVA, default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java). LittleHorse (server: AGPL-3.0, client:
# Apache-2.0) is fetched by Maven into the local repository by scripts/littlehorse/*/pom.xml; none of it becomes part
# of Baton's build or artifacts. Results: one JSON per system and repeat, and summary.md, in --out.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeats=3 duration=30 warmup=30 concurrency=1000 latency=30 low_rate=20 partitions=3 quiet_wait=600 build=1
baton_options=() defaults_too=0
out="$root/baton-bench/target/littlehorse-compare"
while [ $# -gt 0 ]; do
  case "$1" in
    --repeats) repeats="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --latency-duration) latency="$2"; shift 2 ;;
    --low-rate) low_rate="$2"; shift 2 ;;
    --partitions) partitions="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --quiet-wait) quiet_wait="$2"; shift 2 ;;   # longest wait for a quiet box before each run (0: do not wait)
    --no-build) build=0; shift ;;               # use what is built already
    --baton-option) baton_options+=("$2"); shift 2 ;;
    --baton-defaults-too) defaults_too=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
java17="${JAVA_HOME:+$JAVA_HOME/bin/}java"
lh_java="${LH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
[ -x "$lh_java" ] || { echo "the LittleHorse server needs a newer JDK: set LH_JAVA (tried $lh_java)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root: the benchmark runs in a private network namespace (ip netns)" >&2; exit 2; }

echo "Building Baton and fetching LittleHorse 1.2.1..."
[ "$build" = 0 ] || (cd "$root" && ./mvnw -q -B install -DskipTests)
(cd "$root/scripts/littlehorse/server" && "$root/mvnw" -q -B package)
(cd "$root/scripts/littlehorse/driver" && "$root/mvnw" -q -B package)
version=0.1.0-SNAPSHOT
# BENCH_CP overrides the class path (e.g. a copy of the jars, when other builds rewrite target/ meanwhile).
bench_cp="${BENCH_CP:-$root/baton-bench/target/baton-bench-$version.jar:$(cat "$root/baton-bench/target/classpath.txt")}"
server_cp="$bench_cp"
lh_server_cp="$(cat "$root/scripts/littlehorse/server/target/classpath.txt")"
lh_driver_cp="$root/scripts/littlehorse/driver/target/littlehorse-bench-driver-1.jar:$(cat "$root/scripts/littlehorse/driver/target/classpath.txt")"

mkdir -p "$out"
work="$(mktemp -d /tmp/baton-lh-compare.XXXXXX)"
ns="baton-lh-$$"
pids=()
cleanup() {
  # Everything this script started runs in its namespace: stop exactly those processes, then the namespace.
  for p in "${pids[@]:-}" $(ip netns pids "$ns" 2>/dev/null); do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 3
  for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
inns() { ip netns exec "$ns" "$@"; }

wait_port() { # port, seconds
  local deadline=$((SECONDS + $2))
  until inns bash -c "echo > /dev/tcp/127.0.0.1/$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "nothing listens on port $1 after $2 s" >&2; return 1; }
    sleep 1
  done
}

quiet() { # wait (up to --quiet-wait s) for a 1-minute load average below 0.7, so that runs start on a quiet box
  local deadline=$((SECONDS + quiet_wait))
  while awk '{exit !($1 >= 0.7)}' /proc/loadavg && [ $SECONDS -lt $deadline ]; do sleep 10; done
}

for i in $(seq 1 "$repeats"); do
  if [ "$defaults_too" = 1 ]; then
    echo "=== repeat $i of $repeats: Baton, defaults ==="
    quiet
    echo "load average $(cut -d' ' -f1 /proc/loadavg)"
    inns "$java17" -cp "$bench_cp" dev.baton.bench.BenchCli --orchestrators 1 --partitions "$partitions" --ceiling-duration 0 \
        --duration "$duration" --warmup "$warmup" --concurrency "$concurrency" --latency-duration "$latency" \
        --low-rate "$low_rate" --work-dir "$work/baton-default-$i" --json "$out/baton-default-$i.json"
  fi
  echo "=== repeat $i of $repeats: Baton ${baton_options[*]:-} ==="
  quiet
  echo "load average $(cut -d' ' -f1 /proc/loadavg)"
  inns "$java17" -cp "$bench_cp" dev.baton.bench.BenchCli --orchestrators 1 --partitions "$partitions" --ceiling-duration 0 \
      --duration "$duration" --warmup "$warmup" --concurrency "$concurrency" --latency-duration "$latency" \
      --low-rate "$low_rate" --work-dir "$work/baton-$i" --json "$out/baton-$i.json" "${baton_options[@]}"

  echo "=== repeat $i of $repeats: LittleHorse 1.2.1 ==="
  quiet
  echo "load average $(cut -d' ' -f1 /proc/loadavg)"
  lh="$work/lh-$i"; mkdir -p "$lh"
  # Started with `ip netns exec` directly (not through a function), so that $! is the server's own pid.
  ip netns exec "$ns" "$java17" -Xmx1g -cp "$server_cp" dev.baton.cli.BatonCli kafka --kafka-port 19092 \
      --data-dir "$lh/kafka" > "$lh/kafka.log" 2>&1 &
  kafka_pid=$!; pids+=("$kafka_pid")
  wait_port 19092 120
  cat > "$lh/server.config" <<CONFIG
LHS_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092
LHS_CLUSTER_ID=baton-compare
LHS_INSTANCE_ID=1
LHS_REPLICATION_FACTOR=1
LHS_CLUSTER_PARTITIONS=$partitions
LHS_STATE_DIR=$lh/state
LHS_SHOULD_CREATE_TOPICS=true
LHS_HEALTH_SERVICE_PORT=1822
LHS_INTERNAL_BIND_PORT=2011
LHS_INTERNAL_ADVERTISED_HOST=127.0.0.1
LHS_INTERNAL_ADVERTISED_PORT=2011
LHS_LISTENERS=PLAIN:2023
LHS_LISTENERS_PROTOCOL_MAP=PLAIN:PLAIN
LHS_ADVERTISED_LISTENERS=PLAIN://127.0.0.1:2023
CONFIG
  ip netns exec "$ns" "$lh_java" -cp "$lh_server_cp" io.littlehorse.App "$lh/server.config" > "$lh/server.log" 2>&1 &
  lh_pid=$!; pids+=("$lh_pid")
  wait_port 2023 180
  sleep 10 # let its Kafka Streams topologies reach RUNNING
  inns "$java17" -cp "$lh_driver_cp" dev.baton.lhcompare.LittleHorseBench --host 127.0.0.1 --port 2023 \
      --duration "$duration" --warmup "$warmup" --concurrency "$concurrency" --latency-duration "$latency" \
      --low-rate "$low_rate" --json "$out/littlehorse-$i.json"
  kill "$lh_pid" 2>/dev/null || true; wait "$lh_pid" 2>/dev/null || true
  kill "$kafka_pid" 2>/dev/null || true; wait "$kafka_pid" 2>/dev/null || true
  for p in $(ip netns pids "$ns"); do kill "$p" 2>/dev/null || true; done # anything left of this repeat
  cp "$lh/server.log" "$out/littlehorse-server-$i.log" 2>/dev/null || true
  pids=()
done

python3 - "$out" "$repeats" <<'PY' | tee "$out/summary.md"
import json, statistics, sys
out, n = sys.argv[1], int(sys.argv[2])
rows = [("throughput (workflows/s)", ("throughput_wf_per_s",)),
        ("p50 at low load (ms)", ("latency_ms", "p50")), ("p99 at low load (ms)", ("latency_ms", "p99")),
        ("p50 at half load (ms)", ("latency_half_load_ms", "p50")), ("p99 at half load (ms)", ("latency_half_load_ms", "p99"))]
def get(d, path):
    for k in path:
        d = d.get(k) if isinstance(d, dict) else None
    try:
        v = float(d)
    except (TypeError, ValueError):
        return None
    return None if v != v else v
import os
b = [json.load(open(f"{out}/baton-{i}.json")) for i in range(1, n + 1)]
l = [json.load(open(f"{out}/littlehorse-{i}.json")) for i in range(1, n + 1)]
d = [json.load(open(f"{out}/baton-default-{i}.json")) for i in range(1, n + 1)] \
    if os.path.exists(f"{out}/baton-default-1.json") else None
def fmt(v):
    v = [x for x in v if x is not None]
    return "n/a" if not v else f"{min(v):,.1f} / {statistics.median(v):,.1f} / {max(v):,.1f}"
def ratio(xs, ys):
    return ", ".join("n/a" if x is None or not y else f"{x / y:.2f}" for x, y in zip(xs, ys))
if d:
    print(f"| figure ({n} repeats: min / median / max) | Baton, defaults | Baton, options | LittleHorse 1.2.1 "
          "| defaults ÷ LittleHorse | options ÷ LittleHorse |")
    print("|---|---|---|---|---|---|")
else:
    print(f"| figure ({n} repeats: min / median / max) | Baton | LittleHorse 1.2.1 | Baton ÷ LittleHorse, per repeat |")
    print("|---|---|---|---|")
for name, path in rows:
    bv = [get(x, path) for x in b]; lv = [get(x, path) for x in l]
    if d:
        dv = [get(x, path) for x in d]
        print(f"| {name} | {fmt(dv)} | {fmt(bv)} | {fmt(lv)} | {ratio(dv, lv)} | {ratio(bv, lv)} |")
    else:
        print(f"| {name} | {fmt(bv)} | {fmt(lv)} | {ratio(bv, lv)} |")
print()
print("Per repeat (load average when each run started): " + "; ".join(
    f"{i + 1}: Baton {b[i].get('load_average_at_start')}, LittleHorse {l[i].get('load_average_at_start')}" for i in range(n)))
PY
