#!/usr/bin/env bash
# Soak run of the demo's bench-server (not part of the build): mixed load from the benchmark kit's
# wsload plus the abusive clients of abusers.py, for --minutes (default 10), on a plain port and a TLS
# port of one server (a fresh self-signed certificate), with and without permessage-deflate. Every
# 10 s it forces a full GC in the server (jcmd GC.class_histogram; taken again when the JVM reports
# that the GC locker made it skip the collection) and records the live heap it counts, open
# descriptors, threads and RSS. The live heap swings with what the abusers have in flight at that
# moment (each flooder may hold its send-queue limit), so flatness is judged on each minute's floor
# (the least of its six samples): the floor of the last minute may exceed that of minute 2 by at
# most 4 MiB. It also checks that no event loop died, that descriptors went back to the baseline
# once the load stopped, that every wsload run ended without errors, and that SIGTERM still stops
# the server with status 0.
#
#   demo/src/soak/soak.sh [--minutes N] [--wsload PATH] [--out DIR]
#
# Needs: the demo jar (./mvnw -B -q -DskipTests package), a JDK with jcmd, python3, and wsload from
# ../shared/bench (built with its Makefile; --wsload points elsewhere). Loopback only; every part ends
# by itself.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
TOP="$(cd "$HERE/../../.." && pwd)"
MINUTES=10
WSLOAD="$TOP/../shared/bench/wsload/wsload"
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2;;
    --wsload) WSLOAD=$2; shift 2;;
    --out) OUT=$2; shift 2;;
    -h|--help) sed -n '2,18p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
JAR="$TOP/demo/target/selkie-demo.jar"
[ -f "$JAR" ] || { echo "soak.sh: build the demo first: ./mvnw -B -q -DskipTests package" >&2; exit 2; }
[ -x "$WSLOAD" ] || { echo "soak.sh: no wsload at $WSLOAD (make -C ../shared/bench/wsload, or --wsload)" >&2; exit 2; }
OUT=${OUT:-$(mktemp -d /tmp/selkie-soak.XXXXXX)}
mkdir -p "$OUT"
SECS=$((MINUTES * 60))
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
TLS_PORT=$(free_port)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JCMD=${JAVA_HOME:+$JAVA_HOME/bin/}jcmd
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

"$JAVA" -Xms256m -Xmx256m -XX:+ExitOnOutOfMemoryError -jar "$JAR" bench-server --port "$TLS_PORT" \
  --tls-self-signed --plain-port "$PORT" \
  > "$OUT/server.out" 2> "$OUT/server.log" &
