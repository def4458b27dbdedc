"""Configuration from the environment: what happens without a SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")} | env
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_without_a_secret_key_the_web_server_refuses_to_start():
    result = _run("-c", "import config.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_without_a_secret_key_management_checks_still_run_and_the_deploy_check_says_why():
    assert _run("manage.py", "check").returncode == 0
    deploy = _run("manage.py", "check", "--deploy")
    assert deploy.returncode != 0
    assert "portal.E001" in deploy.stderr


def test_debug_gives_a_development_key_and_serves():
    assert _run("-c", "import config.wsgi", DEBUG="1").returncode == 0
