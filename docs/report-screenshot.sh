#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of an HTML report: the leaky filter's run
# report with its first leaked context selected, photographed by headless Chromium (Debian's
# chromium package: apt-get install -y chromium).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/target/report-screenshot"
mkdir -p "$out"
# Exit status 1 is expected: the filter leaks on purpose.
(cd "$out" && "$here/fsctx" run --filter leaky --html leaky.html >/dev/null) || [ $? -eq 1 ]
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$out/profile" --hide-scrollbars --window-size=1600,1250 \
  --screenshot="$here/docs/report.png" "file://$out/leaky.html#select=leaked" 2>/dev/null
echo "wrote $here/docs/report.png"
