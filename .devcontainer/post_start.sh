#!/usr/bin/env bash
# On every start of the dev container: the compose databases up, and time tracking on.
set -euo pipefail
cd "$(dirname "$0")/.."

docker compose up --detach --wait postgres postgres_test redis
.venv/bin/heavy time start
