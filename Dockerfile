# The explorer as a container image. Build it on a machine with a Docker engine (the development machines
# have only the Docker client):  docker build -t here-explorer .  &&  docker run -p 8501:8501 here-explorer
FROM python:3.11-slim

WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

COPY requirements.lock pyproject.toml README.md ./
RUN pip install -r requirements.lock

COPY . .
RUN pip install --no-deps -e . \
    && python -c "from explorer.i18n import compile_catalogs; compile_catalogs()" \
    && python -m explorer check

# Settings come from the environment (see README, Settings), e.g. -e EXPLORER_TILES=offline -e EXPLORER_KIOSK=true
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["python", "serve.py", "--address", "0.0.0.0", "--port", "8501"]
