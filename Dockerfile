# One image for the API and the workers (the scale-out form: see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy \
    PATH="/app/.venv/bin:$PATH" CATALOGUE_DATA_DIR=/var/lib/catalogue
# FFmpeg: on x86-64 the locked PyPI static build comes with `uv sync`; other machines use Debian's.
RUN if [ "$(uname -m)" != "x86_64" ]; then \
      apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*; \
    fi \
 && pip install --no-cache-dir uv

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY catalogue ./catalogue
COPY transcoder ./transcoder
COPY assets ./assets
RUN uv sync --frozen --no-dev && useradd --system --create-home catalogue \
 && mkdir -p /var/lib/catalogue && chown catalogue /var/lib/catalogue
USER catalogue
EXPOSE 8000
ENTRYPOINT ["catalogue"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
