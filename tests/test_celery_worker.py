"""A real Celery worker, started as its own process, answers a task sent through the broker.

This is what `docker-compose.yml`'s `worker` service runs: same app, same queue. The worker is
pointed at this test run's database (pytest-django's `test_<name>`), so the task checks the
database the test sees and nothing else.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from portal import health
from portal.tasks import check_database

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULT_TIMEOUT_SECONDS = 60


def worker_environment() -> dict[str, str]:
    # The same environment as this process, but with the test database's name.
    env = dict(os.environ)
    url = urlsplit(env["DATABASE_URL"])
    env["DATABASE_URL"] = url._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.mark.postgres  # the worker needs a database it can share with the test (not in-memory SQLite)
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_answers_check_database_through_the_broker(tmp_path, settings):
    log_path = tmp_path / "worker.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        "portal",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-l",
        "info",
    ]
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=worker_environment(), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        # Sent through the broker of the settings, as the portal would send it.
        assert check_database.app.conf.broker_url == settings.CELERY_BROKER_URL
        assert not check_database.app.conf.task_always_eager
        result = check_database.delay()
        deadline = time.monotonic() + RESULT_TIMEOUT_SECONDS
        while not result.ready():
            if worker.poll() is not None:
                pytest.fail(f"the worker exited with {worker.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no answer in {RESULT_TIMEOUT_SECONDS}s; worker log:\n{log_path.read_text()}")
            time.sleep(0.2)

        assert result.get(timeout=5) == health.OK
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        result_log = log_path.read_text()

    # Our worker, not some other one on the same broker, is the one that answered.
    assert f"portal.check_database[{result.id}] succeeded" in result_log, result_log
