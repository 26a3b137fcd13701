"""The production shape: docker-compose.yml, the two Dockerfiles, .dockerignore and deploy/.

No Docker engine runs here, so the compose file is validated against the Compose specification's
JSON schema (vendored in deploy/compose-spec.json, see deploy/README.md), interpolated the way
Compose does it with a sample `.env`, and the resulting bot environment is loaded through the app's
own `Settings`. When Debian's `docker-compose` binary is installed, `docker-compose config` runs too.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

from core.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = ROOT / "deploy" / "compose-spec.json"
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"
APP_DOCKERFILE = ROOT / "Dockerfile"
NLU_DOCKERFILE = ROOT / "nlu" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

SERVICES = frozenset({"mongo", "redis", "rasa", "bot", "worker"})
APP_SERVICES = ("bot", "worker")
BACKING_SERVICES = ("mongo", "redis", "rasa")

# Settings the compose file deliberately does not pass (documented in docker-compose.yml):
# the sandbox runs only without TELEGRAM_TOKEN (required here); NLU_PORT is the embedded server's port.
NOT_PASSED = re.compile(r"^(SANDBOX_.*|NLU_PORT)$")

# Values for the required (blank) entries of deploy/.env.example: shaped like real ones.
SAMPLE_SECRETS: dict[str, str] = {
    "TELEGRAM_TOKEN": "123456789:AAE-sample-token-for-compose-validation",
    "WEBHOOK_SECRET": "sample_webhook_secret-1",
    "MONGO_ROOT_PASSWORD": "sample-root-password",
    "MONGO_APP_PASSWORD": "sample-app-password",
    "REDIS_PASSWORD": "sample-redis-password",
    "SMS_GATEWAY_TOKEN": "sample-sms-token",
    "EVENTS_API_KEYS": "dmv:sample-dmv-key,ems:sample-ems-key",
    "STAFF_SESSION_SECRET": "sample-staff-session-secret-0123456789abcdef",
    "METRICS_TOKEN": "sample-metrics-token-0123456789abcdef",
    "PUBLIC_URL": "https://bot.example.org",
    "WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
    "SMS_GATEWAY_URL": "https://sms.example.org/api/send",
    "PAYMENT_PROVIDER_TOKEN": "284685063:TEST:sample-provider-token",
    "PAYMENT_GATEWAY_SECRET": "sample-gateway-merchant-key-0123456789",
    "PAYMENT_GATEWAY_URL": "https://pay.example.gov.cn/api",
}

SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|_KEYS?)$")


# --- Compose-style variable interpolation -----------------------------------------------------


class MissingVariable(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


_VAR = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate_str(text: str, env: dict[str, str]) -> str:
    """`$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`."""

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("braced") or match.group("named")
        op, arg = match.group("op"), match.group("arg") or ""
        value = env.get(name)
        if op in (":-", ":?"):
            missing = not value
        else:
            missing = value is None
        if op in (":-", "-") and missing:
            return arg
        if op in (":?", "?") and missing:
            raise MissingVariable(name, arg)
        return value or ""

    return _VAR.sub(replace, text)


def interpolate(node: Any, env: dict[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate_str(node, env)
    if isinstance(node, dict):
        return {key: interpolate(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate(item, env) for item in node]
    return node


def strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in strings(key) + strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in strings(item)]
    return []


def referenced_variables(doc: Any) -> dict[str, str | None]:
    """Variables a compose document interpolates, with the operator used (None for a plain reference)."""
    found: dict[str, str | None] = {}
    for text in strings(doc):
        for match in _VAR.finditer(text):
            name = match.group("braced") or match.group("named")
            if name and found.get(name) is None:
                found[name] = match.group("op")
    return found


# --- Loading -------------------------------------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not KEY=VALUE: {line!r}"
        values[key.strip()] = value.strip()
    return values


def commented_env_keys(path: Path) -> set[str]:
    """Optional entries documented as `# KEY=default`."""
    pattern = re.compile(r"^#\s*([A-Z][A-Z0-9_]*)=")
    return {m.group(1) for line in path.read_text(encoding="utf-8").splitlines() if (m := pattern.match(line))}


@pytest.fixture(scope="module")
def compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def raw(compose_text: str) -> dict[str, Any]:
    doc = yaml.safe_load(compose_text)
    assert isinstance(doc, dict)
    return doc


@pytest.fixture(scope="module")
def sample_env() -> dict[str, str]:
    example = read_env_file(ENV_EXAMPLE)
    env = dict(example)
    for key, value in example.items():
        if not value:
            assert key in SAMPLE_SECRETS, f"{key} is required by .env.example but has no sample value here"
            env[key] = SAMPLE_SECRETS[key]
    return env


@pytest.fixture(scope="module")
def resolved(raw: dict[str, Any], sample_env: dict[str, str]) -> dict[str, Any]:
    return interpolate(raw, sample_env)


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def settings_env_names() -> set[str]:
    prefix = str(Settings.model_config.get("env_prefix", "")).upper()
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias.upper() if isinstance(alias, str) else prefix + name.upper())
    return names


# --- Schema --------------------------------------------------------------------------------------


def schema_validator() -> jsonschema.Draft4Validator:
    """Draft 4, as docker-compose itself validates with this schema (compose/config/validation.py)."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def test_compose_file_matches_the_compose_specification(resolved: dict[str, Any]) -> None:
    errors = sorted(schema_validator().iter_errors(resolved), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_the_schema_rejects_what_compose_rejects(resolved: dict[str, Any]) -> None:
    validator = schema_validator()
    broken = json.loads(json.dumps(resolved))
    broken["services"]["redis"]["healthcheck"]["intervall"] = "10s"
    assert not validator.is_valid(broken)
    broken = json.loads(json.dumps(resolved))
    broken["services"]["bot"]["depends_on"]["mongo"]["condition"] = "service_ready"
    assert not validator.is_valid(broken)


# --- Services ------------------------------------------------------------------------------------


def test_the_five_services(resolved: dict[str, Any]) -> None:
    assert set(resolved["services"]) == SERVICES


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck_and_a_restart_policy(resolved: dict[str, Any], name: str) -> None:
    service = resolved["services"][name]
    check = service.get("healthcheck")
    assert check, f"{name} has no healthcheck"
    assert not check.get("disable", False)
    assert check["test"][0] in ("CMD", "CMD-SHELL") and len(check["test"]) > 1
    for key in ("interval", "timeout", "retries", "start_period"):
        assert key in check, f"{name} healthcheck lacks {key}"
    assert service.get("restart") in ("always", "unless-stopped", "on-failure")
    assert service.get("logging", {}).get("options", {}).get("max-size"), f"{name} logs are not rotated"
    assert service.get("deploy", {}).get("resources", {}).get("limits", {}).get("memory"), f"{name} has no memory limit"


def test_healthchecks_probe_the_real_thing(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    as_text = {name: " ".join(map(str, s["healthcheck"]["test"][1:])) for name, s in services.items()}
    assert "mongosh" in as_text["mongo"] and "ping" in as_text["mongo"]
    assert "redis-cli" in as_text["redis"] and "ping" in as_text["redis"]
    assert "http://127.0.0.1:5005/status" in as_text["rasa"]
    port = environment(services["bot"])["HTTP_PORT"]
    for name in APP_SERVICES:
        assert f"http://127.0.0.1:{port}/healthz" in as_text[name]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_backing_services(resolved: dict[str, Any], name: str) -> None:
    depends = resolved["services"][name]["depends_on"]
    assert isinstance(depends, dict), "depends_on must use the long form with conditions"
    for backing in BACKING_SERVICES:
        assert depends.get(backing, {}).get("condition") == "service_healthy", f"{name} -> {backing}"


def test_bot_and_worker_run_the_same_image_with_their_commands(resolved: dict[str, Any]) -> None:
    bot, worker = resolved["services"]["bot"], resolved["services"]["worker"]
    assert bot["image"] == worker["image"]
    assert bot["build"] == worker["build"] == {"context": ".", "dockerfile": "Dockerfile"}
    assert bot["command"] == ["python", "bot.py", "run"]
    assert worker["command"] == ["python", "bot.py", "worker"]


def test_worker_can_be_scaled(resolved: dict[str, Any]) -> None:
    worker = resolved["services"]["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker
    assert "replicas" not in worker.get("deploy", {}), "leave the count to --scale"


def test_bot_publishes_its_http_port(resolved: dict[str, Any]) -> None:
    bot = resolved["services"]["bot"]
    port = environment(bot)["HTTP_PORT"]
    targets = [str(p).rsplit(":", 1)[-1].split("/")[0] for p in bot["ports"]]
    assert targets == [port]
    assert environment(bot)["HTTP_HOST"] == "0.0.0.0"


def test_redis_appends_to_its_aof_on_a_volume(resolved: dict[str, Any]) -> None:
    redis = resolved["services"]["redis"]
    command = " ".join(redis["command"]) if isinstance(redis["command"], list) else redis["command"]
    assert isinstance(redis["command"], list) and redis["command"][0] == "redis-server", (
        "the image's entrypoint drops root only for a command starting with redis-server"
    )
    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command
    assert "--requirepass" in command
    assert "redis-data:/data" in redis["volumes"]
    assert re.fullmatch(r"redis:7\.\d+\.\d+", redis["image"])


def test_mongo_keeps_its_data_and_creates_the_app_user(resolved: dict[str, Any]) -> None:
    mongo = resolved["services"]["mongo"]
    assert re.fullmatch(r"mongo:7\.\d+\.\d+", mongo["image"])
    assert "mongo-data:/data/db" in mongo["volumes"]
    init = [v for v in mongo["volumes"] if v.split(":")[1] == "/docker-entrypoint-initdb.d"]
    assert len(init) == 1
    scripts = sorted((ROOT / init[0].split(":")[0]).glob("*.js"))
    assert scripts, "no mongo init script"
    text = scripts[0].read_text(encoding="utf-8")
    assert "createUser" in text and "process.env.MONGO_APP_PASSWORD" in text
    env = environment(mongo)
    for key in ("MONGO_APP_USER", "MONGO_APP_PASSWORD", "MONGO_INITDB_DATABASE"):
        assert key in env


def test_named_volumes_are_declared(resolved: dict[str, Any]) -> None:
    declared = set(resolved.get("volumes", {}))
    for name, service in resolved["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name} mounts undeclared volume {source}"


def test_backing_services_are_not_reachable_from_outside(resolved: dict[str, Any]) -> None:
    networks = resolved["networks"]
    for name in BACKING_SERVICES:
        service = resolved["services"][name]
        assert "ports" not in service, f"{name} publishes a port"
        for network in service["networks"]:
            assert networks[network].get("internal") is True, f"{name} is on a non-internal network"


# --- Configuration and secrets -------------------------------------------------------------------


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_setting_the_app_reads_is_passed(raw: dict[str, Any], name: str) -> None:
    passed = set(environment(raw["services"][name]))
    expected = {env for env in settings_env_names() if not NOT_PASSED.match(env)}
    assert expected - passed == set(), f"{name} does not receive {sorted(expected - passed)}"
    assert passed - settings_env_names() == set(), f"{name} receives unknown {sorted(passed - settings_env_names())}"


def test_bot_and_worker_get_the_same_environment(raw: dict[str, Any]) -> None:
    assert environment(raw["services"]["bot"]) == environment(raw["services"]["worker"])


def test_the_resolved_environment_is_a_valid_production_configuration(
    resolved: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no developer `.env` is read
    for key in list(os.environ):
        if key.upper() in settings_env_names():
            monkeypatch.delenv(key)
    for key, value in environment(resolved["services"]["bot"]).items():
        monkeypatch.setenv(key, value)
    try:
        settings = load_settings()
    except ConfigError as exc:
        pytest.fail(f"the compose environment does not load: {exc}")
    assert settings.webhook_mode and not settings.sandbox_mode
    assert settings.mongo_url is not None and settings.redis_url is not None, "embedded servers would start"
    assert settings.nlu_url == "http://rasa:5005"
    assert settings.log_format.value == "json"
    assert settings.demo_data is False
    assert settings.http_host == "0.0.0.0"
    mongo_url = urlsplit(settings.mongo_url.get_secret_value())
    assert mongo_url.hostname == "mongo" and mongo_url.password == SAMPLE_SECRETS["MONGO_APP_PASSWORD"]
    redis_url = urlsplit(settings.redis_url.get_secret_value())
    assert redis_url.hostname == "redis" and redis_url.password == SAMPLE_SECRETS["REDIS_PASSWORD"]


def _inline_values(raw: dict[str, Any]) -> list[tuple[str, str, str]]:
    found = []
    for name, service in raw["services"].items():
        for key, value in environment(service).items():
            found.append((name, key, value))
    return found


def test_no_secret_value_is_written_inline(raw: dict[str, Any], compose_text: str) -> None:
    required = re.compile(r"\$\{[A-Z_][A-Z0-9_]*:\?[^}]+\}")
    for service, key, value in _inline_values(raw):
        if SECRET_NAME.search(key):
            assert required.fullmatch(value), f"{service}.{key} must be ${{{key}:?...}}, not a value"
        # Replace each ${...} by a placeholder so the URL can be split, then check the password part.
        references: list[str] = re.findall(r"\$\{[^}]*\}", value)
        masked = value
        for n, reference in enumerate(references):
            masked = masked.replace(reference, f"\x00{n}\x00", 1)
        authority = masked.split("://", 1)[1].split("/", 1)[0] if "://" in masked else ""
        if "@" in authority:
            userinfo = authority.rsplit("@", 1)[0]
            password = userinfo.partition(":")[2]
            for n, reference in enumerate(references):
                password = password.replace(f"\x00{n}\x00", reference)
            assert required.fullmatch(password), f"{service}.{key} embeds a password"
    for service, definition in raw["services"].items():
        command = definition.get("command", [])
        for flag, value in itertools.pairwise(command):
            if flag in ("--requirepass", "--masterauth", "--password", "-p"):
                assert required.fullmatch(value), f"{service}: {flag} takes a value written inline"
    assert "env_file" not in json.dumps(raw), "env_file would pass every .env entry into containers"
    assert not re.search(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}", compose_text), "a bot token is written in the file"


def test_each_required_value_fails_loudly_when_missing(raw: dict[str, Any], sample_env: dict[str, str]) -> None:
    required = {name for name, op in referenced_variables(raw).items() if op in (":?", "?")}
    assert required == set(SAMPLE_SECRETS)
    for name in sorted(required):
        env = dict(sample_env)
        env[name] = ""
        with pytest.raises(MissingVariable) as caught:
            interpolate(raw, env)
        assert caught.value.name == name


def test_env_example_documents_every_variable(raw: dict[str, Any]) -> None:
    example = read_env_file(ENV_EXAMPLE)
    documented = set(example) | commented_env_keys(ENV_EXAMPLE)
    referenced = referenced_variables(raw)
    assert set(referenced) - documented == set(), f"undocumented: {sorted(set(referenced) - documented)}"
    for name, op in referenced.items():
        if op in (":?", "?"):
            assert example.get(name) == "", f"{name} is required: .env.example must list it blank"
        else:
            assert name not in example or example[name], f"{name} has a default: leave it commented"
    for name, value in example.items():
        assert not value, f".env.example must not carry a value for {name}"


DOCKER_COMPOSE = shutil.which("docker-compose")


@pytest.mark.skipif(
    DOCKER_COMPOSE is None, reason="docker-compose binary not installed (apt-get install docker-compose)"
)
def test_docker_compose_config_accepts_the_file(sample_env: dict[str, str], tmp_path: Path) -> None:
    assert DOCKER_COMPOSE is not None
    env_file = tmp_path / "sample.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in sample_env.items()), encoding="utf-8")
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    ok = subprocess.run(
        [DOCKER_COMPOSE, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config"],
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    config = yaml.safe_load(ok.stdout)
    assert set(config["services"]) == SERVICES
    assert config["services"]["bot"]["environment"]["TELEGRAM_TOKEN"] == SAMPLE_SECRETS["TELEGRAM_TOKEN"]
    blank = subprocess.run(
        [DOCKER_COMPOSE, "--env-file", str(ENV_EXAMPLE), "-f", str(COMPOSE_FILE), "config"],
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert blank.returncode != 0, "an unfilled .env.example must be refused"
    assert "Missing mandatory value" in blank.stderr or "required variable" in blank.stderr, blank.stderr


# --- Dockerfiles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str
    stage: int


def parse_dockerfile(path: Path) -> list[Instruction]:
    text = path.read_text(encoding="utf-8")
    logical: list[str] = []
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and not current:
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        if current.strip():
            logical.append(current.strip())
        current = ""
    instructions: list[Instruction] = []
    stage = -1
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(keyword, " ".join(args.split()), stage))
    return instructions


def global_args(instructions: list[Instruction]) -> dict[str, str]:
    return {
        key: value
        for i in instructions
        if i.keyword == "ARG" and i.stage == -1
        for key, _, value in [i.args.partition("=")]
    }


def env_keys(instruction: Instruction) -> list[str]:
    return [item.split("=", 1)[0] for item in instruction.args.split() if "=" in item]


def base_images(instructions: list[Instruction]) -> list[str]:
    args = global_args(instructions)
    stages: set[str] = set()
    images = []
    for i in instructions:
        if i.keyword != "FROM":
            continue
        parts = i.args.split()
        image = interpolate_str(parts[0], args)
        if image not in stages:
            images.append(image)
        if len(parts) == 3 and parts[1].upper() == "AS":
            stages.add(parts[2])
    return images


@pytest.mark.parametrize("path", [APP_DOCKERFILE, NLU_DOCKERFILE], ids=["app", "nlu"])
def test_dockerfile_basics(path: Path) -> None:
    instructions = parse_dockerfile(path)
    for image in base_images(instructions):
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-bookworm)?(@sha256:[0-9a-f]{64})?", image), image
    last_stage = max(i.stage for i in instructions)
    users = [i.args for i in instructions if i.keyword == "USER" and i.stage == last_stage]
    assert users, f"{path.name}: the final stage runs as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"{path.name}: USER {users[-1]}"
    assert [i for i in instructions if i.keyword == "CMD" and i.stage == last_stage]
    for i in instructions:
        if i.keyword in ("ENV", "ARG"):
            for key in env_keys(i) or [i.args.split("=")[0]]:
                assert not SECRET_NAME.search(key) and key not in ("MONGO_URL", "REDIS_URL"), (
                    f"{path.name}: {i.keyword} {key} bakes a secret into the image"
                )
    for i in instructions:
        if i.keyword == "RUN" and "pip install" in i.args:
            assert " -r " in i.args and ".lock" in i.args, f"{path.name}: unpinned install: {i.args}"
        if i.keyword in ("COPY", "ADD") and "--from=" not in i.args:
            for source in i.args.split()[:-1]:
                if not source.startswith("--"):
                    assert (ROOT / source).exists(), f"{path.name}: COPY source {source} does not exist"


def _index(instructions: list[Instruction], keyword: str, needle: str) -> int:
    for n, i in enumerate(instructions):
        if i.keyword == keyword and needle in i.args:
            return n
    raise AssertionError(f"no {keyword} containing {needle!r}")


def test_app_image_installs_the_lock_file_before_copying_the_source() -> None:
    instructions = parse_dockerfile(APP_DOCKERFILE)
    copy_lock = _index(instructions, "COPY", "requirements.lock")
    install = _index(instructions, "RUN", "pip install")
    copy_source = _index(instructions, "COPY", ". /app")
    assert copy_lock < install < copy_source
    assert "--no-deps" in instructions[install].args and "pip check" in instructions[install].args
    cmd = [i.args for i in instructions if i.keyword == "CMD"][-1]
    assert json.loads(cmd) == ["python", "bot.py", "run"]


def test_nlu_image_trains_at_build_time_without_telemetry() -> None:
    instructions = parse_dockerfile(NLU_DOCKERFILE)
    last_stage = max(i.stage for i in instructions)
    for stage in {i.stage for i in instructions if i.stage >= 0}:
        env = {
            kv.split("=", 1)[0]: kv.split("=", 1)[1]
            for i in instructions
            if i.keyword == "ENV" and i.stage == stage
            for kv in i.args.split()
            if "=" in kv
        }
        assert env.get("RASA_TELEMETRY_ENABLED") == "false", f"stage {stage} lacks RASA_TELEMETRY_ENABLED=false"
    copy_lock = _index(instructions, "COPY", "nlu/requirements-rasa.lock")
    install = _index(instructions, "RUN", "pip install")
    assert "--no-deps --ignore-requires-python -r" in instructions[install].args
    train = _index(instructions, "RUN", "rasa train nlu")
    copy_project = _index(instructions, "COPY", "nlu/data")
    assert copy_lock < install < copy_project < train
    train_args = instructions[train].args.split()
    model = (
        f"{train_args[train_args.index('--out') + 1]}/{train_args[train_args.index('--fixed-model-name') + 1]}.tar.gz"
    )
    cmd = json.loads([i.args for i in instructions if i.keyword == "CMD" and i.stage == last_stage][-1])
    assert cmd[:2] == ["rasa", "run"] and "--enable-api" in cmd
    assert cmd[cmd.index("--port") + 1] == "5005"
    assert cmd[cmd.index("--model") + 1] == model


def test_compose_builds_from_the_dockerfiles(resolved: dict[str, Any]) -> None:
    builds = {name: s["build"] for name, s in resolved["services"].items() if "build" in s}
    assert builds["rasa"] == {"context": ".", "dockerfile": "nlu/Dockerfile"}
    for build in builds.values():
        assert (ROOT / build["context"] / build["dockerfile"]).is_file()


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    patterns = {
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for needed in (".env", ".git", ".venv", ".venv-rasa", "data", "models", "nlu/models", "nlu/results"):
        assert needed in patterns, f".dockerignore lacks {needed}"
