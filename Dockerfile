# The dashboard on its embedded data, one Streamlit process per container.
#   docker build -t mmip-dashboard .
#   docker run --rm -p 8501:8501 mmip-dashboard            # http://localhost:8501
# Optional: -v /path/to/boundaries:/boundaries:ro -e MMIP_BOUNDARIES_DIR=/boundaries (ONS GeoJSON,
# never baked in: Crown copyright, downloaded on first use otherwise), -e MMIP_OFFLINE=1 to forbid
# every network request, -e MMIP_DATA_DIR=/data with a volume of Parquet files. See docs/DEPLOY.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MMIP_CACHE_DIR=/var/cache/mmip

# Chromium is what kaleido drives to export charts as PNG in the briefing pack; fonts so that
# exported text renders. Not version-pinned: Debian's security updates replace old chromium builds.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY .streamlit/ .streamlit/
COPY assets/ assets/
COPY data/ data/
COPY docs/ docs/
COPY lib/ lib/
COPY app_pages/ app_pages/
COPY dashboard.py .

RUN useradd --system --uid 10001 --home-dir /app app \
    && mkdir -p "$MMIP_CACHE_DIR" && chown app "$MMIP_CACHE_DIR"
USER 10001

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"]

# The README's launcher: the same settings (.streamlit/config.toml) as scripts/app.sh and the tests.
CMD ["python", "-m", "lib.ui.launch", "--address", "0.0.0.0", "--port", "8501"]
