"""What only Docker itself can check: the image builds and runs, and Compose reads compose.yaml.

Each test runs when this machine's Docker can do it and is skipped, with the reason, when it cannot.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator

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


def require_compose() -> None:
    if shutil.which("docker") is None:
        pytest.skip("no docker client on this machine")
    version = docker("compose", "version", timeout=30)
    if version.returncode != 0:
        pytest.skip(f"this docker client has no Compose plugin (docker compose version: {first_line(version)})")


@pytest.fixture
def built_image() -> Iterator[str]:
    require_docker_daemon()
    tag = f"stagedoor-test:{uuid.uuid4().hex[:12]}"
    build = docker("build", "--tag", tag, ".", timeout=900)
    assert build.returncode == 0, build.stderr[-3000:]
    yield tag
    docker("image", "rm", "--force", tag)


def test_the_image_builds_and_runs_stagedoor_as_its_own_user_with_data_in_a_volume(built_image: str) -> None:
    config = json.loads(docker("image", "inspect", built_image).stdout)[0]["Config"]
    assert config["User"] == "stagedoor"
    assert config["Cmd"] == ["stagedoor", "run"]
    assert "/data" in config["Volumes"]
    assert config["Healthcheck"]["Test"][0] == "CMD"
    usage = docker("run", "--rm", built_image, "stagedoor", "--help")
    assert usage.returncode == 0 and "stagedoor" in usage.stdout
    owner = docker("run", "--rm", built_image, "python", "-c", "import os; print(os.access('/data', os.W_OK))")
    assert owner.stdout.strip() == "True"
    demo = docker("run", "--rm", built_image, "stagedoor", "console", "--admin", "host", "--script", WEBINAR)
    assert demo.returncode == 0, demo.stderr


def test_docker_compose_reads_compose_yaml_with_the_database_url_wired() -> None:
    require_compose()
    rendered = docker("compose", "--file", str(ROOT / "compose.yaml"), "config", "--format", "json")
    assert rendered.returncode == 0, rendered.stderr
    services = json.loads(rendered.stdout)["services"]
    assert set(services) == {"stagedoor", "postgres"}
    assert "@postgres:5432/" in services["stagedoor"]["environment"]["STAGEDOOR_DATABASE_URL"]
    assert services["stagedoor"]["depends_on"]["postgres"]["condition"] == "service_healthy"
