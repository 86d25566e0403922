#!/usr/bin/env bash
# jthanos quickstart: a whole Thanos-style stack on 127.0.0.1 from this checkout.
#
#   ./quickstart.sh             build what is missing, seed the bucket, start everything, wait (Ctrl-C stops it)
#   ./quickstart.sh --detach    the same, but return once the stack is ready
#   ./quickstart.sh down        stop a stack left running (pid files under data/run/)
#   ./quickstart.sh --help
#
# Everything lives under ./data/: the FILESYSTEM bucket (data/bucket), each process's data
# directory, configs (data/config), logs (data/logs), pid files (data/run) and the generator cache
# (data/cache). See docs/quickstart.md for the ports and the environment knobs.
set -euo pipefail

self="${BASH_SOURCE[0]}"
while [[ -L "$self" ]]; do
  target="$(readlink "$self")"
  [[ "$target" == /* ]] && self="$target" || self="$(dirname "$self")/$target"
done
ROOT="$(cd "$(dirname "$self")" && pwd)"
DATA="$ROOT/data"
RUN="$DATA/run"
LOGS="$DATA/logs"
CONF="$DATA/config"
BUCKET="$DATA/bucket"

# --- knobs (environment) -------------------------------------------------------------------------
HISTORY_DAYS="${QUICKSTART_HISTORY_DAYS:-14}"         # days of generated history; 0: no seeding
HISTORY_SERIES="${QUICKSTART_HISTORY_SERIES:-1000}"   # series alive at any time in the history
SCRAPE_INTERVAL="${QUICKSTART_SCRAPE_INTERVAL:-5s}"
BLOCK_DURATION="${QUICKSTART_BLOCK_DURATION:-2m}"     # Prometheus min = max block duration
COMPONENT_JAVA_OPTS="${QUICKSTART_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC}"
STOP_TIMEOUT="${QUICKSTART_STOP_TIMEOUT:-30}"         # seconds before SIGKILL on stop
READY_TIMEOUT="${QUICKSTART_READY_TIMEOUT:-180}"      # seconds to wait for the stack
SEED_LABEL_NAME=cluster
SEED_LABEL_VALUE=fleet-1

# name|default|what: every port listens on 127.0.0.1; QUICKSTART_PORT_<NAME> overrides it.
PORT_TABLE="
QUERY_HTTP|29090|querier HTTP, UI and API
QUERY_GRPC|29091|querier gRPC
STORE_HTTP|29190|store gateway HTTP
STORE_GRPC|29191|store gateway gRPC
COMPACT_HTTP|29290|compactor HTTP
PROMETHEUS_A|29390|Prometheus replica A
SIDECAR_A_GRPC|29391|sidecar A gRPC
SIDECAR_A_HTTP|29392|sidecar A HTTP
PROMETHEUS_B|29490|Prometheus replica B
SIDECAR_B_GRPC|29491|sidecar B gRPC
SIDECAR_B_HTTP|29492|sidecar B HTTP
"

say() { printf 'quickstart: %s\n' "$*"; }
die() { printf 'quickstart: error: %s\n' "$*" >&2; exit 1; }

port() { # port of $1 (a PORT_TABLE name)
  local var="QUICKSTART_PORT_$1" def
  def="$(printf '%s\n' "$PORT_TABLE" | awk -F'|' -v n="$1" '$1 == n { print $2 }')"
  printf '%s' "${!var:-$def}"
}

port_what() { printf '%s\n' "$PORT_TABLE" | awk -F'|' -v n="$1" '$1 == n { print $3 }'; }

usage() {
  sed -n '2,11p' "$self" | sed 's/^# \{0,1\}//'
}

# --- processes -------------------------------------------------------------------------------------
# A pid file holds the pid; a process is ours when its command line mentions this checkout (the
# component jars and the Prometheus configs are under it), which guards against a reused pid.
cmdline_of() {
  if [[ -r "/proc/$1/cmdline" ]]; then tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
  else ps -p "$1" -o args= 2>/dev/null || true
  fi
}

alive() { # pid -> true while the process exists and is not a zombie
  kill -0 "$1" 2>/dev/null || return 1
  local state
  if [[ -r "/proc/$1/stat" ]]; then state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)"
  else state="$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)"
  fi
  [[ "$state" != Z ]]
}

is_ours() { # pid
  [[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null && [[ "$(cmdline_of "$1")" == *"$ROOT/"* ]]
}

running_pids() { # "name:pid" of every process in data/run that is still ours
  local f pid
  [[ -d "$RUN" ]] || return 0
  for f in "$RUN"/*.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f" 2>/dev/null || true)"
    if is_ours "$pid"; then printf '%s:%s\n' "$(basename "$f" .pid)" "$pid"; fi
  done
}

# --- HTTP without curl (a machine with only a JDK may not have it) ------------------------------
http_status() { # port path -> prints the status code, fails when nothing answers
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$2" "$1" >&3 || exit 1
    IFS= read -r -t 5 line <&3 || exit 1
    line="${line#HTTP/* }"
    printf '%s' "${line%% *}"
  ) 2>/dev/null
}

http_body() { # port path -> prints the body of a 200 answer, fails otherwise
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$2" "$1" >&3 || exit 1
    IFS= read -r -t 5 line <&3 || exit 1
    line="${line#HTTP/* }"
    [[ "${line%% *}" == 200 ]] || exit 1
    while IFS= read -r -t 5 line <&3; do [[ "${line%$'\r'}" == "" ]] && break; done
    body=""
    while IFS= read -r -t 5 line <&3 || [[ -n "$line" ]]; do body+="$line"; done
    printf '%s' "$body"
  ) 2>/dev/null
}

listening() { # port -> true when something accepts connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

urlencode() {
  local LC_ALL=C s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [a-zA-Z0-9._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

# --- down ----------------------------------------------------------------------------------------
stop_pids() { # "name:pid"... : SIGTERM, wait up to STOP_TIMEOUT s, then SIGKILL
  local entry pid waited=0 left
  for entry in "$@"; do kill -TERM "${entry#*:}" 2>/dev/null || true; done
  while :; do
    left=()
    for entry in "$@"; do
      pid="${entry#*:}"
      if alive "$pid"; then left+=("$entry"); fi
    done
    (( ${#left[@]} == 0 )) && return 0
    if (( waited >= STOP_TIMEOUT * 5 )); then
      for entry in "${left[@]}"; do
        say "${entry%%:*} (pid ${entry#*:}) did not stop within ${STOP_TIMEOUT}s: killing it"
        kill -KILL "${entry#*:}" 2>/dev/null || true
      done
      return 0
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
}

cmd_down() {
  local entries=() main="" e
  while IFS= read -r e; do
    [[ -n "$e" ]] || continue
    if [[ "${e%%:*}" == quickstart ]]; then main="$e"; else entries+=("$e"); fi
  done < <(running_pids)
  if [[ -z "$main" && ${#entries[@]} -eq 0 ]]; then
    say "nothing is running"
    rm -f "$RUN"/*.pid 2>/dev/null || true
    return 0
  fi
  if [[ -n "$main" ]]; then
    # A foreground quickstart stops its own processes on SIGTERM; kill the rest directly after.
    say "stopping the quickstart running as pid ${main#*:}"
    stop_pids "$main"
  fi
  local still=()
  for e in "${entries[@]+"${entries[@]}"}"; do
    is_ours "${e#*:}" && still+=("$e")
  done
  if (( ${#still[@]} > 0 )); then
    say "stopping ${#still[@]} processes: $(printf '%s ' "${still[@]%%:*}" | sed 's/ $//')"
    stop_pids "${still[@]}"
  fi
  rm -f "$RUN"/*.pid 2>/dev/null || true
  say "stopped"
}

# --- Java and the build --------------------------------------------------------------------------
java_major() { # major version of the java binary $1, or 0
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1)
  [[ "$v" == 1.* ]] && v="${v#1.}"
  [[ "$v" =~ ^[0-9]+$ ]] && printf '%s' "$v" || printf '0'
}

find_jdk() { # prints a JAVA_HOME with java and javac >= 21, or nothing
  local h best="" best_major=0 m cands=()
  [[ -n "${JAVA_HOME:-}" ]] && cands+=("$JAVA_HOME")
  for h in /usr/lib/jvm/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/; do
    [[ -d "$h" ]] && cands+=("${h%/}")
  done
  if [[ -x /usr/libexec/java_home ]]; then
    h="$(/usr/libexec/java_home -v 21+ 2>/dev/null || true)"
    [[ -n "$h" ]] && cands+=("$h")
  fi
  if command -v java >/dev/null 2>&1; then
    h="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.home = //p' | head -1)"
    [[ -n "$h" ]] && cands+=("$h")
  fi
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]] && (( $(java_major "$JAVA_HOME/bin/java") >= 21 )); then
    printf '%s' "$JAVA_HOME"; return
  fi
  for h in "${cands[@]+"${cands[@]}"}"; do
    [[ -x "$h/bin/java" && -x "$h/bin/javac" ]] || continue
    m=$(java_major "$h/bin/java")
    if (( m >= 21 && m > best_major )); then best="$h"; best_major=$m; fi
  done
  printf '%s' "$best"
}

jar_of() { # newest runnable jar of component $1
  local j newest=""
  for j in "$ROOT/thanos-$1"/target/thanos-"$1"-*-all.jar; do
    [[ -f "$j" ]] || continue
    if [[ -z "$newest" || "$j" -nt "$newest" ]]; then newest="$j"; fi
  done
  printf '%s' "$newest"
}

needs_build() { # component -> true when its jar is missing or older than a source it is built from
  local c="$1" jar d dirs=("$ROOT/pom.xml")
  jar="$(jar_of "$c")"
  [[ -z "$jar" ]] && return 0
  # The component's module and the libraries (every module but the other components, the
  # benchmarks and the test-only modules).
  for d in "$ROOT"/*/; do
    d="${d%/}"
    [[ -f "$d/pom.xml" ]] || continue
    case "$(basename "$d")" in
      "thanos-$c") ;;
      thanos-*|benchmarks|e2e|test-support) continue ;;
    esac
    dirs+=("$d/pom.xml")
    [[ -d "$d/src/main" ]] && dirs+=("$d/src/main")
  done
  [[ -n "$(find "${dirs[@]}" -type f -newer "$jar" -print 2>/dev/null | head -1)" ]]
}

