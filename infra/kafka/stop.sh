#!/usr/bin/env bash
# Stop the Kafka node(s) started by start.sh (found by their pid files).
#
#   stop.sh              stop every node (data is kept: start.sh --keep-data brings it back)
#   stop.sh --node N     stop only node N (start.sh --node N restarts it with its data)
#   stop.sh --clean      stop everything and delete .run/ (configs, data, logs)
#   options: --timeout SECONDS before SIGKILL (default 30)
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

ONE_NODE=""
CLEAN=0
TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
while (($#)); do
  case "$1" in
    --node) ONE_NODE="${2:-}"; shift 2 ;;
    --node=*) ONE_NODE="${1#*=}"; shift ;;
    --clean) CLEAN=1; shift ;;
    --timeout) TIMEOUT="${2:-}"; shift 2 ;;
    --timeout=*) TIMEOUT="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ -z "$ONE_NODE" || "$ONE_NODE" =~ ^[1-9]$ ]] || die "--node must be a node number (1..3)"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "--timeout must be a number of seconds"

if [[ -n "$ONE_NODE" ]]; then
  if node_running "$ONE_NODE"; then
    stop_nodes "$TIMEOUT" "$ONE_NODE"
  else
    log "node $ONE_NODE is not running"
    rm -f "$(pid_file "$ONE_NODE")"
  fi
  exit 0
fi

NODES_DIRS=()
if [[ -d "$RUN_DIR" ]]; then
  for d in "$RUN_DIR"/node-*; do
    [[ -d "$d" ]] && NODES_DIRS+=("${d##*/node-}")
  done
fi
RUNNING=()
for n in "${NODES_DIRS[@]}"; do node_running "$n" && RUNNING+=("$n"); done
if ((${#RUNNING[@]} == 0)); then
  log "no Kafka node from start.sh is running"
  for n in "${NODES_DIRS[@]}"; do rm -f "$(pid_file "$n")"; done
else
  stop_nodes "$TIMEOUT" "${RUNNING[@]}"
fi
if ((CLEAN)); then
  rm -rf "$RUN_DIR"
  log "removed $RUN_DIR"
fi
