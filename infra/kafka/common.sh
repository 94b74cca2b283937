# shellcheck shell=bash
# Shared helpers for start.sh / stop.sh / kafka-tool.sh. Sourced, not executed.

KAFKA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="$KAFKA_DIR/.cache"
LIB_DIR="$CACHE_DIR/lib"
RUN_DIR="$KAFKA_DIR/.run"
CLUSTER_ENV="$RUN_DIR/cluster.env"

HOST=127.0.0.1
CLIENT_PORT_BASE=9091       # node N listens for clients on 9091+N   (9092, 9093, 9094)
CONTROLLER_PORT_BASE=19091  # node N controller listener on 19091+N  (19092, 19093, 19094)

log() { printf '[kafka] %s\n' "$*" >&2; }
die() { printf '[kafka] ERROR: %s\n' "$*" >&2; exit 1; }

client_port() { echo $((CLIENT_PORT_BASE + $1)); }
controller_port() { echo $((CONTROLLER_PORT_BASE + $1)); }
node_dir() { echo "$RUN_DIR/node-$1"; }
pid_file() { echo "$RUN_DIR/node-$1/kafka.pid"; }

# brokers_string N -> 127.0.0.1:9092[,127.0.0.1:9093,...]
brokers_string() {
  local n=$1 i out=""
  for ((i = 1; i <= n; i++)); do out+="${out:+,}$HOST:$(client_port "$i")"; done
  echo "$out"
}

# Is node N's JVM (started by us) alive? Checks the pid AND that its command line
# points at this node's server.properties (guards against pid reuse).
node_pid() {
  local f pid
  f=$(pid_file "$1")
  [[ -f "$f" ]] || return 1
  pid=$(<"$f")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$(node_dir "$1")/server.properties" || return 1
  echo "$pid"
}
node_running() { node_pid "$1" >/dev/null; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Make sure the jars are in .cache/lib. mvn runs only when pom.xml changed
# (sha256 stored next to the jars) or the cache is missing.
ensure_classpath() {
  local want have=""
  want=$(sha256sum "$KAFKA_DIR/pom.xml" | cut -d' ' -f1)
  mkdir -p "$CACHE_DIR"
  exec 8>"$CACHE_DIR/.lock"
  flock 8
  [[ -f "$CACHE_DIR/pom.sha256" ]] && have=$(<"$CACHE_DIR/pom.sha256")
  if [[ "$want" != "$have" ]] || ! compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null; then
    command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka jars)"
    log "fetching Kafka jars with Maven into $LIB_DIR ..."
    rm -rf "$LIB_DIR.tmp"
    if ! mvn -q -B -f "$KAFKA_DIR/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$LIB_DIR.tmp" >"$CACHE_DIR/mvn.log" 2>&1; then
      tail -n 30 "$CACHE_DIR/mvn.log" >&2
      die "mvn dependency:copy-dependencies failed (full log: $CACHE_DIR/mvn.log)"
    fi
    rm -rf "$LIB_DIR"
    mv "$LIB_DIR.tmp" "$LIB_DIR"
    echo "$want" >"$CACHE_DIR/pom.sha256"
  fi
  flock -u 8
  exec 8>&-
  CLASSPATH_JARS="$LIB_DIR/*"
}

kafka_version() {
  local j
  j=$(compgen -G "$LIB_DIR/kafka_2.13-*.jar" | head -n1)
  j=${j##*/kafka_2.13-}
  echo "${j%.jar}"
}

JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Run a Kafka CLI class with the cached classpath and quiet logging.
run_tool() {
  "$JAVA_BIN" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2-tools.xml" \
    -cp "$CLASSPATH_JARS" "$@"
}

# Broker ids that a client sees in cluster metadata, via BrokerApiVersionsCommand
# (prints one "host:port (id: N rack: ...) -> (...)" block per live, unfenced broker).
visible_broker_ids() {
  timeout 30 "$JAVA_BIN" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2-tools.xml" -cp "$CLASSPATH_JARS" \
    org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "$1" 2>/dev/null \
    | sed -nE 's/^[^ ]+ \(id: ([0-9]+) .*/\1/p' | sort -un
}

# stop_nodes TIMEOUT N... : SIGTERM all given nodes at once (controlled shutdown),
# wait up to TIMEOUT seconds, then SIGKILL whatever is left.
stop_nodes() {
  local timeout=$1 n pid deadline left
  shift
  local -A pids=()
  for n in "$@"; do
    if pid=$(node_pid "$n"); then
      pids[$n]=$pid
      log "stopping node $n (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
    else
      rm -f "$(pid_file "$n")"
    fi
  done
  deadline=$((SECONDS + timeout))
  while :; do
    left=()
    for n in "${!pids[@]}"; do
      kill -0 "${pids[$n]}" 2>/dev/null && left+=("$n")
    done
    ((${#left[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      for n in "${left[@]}"; do
        log "node $n did not exit within ${timeout}s; sending SIGKILL"
        kill -KILL "${pids[$n]}" 2>/dev/null || true
      done
      sleep 1
      break
    fi
    sleep 0.5
  done
  for n in "${!pids[@]}"; do
    rm -f "$(pid_file "$n")"
    log "node $n stopped"
  done
}
