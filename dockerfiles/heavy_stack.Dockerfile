# syntax=docker/dockerfile:1
# The production image: `heavy run` on the locked dependencies, as a non-root user.
#
# Build and run from the project root (docs/dev-environment.md):
#   docker build -f dockerfiles/heavy_stack.Dockerfile -t heavy-stack .
#   docker run --rm -p 8000:8000 --env-file production.env heavy-stack
# PRODUCTION starts only with HEAVY_STACK_SECRET_KEY, HEAVY_STACK_SQL_DB_URL and
# HEAVY_STACK_VECTOR_DB_URL set: the embedded database is for development.

ARG PYTHON_VERSION=3.11

# --- build: resolve nothing, install exactly uv.lock ----------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS build
# The same uv as the Makefile bootstraps.
ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir "uv==${UV_VERSION}"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
# The dependencies first, so this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project
# Then the project: .dockerignore lets in only what runs (heavy/, heavy_stack/, brython/, static/, alembic/).
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev

# --- runtime: the venv and the project, nothing to build with -------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
RUN groupadd --system heavy \
    && useradd --system --gid heavy --home-dir /app --no-create-home --shell /usr/sbin/nologin heavy
WORKDIR /app
# Owned by root and read-only to the app: it writes nothing under /app.
COPY --from=build /app /app
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    HEAVY_STACK_ENVIRONMENT=PRODUCTION \
    HEAVY_STACK_HOST=0.0.0.0 \
    HEAVY_STACK_PORT=8000 \
    HEAVY_STACK_DATA_DIR=/tmp/heavy
USER heavy
EXPOSE 8000
# 200 from /healthz when both databases answer; 503 (an exception here) when one does not.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('HEAVY_STACK_PORT', '8000') + '/healthz', timeout=4)"]
# SIGTERM (docker stop) shuts the workers down gracefully: tabs' state is saved, pools are closed.
CMD ["heavy", "run", "--workers", "2"]
