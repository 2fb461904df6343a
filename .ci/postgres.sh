#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests: a temp folder, a free loopback port, trust auth on loopback
# only, run as a non-root user. Source it; it exports OPENHANDS_TEST_POSTGRES (an Npgsql connection string) and
# defines stop_test_postgres, which .ci/run calls on exit. Installs Debian's postgresql when it is missing.
# Usage outside CI:  source .ci/postgres.sh && start_test_postgres   (then stop_test_postgres)

start_test_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -z $bin || ! -x $bin/initdb ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      echo "installing Debian's postgresql for the PostgreSQL tests"
      # Safe under `set -e` (.ci/run): a failed install leaves the tests to report the missing server.
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null \
        || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; } || true
      bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    fi
  fi
  if [[ -z $bin || ! -x $bin/initdb ]]; then
    echo "note: PostgreSQL is not installed and cannot be; the PostgreSQL tests will be skipped."
    return 0
  fi

  local runas=()
  TEST_PG_ROOT=$(mktemp -d)
  if [[ $(id -u) -eq 0 ]]; then
    # initdb refuses to run as root.
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$TEST_PG_ROOT"
    runas=(runuser -u postgres --)
  fi

  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  "${runas[@]}" "$bin/initdb" -D "$TEST_PG_ROOT/data" -U openhands --auth=trust -E UTF8 --no-instructions >/dev/null
  "${runas[@]}" "$bin/pg_ctl" -D "$TEST_PG_ROOT/data" -l "$TEST_PG_ROOT/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $TEST_PG_ROOT -c max_connections=300 -c fsync=off" start >/dev/null
  TEST_PG_BIN=$bin
  TEST_PG_RUNAS=("${runas[@]}")
  export OPENHANDS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=openhands;Database=postgres"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$port"
}

stop_test_postgres() {
  if [[ -n ${TEST_PG_ROOT:-} && -d $TEST_PG_ROOT/data ]]; then
    "${TEST_PG_RUNAS[@]}" "$TEST_PG_BIN/pg_ctl" -D "$TEST_PG_ROOT/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$TEST_PG_ROOT"
  fi
}
