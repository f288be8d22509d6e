# The explorer as a container image: one replica, listening on port 8501 of the container.
#   docker build -t here-explorer .   &&   docker run -p 127.0.0.1:8501:8501 here-explorer
# Several replicas behind Caddy with PostgreSQL: deploy/containers/compose.yaml. Settings come from the environment
# (README, Settings), e.g. -e EXPLORER_TILES=offline -e EXPLORER_KIOSK=true; never bake explorer.toml into the image
# (.dockerignore leaves it out: it may hold a database password).
# BASE: any Debian-like image with Python 3.11+ and its venv module (the default is Docker Hub's).
ARG BASE=python:3.11-slim
FROM $BASE

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH

RUN python3 -m venv /opt/venv
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install -r requirements.lock

COPY . .
RUN pip install --no-deps -e . \
    && python -c "from explorer.i18n import compile_catalogs; compile_catalogs()" \
    && python -m explorer check

# The service's own user; the code stays root's, read-only for it. Live data (the SQLite file of the live
# sessions when no EXPLORER_DATABASE_URL is set) in the volume.
RUN groupadd --system here && useradd --system --gid here --home-dir /var/lib/here-explorer --shell /usr/sbin/nologin here \
    && mkdir -p /var/lib/here-explorer && chown here:here /var/lib/here-explorer
ENV EXPLORER_LIVE_DIR=/var/lib/here-explorer HOME=/var/lib/here-explorer
VOLUME ["/var/lib/here-explorer"]
USER here

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
# Every address of the container (its own network); publish the port on 127.0.0.1 or put a proxy in front.
CMD ["python", "serve.py", "--address", "0.0.0.0", "--port", "8501"]
