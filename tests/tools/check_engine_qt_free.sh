#!/usr/bin/env bash
# engine/ must stay Qt-free (DESIGN.md): fail when any engine file includes a Qt or QCustomPlot header.
set -euo pipefail
root="${1:?usage: $0 SOURCE_DIR}"
hits=$(grep -rnE '^\s*#\s*include\s*[<"](Q[A-Z][A-Za-z]*|qcustomplot|QtCore|QtGui|QtWidgets)' "$root/engine" || true)
if [ -n "$hits" ]; then
  echo "Qt headers included under engine/:"
  echo "$hits"
  exit 1
fi
echo "engine/ is Qt-free"