SERVER=$!
children=()
cleanup() { for p in "${children[@]}" "$SERVER"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for _ in $(seq 100); do grep -q "listening" "$OUT/server.out" 2>/dev/null && break; sleep 0.2; done

sample() {  # minute -> one CSV line: minute,live_heap_kb,fds,threads,rss_kb
  local heap fds threads rss
  # the class histogram collects fully and counts what is live then (heap_info after GC.run would also
  # count what the load allocated in between)
  # a histogram taken while a thread holds the GC locker (zlib runs in JNI critical sections) skips
  # its collection and counts garbage too; the JVM says so on the server's stdout: take it again
  local skipped tries=0
  while :; do
    skipped=$(grep -c "pre-dump GC was skipped" "$OUT/server.out" || true)
    heap=$("$JCMD" "$SERVER" GC.class_histogram | awk '/^Total/ {print int($3 / 1024)}')
    [ "$(grep -c "pre-dump GC was skipped" "$OUT/server.out" || true)" = "$skipped" ] && break
    tries=$((tries + 1)); [ "$tries" -ge 5 ] && break
  done
  # shellcheck disable=SC2012
  fds=$(ls "/proc/$SERVER/fd" | wc -l)
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$SERVER/status")
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER/status")
  echo "$1,$heap,$fds,$threads,$rss"
}
echo "minute,live_heap_kb,fds,threads,rss_kb" > "$OUT/samples.csv"
# the first jcmd opens the JVM's attach socket and the first accepted connection a socket of the JDK's
# own that it keeps: both belong in the baseline
"$JCMD" "$SERVER" VM.version > /dev/null
for p in "$PORT" "$TLS_PORT"; do
  python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()' "$p"
done
sleep 1
BASE=$(sample 0); echo "$BASE" >> "$OUT/samples.csv"
BASE_FDS=$(echo "$BASE" | cut -d, -f3)

URL=ws://127.0.0.1:$PORT
WSS=wss://127.0.0.1:$TLS_PORT
"$WSLOAD" echo --url "$URL/echo" --text -s 256 -c 50 -p 4 -d "$SECS" -w 0 > "$OUT/echo.txt" 2>&1 & children+=($!)
"$WSLOAD" echo --url "$URL/echo" --deflate --text -s 2048 -c 20 -p 2 -d "$SECS" -w 0 > "$OUT/echo-deflate.txt" 2>&1 & children+=($!)
"$WSLOAD" echo --url "$WSS/echo" --text -s 1024 -c 20 -p 2 -d "$SECS" -w 0 > "$OUT/echo-tls.txt" 2>&1 & children+=($!)
"$WSLOAD" broadcast --url "$URL/chat" --text -s 128 -c 200 --window 4 -r 500 -d "$SECS" -w 0 > "$OUT/broadcast.txt" 2>&1 & children+=($!)
"$WSLOAD" idle --url "$URL/echo" -c 2000 --hold "$SECS" > "$OUT/idle.txt" 2>&1 & children+=($!)
"$WSLOAD" idle --url "$WSS/echo" -c 500 --hold "$SECS" > "$OUT/idle-tls.txt" 2>&1 & children+=($!)
python3 "$HERE/abusers.py" --port "$PORT" --tls-port "$TLS_PORT" --seconds "$SECS" > "$OUT/abusers.txt" 2>&1 & ABUSERS=$!; children+=($ABUSERS)

start=$(date +%s)
for ((tick = 1; tick <= MINUTES * 6; tick++)); do
  wait_s=$((start + tick * 10 - $(date +%s))); [ "$wait_s" -gt 0 ] && sleep "$wait_s"
  kill -0 "$SERVER" || { echo "soak.sh: the server died" >&2; exit 1; }
  line=$(sample "$(awk "BEGIN {printf \"%.2f\", $tick / 6}")"); echo "$line" >> "$OUT/samples.csv"
  [ $((tick % 6)) -eq 0 ] && echo "minute $((tick / 6)): $line"
done
abusers_status=0; wait "$ABUSERS" || abusers_status=$?
for p in "${children[@]}"; do wait "$p" 2>/dev/null || true; done
sleep 5
END=$(sample end); echo "$END" >> "$OUT/samples.csv"

kill -TERM "$SERVER"; server_status=0; wait "$SERVER" || server_status=$?
trap - EXIT

python3 - "$OUT" "$BASE_FDS" "$server_status" "$abusers_status" <<'PY'
import csv, sys
out, base_fds, server_status, abusers_status = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows = list(csv.DictReader(open(out + "/samples.csv")))
timed = [r for r in rows if r["minute"] not in ("0", "end")]
end = rows[-1]
floors = {}
for r in timed:
    minute = int(float(r["minute"]) - 1e-9) + 1  # samples of (m-1, m] belong to minute m
    floors.setdefault(minute, []).append(int(r["live_heap_kb"]))
floor = {m: min(v) for m, v in floors.items()}
peak = {m: max(v) for m, v in floors.items()}
first, last = min(m for m in floor if m >= 2), max(floor)
growth = floor[last] - floor[first]
log = open(out + "/server.log").read()
deaths = log.count("failed; the server stops")
late = [r for r in timed if float(r["minute"]) > 1]
print("live heap after full GC, floor per minute (KiB): " + ", ".join("%d: %d" % (m, floor[m]) for m in sorted(floor)))
print("live heap after full GC, peak per minute (KiB):  " + ", ".join("%d: %d" % (m, peak[m]) for m in sorted(peak)))
print("floor minute %d -> %d: %+d KiB" % (first, last, growth))
print("descriptors: %d before the load, %d-%d during minutes 2-%d, %s after it" % (
    base_fds, min(int(r["fds"]) for r in late), max(int(r["fds"]) for r in late), last, end["fds"]))
print("threads: %s; RSS %s -> %s KiB" % (sorted({r["threads"] for r in rows}), late[0]["rss_kb"], late[-1]["rss_kb"]))
print("loop deaths: %d; abusers exit %d; server exit after SIGTERM %d" % (deaths, abusers_status, server_status))
loads = {}
for name in ("echo", "echo-deflate", "echo-tls", "broadcast", "idle", "idle-tls"):
    fields = {}
    for line in open("%s/%s.txt" % (out, name)):
        if line.strip().startswith("RESULT"):
            fields = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
    loads[name] = fields.get("status") == "ok" and fields.get("errors") == "0"
print("wsload runs ok: " + ", ".join("%s %s" % (n, "yes" if v else "NO") for n, v in loads.items()))
ok = (growth <= 4 * 1024 and deaths == 0 and int(end["fds"]) <= base_fds and server_status == 0
      and abusers_status == 0 and all(loads.values()))
print("soak:", "PASS" if ok else "FAIL", "(raw data in %s)" % out)
sys.exit(0 if ok else 1)
PY
