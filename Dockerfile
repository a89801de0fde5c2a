# One image for the API and the workers (the scale-out form: see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy \
    PATH="/app/.venv/bin:$PATH" CATALOGUE_DATA_DIR=/var/lib/catalogue
# FFmpeg is Debian's package (security updates from bookworm-security), for ffmpeg and ffprobe
# alike: rebuild the image (`docker build --pull`) to take them. It is GPL software (it links
# libx264): its licence is in /usr/share/doc/*/copyright and its source is Debian's source
# package of the same version (`apt-get source ffmpeg=<version>`). The app refuses FFmpeg < 5.1.
RUN apt-get update && apt-get upgrade -y \
 && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/* \
 && ffmpeg -hide_banner -version | head -n 1 \
 && pip install --no-cache-dir uv

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY catalogue ./catalogue
COPY transcoder ./transcoder
COPY assets ./assets
RUN uv sync --frozen --no-dev && useradd --system --create-home catalogue \
 && mkdir -p /var/lib/catalogue /srv/uploads && chown catalogue /var/lib/catalogue /srv/uploads
USER catalogue
# Signing keys come from CATALOGUE_SECRET_KEYS (required in production). Without it, a private key
# is generated into /var/lib/catalogue/secret_key on first start: keep that directory on a volume.
# Behind a TLS proxy, name it in CATALOGUE_TRUSTED_PROXIES so X-Forwarded-Proto/-For are believed.
EXPOSE 8000
ENTRYPOINT ["catalogue"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
