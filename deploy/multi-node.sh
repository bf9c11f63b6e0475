#!/usr/bin/env bash
# Runs two Kontor nodes on loopback against one PostgreSQL and checks that both answer and
# that the shared database was migrated once. Needs only this machine (no Docker):
#   deploy/multi-node.sh            # uses the private cluster in .kontor/ via node 1
# Node 1 starts (and owns) the private PostgreSQL; node 2 gets its DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product kontor >/dev/null
bin=.build/debug/kontor
state=$(mktemp -d /tmp/kontor-multi-XXXXXX)
cleanup() { kill "${p2:-}" "${p1:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT

"$bin" serve --port 18081 --state-directory "$state" >"$state/node1.log" 2>&1 & p1=$!
for _ in $(seq 1 60); do curl -fs localhost:18081/health >/dev/null && break; sleep 1; done
port=$(sed -n 4p "$(readlink -f "$state/postgres")/data/postmaster.pid")
password=$(cat "$(readlink -f "$state/postgres")/password")
DATABASE_URL="postgres://kontor:$password@127.0.0.1:$port/kontor" "$bin" serve --port 18082 \
    --state-directory "$state" >"$state/node2.log" 2>&1 & p2=$!
for _ in $(seq 1 60); do curl -fs localhost:18082/health >/dev/null && break; sleep 1; done
key=$(cat "$state/api-key")
id=$(curl -fs -X POST localhost:18081/v1/customers -H "Authorization: Bearer $key" -d '{"name":"Node test"}' \
    | sed 's/.*"id":"\([^"]*\)".*/\1/')
curl -fs "localhost:18082/v1/customers/$id" -H "Authorization: Bearer $key" | grep -q "$id"
echo "multi-node OK: customer $id created on node 1 and read on node 2"
