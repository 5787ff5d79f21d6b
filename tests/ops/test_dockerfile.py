"""The Dockerfile: a slim Python image that runs `stagedoor run` unprivileged, installed from the lock."""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.ops.files import ROOT, Instruction, compose, dockerfile_env, dockerfile_instructions

INSTRUCTIONS = dockerfile_instructions()


def only(keyword: str) -> Instruction:
    """Return the one instruction with this keyword (the last, as Docker uses it)."""
    found = [instruction for instruction in INSTRUCTIONS if instruction.keyword == keyword]
    assert found, f"the Dockerfile has no {keyword}"
    return found[-1]


def position(keyword: str, pattern: str) -> int:
    """Return the index of the first instruction with this keyword whose arguments match the pattern."""
    for index, instruction in enumerate(INSTRUCTIONS):
        if instruction.keyword == keyword and re.search(pattern, instruction.arguments):
            return index
    raise AssertionError(f"no {keyword} matching {pattern!r} in the Dockerfile")


def test_the_base_is_a_slim_python_of_the_version_the_lock_is_for() -> None:
    assert INSTRUCTIONS[0].keyword == "FROM"
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?", INSTRUCTIONS[0].arguments)
    assert "with Python 3.11" in (ROOT / "requirements.lock").read_text()


def test_stagedoor_runs_as_a_user_that_is_not_root() -> None:
    user = only("USER").arguments.split(":")[0]
    assert user not in {"root", "0"}
    assert position("USER", ".") < position("CMD", ".")
    # The same user that owns /data and /app.
    created = INSTRUCTIONS[position("RUN", r"useradd ")].arguments
    assert re.search(rf"--uid {user}\b", created) or re.search(rf"useradd .*\b{user}\b", created)
    assert re.search(r"chown stagedoor:stagedoor /app /data", created)


def test_the_command_is_stagedoor_run_stopped_by_sigterm() -> None:
    assert only("CMD").exec_form() == ["stagedoor", "run"]
    assert only("STOPSIGNAL").arguments == "SIGTERM"


def test_the_packages_come_from_the_lock_with_hashes_before_the_project_goes_in_without_dependencies() -> None:
    copied_lock = position("COPY", r"^requirements\.lock ")
    locked = position("RUN", r"pip install --require-hashes -r \S*requirements\.lock")
    project = position("RUN", r"pip install --no-deps --no-build-isolation ")
    assert copied_lock < locked < project
    runs = [instruction.arguments for instruction in INSTRUCTIONS if instruction.keyword == "RUN"]
    unlocked = [run for run in runs if re.search(r"pip install(?!.*(--require-hashes|--no-deps))", run)]
    assert unlocked == [], "every pip install is either the locked one or the project without dependencies"


def test_every_package_pyproject_ships_is_copied_into_the_build() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {pattern.rstrip("*") for pattern in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = {i.arguments.split()[0] for i in INSTRUCTIONS if i.keyword == "COPY"}
    copied |= {word for i in INSTRUCTIONS if i.keyword == "COPY" for word in i.arguments.split()[:-1]}
    assert packages | {"pyproject.toml", pyproject["project"]["readme"]} <= copied


def test_sqlite_data_goes_to_a_volume_and_the_health_port_is_set_and_exposed() -> None:
    env = dockerfile_env(INSTRUCTIONS)
    assert env["STAGEDOOR_DATA_DIR"] == "/data"
    assert only("VOLUME").arguments in {"/data", '["/data"]'}
    assert only("EXPOSE").arguments == env["STAGEDOOR_HEALTH_PORT"] == "8080"


def test_the_build_context_leaves_out_local_state_and_secrets_but_not_what_the_image_copies() -> None:
    patterns = [
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and line[0] != "#"
    ]
    ignored = [p for p in patterns if not p.startswith("!")]

    def is_ignored(path: str) -> bool:
        return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p.removeprefix("**/")) for p in ignored)

    assert all(is_ignored(path) for path in [".venv", ".git", ".env", "data"])
    sources = [word for i in INSTRUCTIONS if i.keyword == "COPY" for word in i.arguments.split()[:-1]]
    assert sources and not [source for source in sources if is_ignored(source)]


class HealthServer(ThreadingHTTPServer):
    status = 200  # what /healthz answers


class _Health(BaseHTTPRequestHandler):
    server: HealthServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        code = self.server.status if self.path == "/healthz" else 404
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"ok" if code == 200 else b"no")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def health_server() -> Iterator[HealthServer]:
    server = HealthServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def run_check(command: list[str], port: int, tmp_path: Path) -> int:
    """Run a healthcheck's CMD with this interpreter, against a health listener on the given port."""
    assert command[0] == "python"
    # The listener here is on a free port, not the container's 8080.
    script = command[-1].replace("8080", str(port))
    completed = subprocess.run(
        [sys.executable, *command[1:-1], script],
        env={"STAGEDOOR_HEALTH_PORT": str(port)},
        cwd=tmp_path,
        capture_output=True,
        timeout=30,
    )
    return completed.returncode


def healthchecks() -> dict[str, list[str]]:
    image = only("HEALTHCHECK").arguments
    exec_form = Instruction("CMD", image[image.index("CMD ") + 4 :]).exec_form()
    assert exec_form is not None, "the HEALTHCHECK uses the exec form"
    return {"Dockerfile": exec_form, "compose.yaml": compose()["services"]["stagedoor"]["healthcheck"]["test"][1:]}


@pytest.mark.parametrize("where", ["Dockerfile", "compose.yaml"])
def test_the_healthcheck_passes_when_healthz_answers_ok_and_fails_when_it_does_not(
    where: str, health_server: HealthServer, tmp_path: Path
) -> None:
    command = healthchecks()[where]
    port = health_server.server_address[1]
    assert run_check(command, port, tmp_path) == 0
    health_server.status = 503
    assert run_check(command, port, tmp_path) != 0


@pytest.mark.parametrize("where", ["Dockerfile", "compose.yaml"])
def test_the_healthcheck_fails_when_nothing_listens(where: str, tmp_path: Path) -> None:
    with HealthServer(("127.0.0.1", 0), _Health) as closed:
        port = closed.server_address[1]
    assert run_check(healthchecks()[where], port, tmp_path) != 0
