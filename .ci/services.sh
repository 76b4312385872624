#!/usr/bin/env bash
# Servers and browsers the tests need, from Debian's packages, started on loopback.
# Sourced by .ci/run; exports CREDSUP_TEST_POSTGRES_URL and the CREDSUP_REQUIRE_* switches so that the
# PostgreSQL and Chromium tests fail, rather than skip, when something here did not work.
set -euo pipefail

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # fonts-noto-cjk: Chinese glyphs for the --lang zh plots (tests draw them with warnings as errors)
    apt-get install -y -qq --no-install-recommends postgresql chromium chromium-driver fonts-noto-cjk >/dev/null
fi

# PostgreSQL: the Debian cluster, on 127.0.0.1, with a superuser for the tests (they create databases).
if command -v pg_lsclusters >/dev/null; then
    read -r PG_VERSION PG_CLUSTER _ < <(pg_lsclusters --no-header | head -n 1)
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start 2>/dev/null || true
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 && break
        sleep 1
    done
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='credsup'\"" | grep -q 1 \
        || su postgres -c "psql -qc \"CREATE ROLE credsup LOGIN SUPERUSER PASSWORD 'credsup'\""
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='credsup_test'\"" | grep -q 1 \
        || su postgres -c "createdb -O credsup credsup_test"
    export CREDSUP_TEST_POSTGRES_URL="postgresql://credsup:credsup@127.0.0.1:5432/credsup_test"
    export CREDSUP_REQUIRE_POSTGRES=1
fi

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    export CREDSUP_REQUIRE_BROWSER=1
fi
