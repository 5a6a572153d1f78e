#!/usr/bin/env bash
# Makes sure PostgreSQL with PostGIS answers on 127.0.0.1:5432: starts the local cluster if it is
# stopped, and installs the Debian packages that are missing (when run as root with apt-get).
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PSQL=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

apt_install() {
  command -v apt-get >/dev/null || { echo "apt-get not found: install $* yourself" >&2; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -q "$@" || { as_root apt-get update -q && as_root apt-get install -y -q "$@"; }
}

reachable() { "${PSQL[@]}" -c 'SELECT 1' >/dev/null 2>&1; }

if ! reachable; then
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "PostgreSQL is not installed: installing postgresql-$PG_VERSION" >&2
    apt_install "postgresql-$PG_VERSION"
  fi
  cluster_version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  echo "starting PostgreSQL $cluster_version" >&2
  as_root pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start || true
  for _ in $(seq 1 30); do reachable && break; sleep 1; done
  reachable || { echo "PostgreSQL does not answer on 127.0.0.1:5432 as user postgres" >&2; exit 1; }
fi

if [ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")" = "0" ]; then
  server_major=$("${PSQL[@]}" -c 'SHOW server_version_num' | cut -c1-2)
  echo "PostGIS is missing: installing postgresql-$server_major-postgis-3" >&2
  apt_install "postgresql-$server_major-postgis-3"
fi
echo "PostgreSQL with PostGIS is ready on 127.0.0.1:5432" >&2
