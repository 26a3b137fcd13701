# syntax=docker/dockerfile:1
# The application image: `python bot.py run` (web app, webhook) and `python bot.py worker` (push).
# Dependencies come only from the pinned lock file; no secret is ever part of the image.

ARG PYTHON_IMAGE=python:3.11.9-slim-bookworm

FROM ${PYTHON_IMAGE} AS deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
# The lock file alone first: this layer is rebuilt only when dependencies change.
COPY requirements.lock /tmp/requirements.lock
# --no-deps: exactly the pinned set, nothing resolved at build time; `pip check` proves it complete.
RUN /opt/venv/bin/pip install --no-deps -r /tmp/requirements.lock \
 && /opt/venv/bin/pip check

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    LOG_FORMAT=json
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
 && mkdir -p /data \
 && chown app:app /data
COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
# Source owned by root and read-only for the app user; only /data is writable.
COPY . /app
USER 10001:10001
EXPOSE 8080
CMD ["python", "bot.py", "run"]