build() { # components...
  local jdk modules
  jdk="$(find_jdk)"
  [[ -n "$jdk" ]] || die "building needs a JDK 21 or newer (java and javac): install one (e.g. sudo apt-get install openjdk-21-jdk-headless) or set JAVA_HOME"
  modules="$(printf 'thanos-%s,' "$@")"
  modules="${modules%,}"
  mkdir -p "$LOGS"
  say "building ${modules//,/, } with ./mvnw (tests skipped; the first build downloads Maven and the dependencies into ~/.m2 and takes a few minutes; log: data/logs/build.log)"
  if ! (cd "$ROOT" && JAVA_HOME="$jdk" ./mvnw -B --no-transfer-progress -pl "$modules" -am package \
        -DskipTests -Dspotless.skip=true >"$LOGS/build.log" 2>&1); then
    tail -n 40 "$LOGS/build.log" >&2
    die "the build failed (full log: data/logs/build.log)"
  fi
}

# --- up ------------------------------------------------------------------------------------------
PIDS=()     # "name:pid" of everything started, in start order
STOPPING=0

start_proc() { # name command... ; output to data/logs/<name>.log
  local name="$1"; shift
  if command -v setsid >/dev/null 2>&1; then
    # Own session: a Ctrl-C in the terminal reaches only this script, which stops them in order.
    setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  else
    nohup "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  fi
  local pid=$!
  printf '%s\n' "$pid" >"$RUN/$name.pid"
  PIDS+=("$name:$pid")
}

