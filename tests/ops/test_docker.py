"""What only Docker itself can check: the image builds and runs, and Compose reads compose.yaml.

Each test runs when this machine's Docker can do it and is skipped, with the reason, when it cannot.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.files import ROOT

WEBINAR = "examples/webinar.stage"


def docker(*arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the docker client and capture what it says."""
    return subprocess.run(["docker", *arguments], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def first_line(completed: subprocess.CompletedProcess[str]) -> str:
    said = (completed.stderr or completed.stdout).strip().splitlines()
    return said[0] if said else f"exit {completed.returncode}"


def require_docker_daemon() -> None:
    if shutil.which("docker") is None:
        pytest.skip("no docker client on this machine")
    info = docker("info", "--format", "{{.ServerVersion}}", timeout=30)
    if info.returncode != 0:
        pytest.skip(f"no usable Docker daemon here (docker info: {first_line(info)})")


def compose_command() -> list[str]:
    """Return how to call Docker Compose v2 here (it reads compose.yaml without a daemon), or skip."""
    reasons = []
    if shutil.which("docker"):
        version = docker("compose", "version", timeout=30)
        if version.returncode == 0:
            return ["docker", "compose"]
        reasons.append(f"docker compose version: {first_line(version)}")
    standalone = shutil.which("docker-compose")
    if standalone:
        said = subprocess.run([standalone, "version"], capture_output=True, text=True, timeout=30)
        if said.returncode == 0 and " v2." in said.stdout:
            return [standalone]
        reasons.append(f"docker-compose version: {first_line(said)}")
    pytest.skip("no Docker Compose v2 here (" + ("; ".join(reasons) or "no docker client, no docker-compose") + ")")


@pytest.fixture
def built_image() -> Iterator[str]:
    require_docker_daemon()
    tag = f"stagedoor-test:{uuid.uuid4().hex[:12]}"
    build = docker("build", "--tag", tag, ".", timeout=900)
    assert build.returncode == 0, build.stderr[-3000:]
    yield tag
    docker("image", "rm", "--force", tag)


def test_the_image_builds_and_runs_stagedoor_unprivileged_with_data_in_a_writable_volume(built_image: str) -> None:
    config = json.loads(docker("image", "inspect", built_image).stdout)[0]["Config"]
    assert config["User"].split(":")[0] not in {"", "0", "root"}
    assert config["Cmd"] == ["stagedoor", "run"]
    assert "/data" in config["Volumes"]
    assert config["Healthcheck"]["Test"][0] == "CMD"
    usage = docker("run", "--rm", built_image, "stagedoor", "--help")
    assert usage.returncode == 0 and "stagedoor" in usage.stdout
    whoami = "import os; print(os.getuid(), os.access('/data', os.W_OK))"
    owner = docker("run", "--rm", built_image, "python", "-c", whoami)
    assert owner.stdout.split()[0] != "0" and owner.stdout.split()[1] == "True"
    demo = docker("run", "--rm", built_image, "stagedoor", "console", "--admin", "host", "--script", WEBINAR)
    assert demo.returncode == 0, demo.stderr


def test_docker_compose_reads_compose_yaml_with_the_database_url_wired(tmp_path: Path) -> None:
    rendered = subprocess.run(
        [*compose_command(), "--file", str(ROOT / "compose.yaml"), "config", "--format", "json"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, env={**os.environ, "POSTGRES_PASSWORD": "pw123"},
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    services = json.loads(rendered.stdout)["services"]
    assert set(services) == {"stagedoor", "postgres"}
    url = services["stagedoor"]["environment"]["STAGEDOOR_DATABASE_URL"]
    assert url == "postgresql+asyncpg://stagedoor:pw123@postgres:5432/stagedoor"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "pw123"
    assert services["stagedoor"]["depends_on"]["postgres"]["condition"] == "service_healthy"
