# stagedoor in a container: `stagedoor run` as an unprivileged user, SQLite data in /data (or PostgreSQL
# through STAGEDOOR_DATABASE_URL, see compose.yaml). The packages come from requirements.lock, pinned with
# hashes, so an image built today and one built next month run the same code.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/stagedoor/bin:$PATH

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home stagedoor \
    && mkdir -p /app /data \
    && chown stagedoor:stagedoor /app /data

# Dependencies first, in their own layer: it is rebuilt only when the lock changes.
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /opt/stagedoor \
    && /opt/stagedoor/bin/pip install --require-hashes -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock

# The project itself, against the locked packages only (setuptools comes from the lock too).
COPY pyproject.toml README.md /tmp/src/
COPY core /tmp/src/core
COPY adapters /tmp/src/adapters
COPY bot /tmp/src/bot
COPY migrations /tmp/src/migrations
COPY benchmarks /tmp/src/benchmarks
RUN /opt/stagedoor/bin/pip install --no-deps --no-build-isolation /tmp/src \
    && rm -rf /tmp/src
# For `docker compose run --rm stagedoor stagedoor console --admin host --script examples/webinar.stage`.
COPY examples /app/examples

WORKDIR /app
# The stagedoor user, by number, so that runtimes can verify it is not root (e.g. Kubernetes' runAsNonRoot).
USER 10001:10001

ENV STAGEDOOR_DATA_DIR=/data \
    STAGEDOOR_HEALTH_PORT=8080
VOLUME /data
EXPOSE 8080

# slim has no curl: ask /healthz with the interpreter that is already there (any non-2xx raises, exit 1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('STAGEDOOR_HEALTH_PORT', '8080') + '/healthz', timeout=4)"]

# stagedoor stops gracefully on SIGTERM (in-flight commands finish, the outbox drains, within 10 s).
STOPSIGNAL SIGTERM
CMD ["stagedoor", "run"]
