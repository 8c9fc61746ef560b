# Headway's image: gunicorn serving the app, WhiteNoise serving its static files. One image for the web
# process and the background worker (`headway db_worker`); see compose.yaml and docs/deploy.md.

# 1. The GOV.UK Frontend styles and scripts, built from the pinned npm packages (scripts/build-frontend).
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
COPY frontend ./frontend
COPY scripts/build-frontend ./scripts/build-frontend
RUN bash scripts/build-frontend

# 2. Headway itself.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# libgomp1: LightGBM's OpenMP runtime (the risk model).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /home/headway --uid 1000 headway
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
COPY --from=frontend /build/src/headway/static/build ./src/headway/static/build
RUN pip install . && rm -rf /app/src
# Static files collected once, compressed, with hashed names; WhiteNoise serves them from here.
ENV HEADWAY_STATIC_ROOT=/app/static \
    HEADWAY_VAR_DIR=/var/lib/headway \
    HEADWAY_LOG_FORMAT=json
RUN HEADWAY_DEBUG=1 headway collectstatic --noinput --verbosity 0 \
    && mkdir -p /var/lib/headway \
    && chown headway:headway /var/lib/headway
# The shipped sample data, for `headway load_demo` in a trial.
COPY --chown=headway:headway data/demo /app/data/demo
USER headway
VOLUME ["/var/lib/headway"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["gunicorn", "--config", "python:headway.gunicorn_conf", "headway.wsgi"]
