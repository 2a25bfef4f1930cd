#!/usr/bin/env bash
# Replay scaling, in one run: generates synthetic traces of 10^5 and 10^6 rows (SyntheticTrace,
# made like the shared capture's rows), replays each with `fsctx replay --json` in its own JVM
# with a 256 MB heap, and prints the wall time, rows/s and the 10^6 / 10^5 time ratio. Each replay
# runs through the ./fsctx launcher, with the JVM options a user gets (FSCTX_JAR, FSCTX_JAVA_OPTS).
#
# Usage: benchmarks/replay-scaling.sh [SMALL LARGE]   (defaults 100000 1000000)
# Needs the jars: mvn -B -ntp -o -Pbench -DskipTests package
# Environment: FSCTX_JAR (default tools/target/fsctx.jar), XMX (default 256m),
#              TRACE_DIR (default a temporary directory, removed at the end),
#              JAVA_OPTS (more JVM options, such as -XX:+UseG1GC for the JVM's default collector,
#              or "-Xshare:auto -XX:FreqInlineSize=325" for the JVM's defaults the launcher replaces).
# CPU seconds (user + system, every thread of the JVM: the replay, its read-ahead thread, the JIT
# and the GC) are printed too: on a shared machine they vary less than the wall time.
# The timing is the whole command (JVM start, reading and parsing the CSV, the replay, the
# end-of-trace cleanup and the JSON summary), as a user sees it. Exit status: 0 when both replays
# completed (the replay's own status 0 or 1), otherwise the failing replay's status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
small="${1:-100000}"
large="${2:-1000000}"
jar="${FSCTX_JAR:-$here/tools/target/fsctx.jar}"
bench="$here/benchmarks/target/benchmarks.jar"
xmx="${XMX:-256m}"
for j in "$jar" "$bench"; do
  [ -f "$j" ] || { echo "replay-scaling: $j is missing; run mvn -B -ntp -o -Pbench -DskipTests package" >&2; exit 2; }
done
dir="${TRACE_DIR:-}"
if [ -z "$dir" ]; then
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
fi

now_ns() { date +%s%N; }

# The launcher trains its class-data sharing archive the first time a jar runs on a JVM; do that
# here, untimed, so that neither replay's time includes it.
# Its last line names the Java runtime the launcher picked (README.md, "Java runtime").
runtime="$(env FSCTX_JAR="$jar" FSCTX_JAVA_OPTS="-Xmx$xmx ${JAVA_OPTS:-}" "$here/fsctx" --version | tail -n 1)"
echo "runtime: $runtime"

declare -A secs
for n in "$small" "$large"; do
  trace="$dir/synthetic-$n.csv"
  [ -f "$trace" ] || java -cp "$bench" io.fsctx.benchmarks.SyntheticTrace "$n" "$trace"
  # Read the file once so the page cache holds it for the timed run.
  cat "$trace" >/dev/null
  t0=$(now_ns)
  set +e
  /usr/bin/time -f '%U %S %M' -o "$dir/time-$n.txt" \
    env FSCTX_JAR="$jar" FSCTX_JAVA_OPTS="-Xmx$xmx ${JAVA_OPTS:-}" "$here/fsctx" replay --json "$trace" \
    >"$dir/summary-$n.json"
  status=$?
  set -e
  t1=$(now_ns)
  if [ "$status" -gt 1 ]; then
    echo "replay-scaling: replay of $n rows exited $status" >&2
    exit "$status"
  fi
  secs[$n]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  read -r user sys rss <"$dir/time-$n.txt"
  awk -v n="$n" -v s="${secs[$n]}" -v x="$xmx" -v u="$user" -v y="$sys" -v r="$rss" \
    'BEGIN { printf "%9d rows  %8.2f s  %10.0f rows/s  CPU %.2f s (%.0f rows per CPU second, all threads)  max RSS %.0f MB  (-Xmx%s)\n", n, s, n / s, u + y, n / (u + y), r / 1024, x }'
  grep -E '^  "(rows|replayed|leakedContexts)"' "$dir/summary-$n.json" | tr -d ' \n' | sed 's/^/           /'
  echo
done
awk -v a="${secs[$small]}" -v b="${secs[$large]}" -v m="$small" -v n="$large" \
  'BEGIN { printf "time ratio %d / %d rows: %.2f (for %.0fx the rows)\n", n, m, b / a, n / m }'
echo "load: $(uptime | sed 's/.*load average/load average/')"
