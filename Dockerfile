# The portal's production image: web (gunicorn), Celery worker and beat all run from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected (hashed and compressed for WhiteNoise) into the image at build time.
# The SECRET_KEY here only lets the settings load; the real one comes from the environment.
RUN SECRET_KEY=collectstatic-only-not-secret python manage.py collectstatic --noinput

RUN useradd --create-home --uid 10001 portal \
    && mkdir -p /app/media \
    && chown portal:portal /app/media
USER portal

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
