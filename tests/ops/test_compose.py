"""compose.yaml: stagedoor beside PostgreSQL, wired, health-checked and kept running."""

from __future__ import annotations

import json
import re

import jsonschema  # type: ignore[import-untyped]
import pytest
from sqlalchemy import make_url

from tests.ops.files import ROOT, compose, dockerfile_env, dockerfile_instructions, environment_of, interpolate

# The Compose Specification's JSON schema, as Docker Compose validates with it (see tests/ops/schema/README.md).
SCHEMA = json.loads((ROOT / "tests" / "ops" / "schema" / "compose-spec.json").read_text())
APP_SHUTDOWN_BOUND_SECONDS = 10


def seconds(duration: str) -> float:
    """Return a Compose duration ("30s", "1m30s", "500ms") in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", duration)
    assert parts and "".join(a + b for a, b in parts) == duration, f"not a duration: {duration!r}"
    return sum(float(amount) * units[unit] for amount, unit in parts)


def test_compose_yaml_is_valid_under_the_compose_specification() -> None:
    errors = [error.message for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(compose())]
    assert errors == []


def test_the_schema_check_catches_a_misspelt_key() -> None:
    broken = compose()
    broken["services"]["stagedoor"]["healthchek"] = broken["services"]["stagedoor"].pop("healthcheck")
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(broken))


def test_there_are_two_services_stagedoor_built_here_and_the_official_postgres_image() -> None:
    services = compose()["services"]
    assert set(services) == {"stagedoor", "postgres"}
    assert services["stagedoor"]["build"] == "."
    assert re.fullmatch(r"postgres:\d+(\.\d+)?", services["postgres"]["image"])


@pytest.mark.parametrize("password", [None, "s3cretpassword"])
def test_the_database_url_names_the_postgres_service_and_its_user_password_and_database(password: str | None) -> None:
    outside = {} if password is None else {"POSTGRES_PASSWORD": password}
    services = compose()["services"]
    postgres = environment_of(services["postgres"], outside)
    url = make_url(environment_of(services["stagedoor"], outside)["STAGEDOOR_DATABASE_URL"])
    assert url.drivername == "postgresql+asyncpg"
    assert (url.host, url.port) == ("postgres", 5432)
    assert url.username == postgres["POSTGRES_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"]
    if password is not None:
        assert url.password == password
    assert url.database == postgres["POSTGRES_DB"]


def test_the_interpolation_used_above_follows_compose() -> None:
    assert interpolate("${A:-x}/${A}/$${A}", {}) == "x//${A}"
    assert interpolate("${A:-x}/${A}", {"A": "y"}) == "y/y"


def test_stagedoor_starts_only_once_postgres_is_healthy() -> None:
    depends = compose()["services"]["stagedoor"]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"


def test_postgres_is_checked_with_pg_isready_as_its_own_user_and_database() -> None:
    postgres = compose()["services"]["postgres"]
    test = postgres["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "pg_isready"
    arguments = dict(zip(test[2::2], test[3::2], strict=True))
    env = environment_of(postgres, {})
    assert arguments["--username"] == env["POSTGRES_USER"]
    assert arguments["--dbname"] == env["POSTGRES_DB"]
    # TCP, not the socket: during first-run initialisation the server listens on its socket only.
    assert arguments["--host"] == "127.0.0.1"


def test_stagedoor_is_checked_on_healthz_at_the_health_port_it_is_given() -> None:
    stagedoor = compose()["services"]["stagedoor"]
    command = " ".join(stagedoor["healthcheck"]["test"])
    port = environment_of(stagedoor, {})["STAGEDOOR_HEALTH_PORT"]
    assert stagedoor["healthcheck"]["test"][0] == "CMD"
    assert f"http://127.0.0.1:{port}/healthz" in command


def test_the_container_settings_that_must_not_come_from_dotenv_are_fixed_in_environment() -> None:
    # environment wins over env_file, so a .env written for running outside Docker cannot move these.
    stagedoor = compose()["services"]["stagedoor"]
    env = environment_of(stagedoor, {})
    image_env = dockerfile_env(dockerfile_instructions())
    assert env["STAGEDOOR_DATA_DIR"] == image_env["STAGEDOOR_DATA_DIR"] == "/data"
    assert env["STAGEDOOR_HEALTH_PORT"] == image_env["STAGEDOOR_HEALTH_PORT"]
    assert "STAGEDOOR_DATABASE_URL" in env


def test_dotenv_is_read_when_present_and_optional() -> None:
    assert compose()["services"]["stagedoor"]["env_file"] == [{"path": ".env", "required": False}]


def test_postgres_data_and_stagedoor_data_live_in_named_volumes() -> None:
    document = compose()
    declared = set(document["volumes"])
    mounts: dict[str, dict[str, str]] = {name: {} for name in document["services"]}
    for name, service in document["services"].items():
        for entry in service["volumes"]:
            source, target = entry.split(":")[:2]
            mounts[name][target] = source
    assert mounts["postgres"]["/var/lib/postgresql/data"] in declared
    assert mounts["stagedoor"]["/data"] in declared


@pytest.mark.parametrize("service", ["stagedoor", "postgres"])
def test_each_service_restarts_unless_stopped_and_gets_longer_to_stop_than_stagedoor_needs(service: str) -> None:
    definition = compose()["services"][service]
    assert definition["restart"] == "unless-stopped"
    assert seconds(definition["stop_grace_period"]) > APP_SHUTDOWN_BOUND_SECONDS


def test_durations_are_read_as_compose_writes_them() -> None:
    assert (seconds("30s"), seconds("1m30s"), seconds("500ms")) == (30, 90, 0.5)


def test_stagedoor_is_stopped_with_sigterm() -> None:
    stagedoor = compose()["services"]["stagedoor"]
    assert stagedoor.get("stop_signal", "SIGTERM") == "SIGTERM"
