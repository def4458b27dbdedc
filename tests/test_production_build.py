"""The production build: with DEBUG off, collectstatic succeeds and the portal serves its pages
(and their fingerprinted static files) from what it built. The Dockerfile runs the same steps."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def production_environment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    environment |= {
        "SECRET_KEY": "production-build-test-key-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(folder / "staticfiles"),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
    }
    environment.pop("CELERY_BROKER_URL", None)
    return environment


def _manage(environment, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (a server of our own on loopback)
        return response.status, response.read().decode("utf-8", "replace")


def test_with_debug_off_collectstatic_succeeds_and_the_sign_in_page_is_served(production_environment):
    collected = _manage(production_environment, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert (Path(production_environment["STATIC_ROOT"]) / "staticfiles.json").exists()
    migrated = _manage(production_environment, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr[-2000:]

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=production_environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status, page = _get(f"{base}/sign-in/")
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(
                "gunicorn did not answer within 20 seconds: " + server.stderr.read1().decode()[-2000:]
            )
        assert status == 200
        assert "Sign in" in page
        # The stylesheet is the fingerprinted copy collectstatic made, served by WhiteNoise.
        stylesheet = re.search(
            r'href="(/static/govuk-frontend/govuk-frontend\.min\.[0-9a-f]{12}\.css)"', page
        )
        assert stylesheet, "the page does not link the fingerprinted GOV.UK Frontend stylesheet"
        assert _get(base + stylesheet.group(1))[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
