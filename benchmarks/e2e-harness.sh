#!/usr/bin/env bash
# End-to-end benchmark harness: store gateway + querier against Prometheus over generated data.
#   benchmarks/e2e-harness.sh [--size=tiny|small|medium] [--warm=N] [--out=FILE] [--docs=FILE|none] ...
# Builds benchmarks/target/benchmarks.jar when it is missing (or with --rebuild), then runs
# io.jthanos.benchmarks.e2e.Harness from the repository root with JAVA_HOME's java (or java on
# PATH). Every flag but --rebuild is the harness' own; see docs/benchmarks.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rebuild=0
args=()
for a in "$@"; do
  if [[ "$a" == "--rebuild" ]]; then rebuild=1; else args+=("$a"); fi
done

jar=benchmarks/target/benchmarks.jar
if [[ $rebuild == 1 || ! -f "$jar" ]]; then
  ./mvnw -B -q -pl benchmarks -am package -DskipTests
fi

java=java
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
fi
exec "$java" -cp "$jar" io.jthanos.benchmarks.e2e.Harness "${args[@]}"
