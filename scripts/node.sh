#!/usr/bin/env bash
# Sourced by the scripts: puts Node >= 22 first on PATH (fetching Node 24 from
# the npm registry into ~/.node24 when the machine's Node is older).
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 22 ]; then
  if [ ! -x "$HOME/.node24/bin/node" ]; then
    echo "Node $major is too old; fetching Node 24 into ~/.node24…" >&2
    npm install -g --prefix "$HOME/.node24" node@24 >/dev/null
  fi
  export PATH="$HOME/.node24/bin:$PATH"
fi
