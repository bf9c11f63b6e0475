#!/usr/bin/env bash
# Kills the primary of a pg_auto_failover formation while Kontor works, and checks that nothing
# committed was lost: deploy/ha/failover-test.sh [RUNS]   (default 1; BENCHMARKS.md has 5)
#
# Each run, on loopback only, in a temp directory it removes afterwards:
#   - a pg_auto_failover monitor, a primary and a synchronous secondary (Debian packages
#     postgresql-15-auto-failover, pg-auto-failover-cli), health checks tightened to seconds;
#   - two `kontor serve` nodes with DATABASE_URL=postgres://…@h1,h2/kontor?target_session_attrs=read-write
#     and a 2 s billing interval;
#   - load.py: 4 clients creating customers and daily subscriptions backdated 5 days (the billing worker
#     issues their catch-up invoices) with idempotency keys, and a webhook receiver.
# After 10 s of load the primary's machine "dies": kill -9 of its postmaster and of the
# pg_autoctl keeper around it (the postmaster alone is restarted by its keeper within a second,
# and nothing fails over).
# The monitor promotes the secondary; the load runs on for 30 s. Then, on the new primary:
#   every invoice committed before the kill is there; every acknowledged subscription is there;
#   no customer or invoice is duplicated; invoice numbers have no gap; the ledger balances; every
#   event was delivered to the receiver. Prints the figures; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LC_ALL=C  # one sort order for sort, comm and the lists compared
runs=${1:-1}
pgbin=/usr/lib/postgresql/15/bin
if ! command -v pg_autoctl >/dev/null; then
    echo "pg_autoctl missing: apt-get install postgresql-15-auto-failover pg-auto-failover-cli" >&2
    exit 2
fi
swift build --product kontor >/dev/null
bin=$PWD/.build/debug/kontor
plans=$PWD/Plans

descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {  # seconds, description, command…
    local seconds=$1 what=$2; shift 2
    for _ in $(seq 1 $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
    echo "timed out after ${seconds}s waiting for $what" >&2
    return 1
}

one_run() {
    local run=$1
    work=$(mktemp -d /tmp/kontor-ha-XXXXXX)
    chmod 755 "$work"
    chown postgres "$work"
    pids=()
    kontor_pids=()
    cleanup() {
        kill "${pids[@]}" 2>/dev/null || true
        pkill -9 -f "$work/" 2>/dev/null || true
        # Orphaned backends may still write for a moment after their postmaster is gone.
        for _ in $(seq 1 20); do
            [ "${KEEP:-}" = 1 ] || rm -rf "$work" 2>/dev/null || true
            [ -e "$work" ] || break
            sleep 0.5
        done
        return 0
    }
    trap cleanup RETURN
    as_pg() {
        runuser -u postgres -- env PATH="$pgbin:$PATH" XDG_CONFIG_HOME="$work/xdg/config" \
            XDG_DATA_HOME="$work/xdg/data" XDG_RUNTIME_DIR="$work/xdg/run" "$@"
    }
    sql() { "$pgbin/psql" -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3"; }
    local pm p1 p2 k1 k2 recv
    pm=$(free_port); p1=$(free_port); p2=$(free_port); k1=$(free_port); k2=$(free_port); recv=$(free_port)

    # The monitor, with health checks every second, a node unhealthy after 3 s, and 5 s (not 30)
    # for a lost primary to demote itself before the secondary takes writes: the guard against
    # two primaries, shortened for a test on one machine.
    as_pg pg_autoctl create monitor --pgdata "$work/monitor" --pgport "$pm" --hostname 127.0.0.1 \
        --listen 127.0.0.1 --auth trust --no-ssl >"$work/monitor-create.log" 2>&1
    as_pg pg_autoctl run --pgdata "$work/monitor" >"$work/monitor.log" 2>&1 & pids+=($!)
    wait_for 30 "the monitor" sql "$pm" pg_auto_failover "SELECT 1"
    for setting in "health_check_period = 1000" "health_check_timeout = 1000" "health_check_max_retries = 1" \
        "health_check_retry_delay = 500" "node_considered_unhealthy_timeout = 3000" \
        "primary_demote_timeout = 5000"; do
        sql "$pm" pg_auto_failover "ALTER SYSTEM SET pgautofailover.$setting"
    done
    sql "$pm" pg_auto_failover "SELECT pg_reload_conf()" >/dev/null
    local monitor="postgres://autoctl_node@127.0.0.1:$pm/pg_auto_failover?sslmode=disable"
    for n in 1 2; do
        local port=$p1; [ "$n" = 2 ] && port=$p2
        as_pg pg_autoctl create postgres --pgdata "$work/node$n" --pgport "$port" --hostname 127.0.0.1 \
            --listen 127.0.0.1 --name "node$n" --monitor "$monitor" --auth trust --no-ssl --dbname kontor --run \
            >"$work/node$n.log" 2>&1 & pids+=($!)
        [ "$n" = 1 ] && node1_pid=$!
        # Alone, the first node is "single"; with the second, "primary" and "secondary".
        local want="node1:single"; [ "$n" = 2 ] && want="node1:primary,node2:secondary"
        wait_for 120 "$want" bash -c \
            "'$pgbin/psql' -X -At -h 127.0.0.1 -p $pm -U postgres -d pg_auto_failover \
             -c \"SELECT string_agg(nodename || ':' || reportedstate, ',' ORDER BY nodename) FROM pgautofailover.node\" \
             | grep -qx '$want'"
    done
    # Synchronous: the primary waits for the secondary before it reports a commit.
    local sync; sync=$(sql "$p1" kontor "SHOW synchronous_standby_names")
    echo "run $run: formation up (primary :$p1, secondary :$p2, synchronous_standby_names = $sync)"

    local url="postgres://postgres@127.0.0.1:$p1,127.0.0.1:$p2/kontor?target_session_attrs=read-write"
    for n in 1 2; do
        local port=$k1; [ "$n" = 2 ] && port=$k2
        mkdir -p "$work/kontor$n"
        (cd "$work/kontor$n" && ln -s "$plans" Plans && DATABASE_URL="$url" exec "$bin" serve --port "$port" \
            --state-directory "$work/kontor$n/state" --billing-interval 2 --log-level "${KONTOR_LOG_LEVEL:-info}" >"$work/kontor$n.log" 2>&1) & pids+=($!); kontor_pids+=($!)
        wait_for 120 "kontor node $n" curl -fs "127.0.0.1:$port/health"
    done
    local key; key=$(cat "$work/kontor1/state/api-key")

    python3 deploy/ha/load.py --nodes "http://127.0.0.1:$k1,http://127.0.0.1:$k2" --key "$key" \
        --seconds 40 --receiver-port "$recv" --received "$work/received.txt" --ready "$work/ready" \
        --prefix "run$run" >"$work/load.json" 2>"$work/load.err" & local load=$!; pids+=($load)
    wait_for 30 "the load" test -f "$work/ready"
    sleep 10
    sql "$p1" kontor "SELECT invoice_id FROM invoices ORDER BY 1" >"$work/committed-before.txt"
    local killed_at; killed_at=$(date +%s.%N)
    echo "run $run: killing node1 at $(date +%H:%M:%S.%N | cut -c1-12)"
    # The whole tree at once (stopped first, so no supervisor restarts what dies before it).
    local tree; tree=$(descendants "$node1_pid")
    # shellcheck disable=SC2086
    kill -STOP $tree; kill -9 $tree
    # Promoted means: a write commits on node2 (it is out of recovery, no longer read-only by
    # default — pg_auto_failover keeps it so until the monitor confirms — and no longer waits
    # for the synchronous standby that died).
    wait_for 90 "node2 committing writes" timeout 2 "$pgbin/psql" -X -At -v ON_ERROR_STOP=1 -h 127.0.0.1 \
        -p "$p2" -U postgres -d kontor -c "CREATE TEMP TABLE promoted (x int); INSERT INTO promoted VALUES (1)" \
        -c "SELECT txid_current()"
    local promoted_after; promoted_after=$(python3 -c "import time; print(round(time.time() - $killed_at, 1))")
    wait_for 90 "the load to finish" grep -q operations "$work/load.json"
    # Let the billing worker and webhook delivery catch up (bounded). Settled means nothing
    # pending for 5 checks in a row: the document and mail workers announce what they did a
    # moment later, so one empty look is not the end.
    local quiet=0
    for _ in $(seq 1 150); do
        local pending due
        pending=$(sql "$p2" kontor "SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'")
        due=$(sql "$p2" kontor "SELECT count(*) FROM subscriptions WHERE next_billing_at <= now()")
        if [ "$pending" = 0 ] && [ "$due" = 0 ]; then quiet=$((quiet + 1)); else quiet=0; fi
        [ "$quiet" -ge 5 ] && break
        sleep 1
    done
    sleep 2  # the receiver writes its file every second (atomically); then it stops
    kill "$load" 2>/dev/null || true
    wait "$load" 2>/dev/null || true

    local committed lost acknowledged missing customers_dup invoices_dup gap balance events undelivered
    committed=$(wc -l <"$work/committed-before.txt")
    sql "$p2" kontor "SELECT invoice_id FROM invoices ORDER BY 1" >"$work/invoices-after.txt"
    lost=$(comm -23 "$work/committed-before.txt" "$work/invoices-after.txt" | wc -l)
    python3 -c "import json,sys; [print(a['subscription']) for a in json.load(open('$work/load.json'))['acknowledged']]" \
        | sort >"$work/acknowledged.txt"
    acknowledged=$(wc -l <"$work/acknowledged.txt")
    sql "$p2" kontor "SELECT subscription_id FROM subscriptions ORDER BY 1" >"$work/subscriptions-after.txt"
    missing=$(comm -23 "$work/acknowledged.txt" "$work/subscriptions-after.txt" | wc -l)
    customers_dup=$(sql "$p2" kontor "SELECT count(*) - count(DISTINCT name) FROM customers WHERE name LIKE 'HA %'")
    invoices_dup=$(sql "$p2" kontor \
        "SELECT count(*) - count(DISTINCT (subscription_id, billing_date, billing_reason)) FROM invoices WHERE subscription_id IS NOT NULL")
    gap=$(sql "$p2" kontor "SELECT coalesce(sum(max_n - n), 0) FROM (SELECT count(*) AS n, max(right(number, 6)::int) AS max_n
        FROM invoices GROUP BY tenant_id) AS per_tenant")
    balance=$(sql "$p2" kontor "SELECT coalesce(sum(abs(total)), 0) FROM (SELECT sum(amount) AS total FROM ledger_entries GROUP BY currency) AS c")
    events=$(sql "$p2" kontor "SELECT count(*) FROM webhook_deliveries")
    sql "$p2" kontor "SELECT event_id FROM webhook_deliveries ORDER BY 1" >"$work/events.txt"
    sort "$work/received.txt" >"$work/received-sorted.txt"
    undelivered=$(comm -23 "$work/events.txt" "$work/received-sorted.txt" | wc -l)
    if [ "$undelivered" != 0 ]; then
        local ids; ids=$(comm -23 "$work/events.txt" "$work/received-sorted.txt" | head -5 | sed "s/.*/'&'/" | paste -sd,)
        echo "not received (first 5): $(sql "$p2" kontor "SELECT event_id, status, attempts, next_attempt_at - now(),
            delivered_at FROM webhook_deliveries WHERE event_id IN ($ids)")" >&2
    fi
    # A Kontor node must ride the failover out, not die of it.
    local crashed=0 pid
    for pid in "${kontor_pids[@]}"; do kill -0 "$pid" 2>/dev/null || crashed=$((crashed + 1)); done
    local figures; figures=$(python3 -c "import json; d=json.load(open('$work/load.json')); \
        print(f\"operations={d['operations']} failed_attempts={d['failed_attempts']} gave_up={d['gave_up']} longest_gap_s={d['longest_gap_s']}\")")
    python3 -c "import json; [print('  failed attempt:', f) for f in json.load(open('$work/load.json'))['failures'][:12]]"
    local invoices; invoices=$(wc -l <"$work/invoices-after.txt")
    echo "run $run: node2 committing ${promoted_after}s after the kill; $figures; invoices=$invoices committed_before_kill=$committed lost=$lost;" \
        "acknowledged_subscriptions=$acknowledged missing=$missing; duplicate_customers=$customers_dup" \
        "duplicate_invoices=$invoices_dup number_gaps=$gap ledger_imbalance=$balance; events=$events undelivered=$undelivered; kontor_nodes_died=$crashed"
    if [ "$lost" != 0 ] || [ "$missing" != 0 ] || [ "$customers_dup" != 0 ] || [ "$invoices_dup" != 0 ] \
        || [ "$gap" != 0 ] || [ "$balance" != 0 ] || [ "$undelivered" != 0 ] || [ "$committed" = 0 ] || [ "$crashed" != 0 ] \
        || ! grep -q '"gave_up": 0' "$work/load.json"; then
        echo "run $run FAILED; logs kept in $work.failed" >&2
        cp -r "$work" "$work.failed" 2>/dev/null || true
        return 1
    fi
}

for run in $(seq 1 "$runs"); do one_run "$run"; done
echo "failover test passed ($runs run(s))"
