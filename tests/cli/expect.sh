#!/usr/bin/env bash
# expect.sh RC REGEX -- COMMAND...: runs COMMAND, fails unless it exits with RC and its combined
# output matches the extended regular expression REGEX. RC "skip-if-missing:PATH" skips (exit 77)
# when PATH does not exist and otherwise expects 0.
set -u
want_rc="$1"; regex="$2"; shift 2
[ "$1" = "--" ] && shift
if [[ "$want_rc" == skip-if-missing:* ]]; then
  path="${want_rc#skip-if-missing:}"
  if [ ! -e "$path" ]; then echo "SKIP: $path is absent"; exit 77; fi
  want_rc=0
fi
out=$("$@" 2>&1); rc=$?
echo "$out" | head -c 20000
if [ "$rc" != "$want_rc" ]; then echo "FAIL: exit code $rc, expected $want_rc"; exit 1; fi
if ! grep -qE -- "$regex" <<<"$out"; then echo "FAIL: output does not match /$regex/"; exit 1; fi
exit 0
