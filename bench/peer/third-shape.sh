#!/bin/bash
# The third shape of issue 13 against PostGraphile 4, on the database that
# ../shared/bench/peer-ab/run.sh builds (peer_ab; run that once first).
#   bench/peer/third-shape.sh BIN_DIR [SECS]
# Q3, the partner directory: 50 partners by name, each with its kind, country
# and its first 10 commitments (title, status, progress) and their count.
# Same wrk load and figures as peer-ab (its load.sh).
set -u
shared=$(cd "$(dirname "$0")/../../../shared/bench/peer-ab" && pwd)
BIN=$1/coalition; SECS=${2:-15}; PEER=${PEER:-/var/tmp/peer-ab}
URL=postgres://postgres@127.0.0.1:5432/peer_ab
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cat >"$T/o3.json" <<'Q'
{"query":"{ partners(first: 50) { nodes { name kind country commitments(first: 10) { totalCount nodes { title status progress } } } } }"}
Q
cat >"$T/p3.json" <<'Q'
{"query":"{ allPartners(first: 50, orderBy: [NAME_ASC, ID_ASC]) { nodes { name kind country commitmentsByPartnerId(first: 10, orderBy: ID_ASC) { totalCount nodes { title status progress } } } } }"}
Q
wait_up() { for _ in $(seq 150); do curl -s -o /dev/null -X POST -H 'content-type: application/json' -d '{"query":"{__typename}"}' "$1" && return 0; sleep 0.2; done; echo "not up: $1"; return 1; }
errors() { curl -s -X POST -H 'content-type: application/json' --data @"$2" "$1" | grep -c '"errors"'; }
for cache in 0 64; do
  DATABASE_URL="$URL?sslmode=disable" BIND_ADDR=127.0.0.1:5501 QUERY_CACHE_MB=$cache DATABASE_MAX_CONNECTIONS=16 RUST_LOG=error "$BIN" serve >"$T/ours.log" 2>&1 &
  pid=$!; wait_up http://127.0.0.1:5501/graphql || exit 1
  [ "$(errors http://127.0.0.1:5501/graphql "$T/o3.json")" = 0 ] || { echo "our Q3 answers errors"; kill $pid; exit 1; }
  "$shared/load.sh" "coalition cache=$cache Q3" http://127.0.0.1:5501/graphql "$T/o3.json" "$SECS" $pid
  kill $pid; wait $pid 2>/dev/null
done
( cd "$PEER" && NODE_ENV=production GRAPHILE_TURBO=1 exec node_modules/.bin/postgraphile -c "$URL" -s public -n 127.0.0.1 -p 5502 \
    --disable-query-log --simple-collections both --disable-graphiql --cluster-workers 2 >"$T/pg4.log" 2>&1 ) &
ppid=$!; wait_up http://127.0.0.1:5502/graphql || exit 1
[ "$(errors http://127.0.0.1:5502/graphql "$T/p3.json")" = 0 ] || { echo "PostGraphile Q3 answers errors:"; curl -s -X POST -H 'content-type: application/json' --data @"$T/p3.json" http://127.0.0.1:5502/graphql | head -c 400; }
pids="$ppid"; for c in $(pgrep -P $ppid); do pids="$pids $c $(pgrep -P $c | tr '\n' ' ')"; done
"$shared/load.sh" "postgraphile4 x2 Q3" http://127.0.0.1:5502/graphql "$T/p3.json" "$SECS" $pids
for p in $pids; do kill $p 2>/dev/null; done