stop_all() {
  (( STOPPING )) && return 0
  STOPPING=1
  trap '' INT TERM HUP
  if (( ${#PIDS[@]} > 0 )); then
    say "stopping ${#PIDS[@]} processes"
    stop_pids "${PIDS[@]}"
    wait 2>/dev/null || true
  fi
  rm -f "$RUN"/*.pid 2>/dev/null || true
  say "stopped"
}

died() { # name pid -> report a process that exited
  local code=0
  wait "$2" 2>/dev/null || code=$?
  printf 'quickstart: error: %s exited (code %s); last lines of data/logs/%s.log:\n' "$1" "$code" "$1" >&2
  tail -n 25 "$LOGS/$1.log" 2>/dev/null | sed 's/^/  /' >&2
}

check_alive() { # fails (after reporting) when a started process has exited
  local e
  for e in "${PIDS[@]}"; do
    if ! alive "${e#*:}"; then died "${e%%:*}" "${e#*:}"; return 1; fi
  done
}

await_ready() { # name port path
  local name="$1" port="$2" path="$3" deadline=$((SECONDS + READY_TIMEOUT)) code
  while :; do
    code="$(http_status "$port" "$path" 2>/dev/null || true)"
    [[ "$code" == 200 ]] && return 0
    check_alive || return 1
    if (( SECONDS >= deadline )); then
      printf 'quickstart: error: %s not ready after %ss (last answer: %s); see data/logs/%s.log\n' \
        "$name" "$READY_TIMEOUT" "${code:-none}" "$name" >&2
      return 1
    fi
    sleep 0.5
  done
}

await_endpoints() { # count: wait until the querier has every one of its endpoints up
  local want="$1" deadline=$((SECONDS + READY_TIMEOUT)) body up=0
  while :; do
    body="$(http_body "$(port QUERY_HTTP)" /api/v1/stores 2>/dev/null || true)"
    body="${body//[[:space:]]/}"
    up="$(grep -o '"lastError":null' <<<"$body" | wc -l | tr -d ' ')"
    (( up >= want )) && return 0
    check_alive || return 1
    if (( SECONDS >= deadline )); then
      printf 'quickstart: error: the querier sees %s of its %s endpoints up after %ss; see %s/stores and data/logs/\n' \
        "$up" "$want" "$READY_TIMEOUT" "http://127.0.0.1:$(port QUERY_HTTP)" >&2
      return 1
    fi
    sleep 0.5
  done
}

write_prometheus_config() { # replica
  local r="$1" p t
  {
    printf 'global:\n  scrape_interval: %s\n  evaluation_interval: %s\n' "$SCRAPE_INTERVAL" "$SCRAPE_INTERVAL"
    printf '  external_labels:\n    cluster: quickstart\n    replica: "%s"\n' "$r"
    printf 'scrape_configs:\n'
    for p in "prometheus|PROMETHEUS_A PROMETHEUS_B" "thanos-sidecar|SIDECAR_A_HTTP SIDECAR_B_HTTP" \
             "thanos-query|QUERY_HTTP" "thanos-store|STORE_HTTP" "thanos-compact|COMPACT_HTTP"; do
      printf '  - job_name: %s\n    static_configs:\n      - targets:\n' "${p%%|*}"
      for t in ${p#*|}; do printf "          - '127.0.0.1:%s'\n" "$(port "$t")"; done
    done
  } >"$CONF/prometheus-$r.yml"
}

seed_history() {
  local end_s end_rfc stamp want have d
  if (( HISTORY_DAYS <= 0 )); then say "not seeding history (QUICKSTART_HISTORY_DAYS=0)"; return 0; fi
  # End of the history: the last 2h boundary (the generator aligns to it too).
  end_s=$(( $(date +%s) / 7200 * 7200 ))
  end_rfc="$(date -u -d "@$end_s" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$end_s" +%Y-%m-%dT%H:%M:%SZ)"
  stamp="$DATA/history.seeded"
  want="days=$HISTORY_DAYS series=$HISTORY_SERIES end=$end_rfc layout=compacted"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [[ "$have" == "$want" ]]; then
    say "bucket already holds the generated history ($want)"
    return 0
  fi
  # Replace an older seed: every block carrying the seed's label (the compactor's blocks made
  # from it included); blocks shipped by the sidecars carry cluster="quickstart" and stay.
  for d in "$BUCKET"/*/; do
    if [[ ! -f "$d/meta.json" ]]; then
      # A block whose upload was cut short (meta.json is written last), e.g. by a Ctrl-C while
      # seeding; nothing else writes to the bucket while the stack is down.
      [[ "$(basename "$d")" =~ ^[0-9A-HJKMNP-TV-Z]{26}$ ]] && rm -rf "$d"
      continue
    fi
    if grep -Eq "\"$SEED_LABEL_NAME\"[[:space:]]*:[[:space:]]*\"$SEED_LABEL_VALUE\"" "$d/meta.json"; then
      rm -rf "$d"
    fi
  done
  rm -f "$stamp"
  # The generator names a block after its seed and time range only, so a new seed can bring back
  # a block id that the store gateway and the compactor have cached (index-header, meta.json) with
  # other contents: start them from empty data directories (they rebuild what they need).
  rm -rf "$DATA/store" "$DATA/compact"
  mkdir -p "$DATA/store" "$DATA/compact"
  say "seeding data/bucket with $HISTORY_DAYS days of generated history ($HISTORY_SERIES series, compacted and downsampled layout, up to $end_rfc; cached in data/cache)"
  if ! JAVA_OPTS="$COMPONENT_JAVA_OPTS" "$ROOT/bin/thanos" tools bucket generate \
      --objstore.config-file="$CONF/bucket.yml" --cache-dir="$DATA/cache" \
      --days="$HISTORY_DAYS" --series="$HISTORY_SERIES" --layout=compacted --end="$end_rfc" \
      --label="$SEED_LABEL_NAME=\"$SEED_LABEL_VALUE\"" >"$LOGS/generate.log" 2>&1; then
    tail -n 20 "$LOGS/generate.log" >&2
    die "seeding the bucket failed (log: data/logs/generate.log)"
  fi
  # Keep only the dataset just used in the cache.
  local used
  used="$(sed -n 's/.*msg="dataset ready" dataset=\([^ ]*\)\/bucket .*/\1/p' "$LOGS/generate.log" | tail -1)"
  if [[ -n "$used" && -d "$used" ]]; then
    for d in "$DATA/cache"/*/; do
      [[ "${d%/}" == "$used" ]] || rm -rf "${d%/}"
    done
  fi
  printf '%s\n' "$want" >"$stamp"
}

cmd_up() {
  local detach="$1" e prom="" sidecar=0 components

  # 1. Nothing of ours may be running, and every port must be free.
  local running
  running="$(running_pids)"
  if [[ -n "$running" ]]; then
    die "a quickstart stack is already running from this checkout ($(printf '%s' "$running" | tr '\n' ' ' | sed 's/ $//')); stop it with: ./quickstart.sh down"
  fi
  local names="QUERY_HTTP QUERY_GRPC STORE_HTTP STORE_GRPC COMPACT_HTTP"
  if command -v prometheus >/dev/null 2>&1; then prom="$(command -v prometheus)"; fi
  if [[ -n "$prom" ]]; then
    names+=" PROMETHEUS_A SIDECAR_A_GRPC SIDECAR_A_HTTP PROMETHEUS_B SIDECAR_B_GRPC SIDECAR_B_HTTP"
  fi
  local n p seen=" "
  for n in $names; do
    p="$(port "$n")"
    [[ "$p" =~ ^[0-9]+$ ]] || die "QUICKSTART_PORT_$n=$p is not a port number"
    [[ "$seen" == *" $p "* ]] && die "port $p is configured twice (QUICKSTART_PORT_$n)"
    seen+="$p "
    if listening "$p"; then
      die "port $p on 127.0.0.1 ($(port_what "$n")) is already in use; free it, or pick another port with QUICKSTART_PORT_$n=<port>"
    fi
  done

  # 2. Build the component jars that are missing or older than the sources.
  components="query store compact tools"
  [[ -n "$prom" ]] && components="sidecar $components"
  local missing=()
  for e in $components; do
    [[ -f "$ROOT/thanos-$e/pom.xml" ]] || die "this checkout has no thanos-$e module"
    needs_build "$e" && missing+=("$e")
  done
  if (( ${#missing[@]} > 0 )); then build "${missing[@]}"; fi
  if [[ -z "$(find_jdk)" ]] && ! command -v java >/dev/null 2>&1; then
    die "no Java found: install a JDK 21 or newer (e.g. sudo apt-get install openjdk-21-jdk-headless)"
  fi

  # 3. Layout and configs.
  mkdir -p "$RUN" "$LOGS" "$CONF" "$BUCKET" "$DATA/store" "$DATA/compact"
  printf 'type: FILESYSTEM\nconfig:\n  directory: %s\n' "$BUCKET" >"$CONF/bucket.yml"
  seed_history

  # 4. Start. From here on, any exit stops whatever was started.
  printf '%s\n' "$$" >"$RUN/quickstart.pid"
  trap 'stop_all; exit 130' INT
  trap 'stop_all; exit 143' TERM HUP
  trap 'stop_all' EXIT
  export JAVA_OPTS="$COMPONENT_JAVA_OPTS"
  local thanos="$ROOT/bin/thanos" endpoints=()

  if [[ -n "$prom" ]]; then
    for r in A B; do
      write_prometheus_config "$r"
      mkdir -p "$DATA/prometheus-$r"
      start_proc "prometheus-$r" "$prom" \
        --config.file="$CONF/prometheus-$r.yml" \
        --storage.tsdb.path="$DATA/prometheus-$r" \
        --storage.tsdb.min-block-duration="$BLOCK_DURATION" \
        --storage.tsdb.max-block-duration="$BLOCK_DURATION" \
        --web.listen-address="127.0.0.1:$(port "PROMETHEUS_$r")" \
        --web.enable-lifecycle --web.enable-admin-api
      start_proc "sidecar-$r" "$thanos" sidecar \
        --http-address="127.0.0.1:$(port "SIDECAR_${r}_HTTP")" \
        --grpc-address="127.0.0.1:$(port "SIDECAR_${r}_GRPC")" \
        --prometheus.url="http://127.0.0.1:$(port "PROMETHEUS_$r")" \
        --tsdb.path="$DATA/prometheus-$r" \
        --objstore.config-file="$CONF/bucket.yml" \
        --reloader.config-file="$CONF/prometheus-$r.yml"
      endpoints+=("--endpoint=127.0.0.1:$(port "SIDECAR_${r}_GRPC")")
    done
    sidecar=1
  else
    say "prometheus is not on PATH: starting without the two Prometheus replicas and their sidecars (no live data)."
    say "  to get them: sudo apt-get install prometheus   (Debian/Ubuntu; elsewhere https://prometheus.io/download/ and put prometheus on PATH), then run ./quickstart.sh again"
  fi

  start_proc store "$thanos" store \
    --http-address="127.0.0.1:$(port STORE_HTTP)" \
    --grpc-address="127.0.0.1:$(port STORE_GRPC)" \
    --data-dir="$DATA/store" \
    --objstore.config-file="$CONF/bucket.yml" \
    --sync-block-duration=1m
  endpoints+=("--endpoint=127.0.0.1:$(port STORE_GRPC)")

  start_proc compact "$thanos" compact \
    --http-address="127.0.0.1:$(port COMPACT_HTTP)" \
    --data-dir="$DATA/compact" \
    --objstore.config-file="$CONF/bucket.yml" \
    --wait --wait-interval=1m --delete-delay=15m

  start_proc query "$thanos" query \
    --http-address="127.0.0.1:$(port QUERY_HTTP)" \
    --grpc-address="127.0.0.1:$(port QUERY_GRPC)" \
    --query.replica-label=replica \
    --query.auto-downsampling \
    "${endpoints[@]}"

  # 5. Wait until every process answers /-/ready.
  say "waiting for the stack to be ready (logs: data/logs/)"
  if (( sidecar )); then
    for r in A B; do
      await_ready "prometheus-$r" "$(port "PROMETHEUS_$r")" /-/ready || exit 1
      await_ready "sidecar-$r" "$(port "SIDECAR_${r}_HTTP")" /-/ready || exit 1
    done
  fi
  await_ready store "$(port STORE_HTTP)" /-/ready || exit 1
  await_ready compact "$(port COMPACT_HTTP)" /-/ready || exit 1
  await_ready query "$(port QUERY_HTTP)" /-/ready || exit 1
  # Ready means answering: the querier has found every store (its /-/ready does not wait for them).
  await_endpoints "${#endpoints[@]}" || exit 1

  print_summary "$sidecar"
  if [[ "$detach" == 1 ]]; then
    trap - INT TERM HUP EXIT
    rm -f "$RUN/quickstart.pid"
    say "running in the background; stop it with: ./quickstart.sh down"
    return 0
  fi

  # 6. Run until Ctrl-C (or until a process dies).
  while :; do
    check_alive || exit 1
    sleep 1 &
    wait $! 2>/dev/null || true
  done
}

print_summary() {
  local sidecar="$1" q="http://127.0.0.1:$(port QUERY_HTTP)" r
  local hist='sum by (namespace) (rate(http_requests_total{cluster="fleet-1"}[5m]))'
  local live='sum by (job) (rate(thanos_objstore_bucket_operations_total[1m]))'
  cat <<EOF

jthanos quickstart is ready.

  Query UI          $q/
  Stores            $q/stores
  querier           $q/metrics
  store gateway     http://127.0.0.1:$(port STORE_HTTP)/metrics
  compactor         http://127.0.0.1:$(port COMPACT_HTTP)/  (block viewer)   http://127.0.0.1:$(port COMPACT_HTTP)/metrics
EOF
  if (( sidecar )); then
    for r in A B; do
      printf '  Prometheus %s      http://127.0.0.1:%s/\n' "$r" "$(port "PROMETHEUS_$r")"
      printf '  sidecar %s         http://127.0.0.1:%s/metrics\n' "$r" "$(port "SIDECAR_${r}_HTTP")"
    done
  fi
  cat <<EOF

  Bucket: data/bucket (FILESYSTEM)   Logs: data/logs/   Ports: docs/quickstart.md

Sample queries:
EOF
  if (( HISTORY_DAYS > 0 )); then
    cat <<EOF
  $HISTORY_DAYS days of generated history (choose "Auto downsampling" for long ranges):
    $hist
    $q/graph?expr=$(urlencode "$hist")&range=${HISTORY_DAYS}d&tab=graph
EOF
  fi
  if (( sidecar )); then
    cat <<EOF
  live data from both Prometheus replicas, deduplicated on replica (untick "Use Deduplication" to see A and B):
    up
    $q/graph?expr=up
  the stack watching itself:
    $live
    $q/graph?expr=$(urlencode "$live")&range=15m&tab=graph
    thanos_shipper_uploads_total     (sidecars upload a block every $BLOCK_DURATION or so)
EOF
  fi
  cat <<EOF
  from a shell:
    curl -s '$q/api/v1/query?query=count(up)&dedup=false'

EOF
  if [[ "${detach:-0}" != 1 ]]; then echo "Ctrl-C stops everything."; fi
}

# --- main ----------------------------------------------------------------------------------------
detach=0
action=up
for arg in "$@"; do
  case "$arg" in
    down|stop) action=down ;;
    up) action=up ;;
    -d|--detach) detach=1 ;;
    -h|--help|help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$arg'" ;;
  esac
done
case "$action" in
  down) cmd_down ;;
  up) cmd_up "$detach" ;;
esac
