#!/usr/bin/env bash
# Once, when the dev container is created: install as the README does, point the app at the
# compose databases, and pave them. (post_start.sh runs next, and on every start.)
set -euo pipefail
cd "$(dirname "$0")/.."

make install

if [ ! -f .env ]; then
    cp template.env .env
    cat >> .env <<'SETTINGS'

# Dev container: the compose services (docker-compose.yaml). Delete these lines to go back to the
# embedded PostgreSQL; the vector database is the same server (it has pgvector).
HEAVY_STACK_SQL_DB_URL=postgresql://heavy:heavy@localhost:5432/heavy_stack
HEAVY_STACK_REDIS_URL=redis://localhost:6379/0
SETTINGS
    echo "post-create: wrote .env for the compose services"
fi

docker compose up --detach --wait postgres postgres_test redis
.venv/bin/heavy pave-db
