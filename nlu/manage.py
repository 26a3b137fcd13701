"""Training and serving the Rasa NLU model (the functions behind `python bot.py nlu ...`).

The model file is named by a hash of everything that goes into it (`models/nlu-<hash>.tar.gz`),
so training happens only when the data, the configuration or the Rasa lock file changed. A file
lock keeps two processes (say `make run` and `make test`) from training at the same time; the
second one waits and then finds the model ready.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import structlog

log = structlog.get_logger(__name__)

MODEL_PREFIX = "nlu-"
MODEL_SUFFIX = ".tar.gz"
HASH_LENGTH = 16
KEEP_MODELS = 2
LOCK_FILE_NAME = "requirements-rasa.lock"


class TrainingFailed(RuntimeError):
    """`rasa train nlu` exited with an error; `output` holds the end of its log."""

    def __init__(self, returncode: int, output: str) -> None:
        super().__init__(f"rasa train nlu failed with exit code {returncode}:\n{output}")
        self.returncode = returncode
        self.output = output


@dataclass(frozen=True)
class TrainResult:
    model: Path
    trained: bool
    seconds: float


def project_dir() -> Path:
    """The Rasa project: the `nlu/` folder this module lives in."""
    return Path(__file__).resolve().parent


def repo_root() -> Path:
    return project_dir().parent


def default_rasa_bin() -> Path:
    return repo_root() / ".venv-rasa" / "bin" / "rasa"


def default_models_dir() -> Path:
    return repo_root() / "models"


def _hash_inputs(project: Path) -> list[Path]:
    files = [project / "config.yml", project / "domain.yml"]
    lock = project / LOCK_FILE_NAME
    if lock.is_file():
        files.append(lock)
    data = project / "data"
    if data.is_dir():
        files.extend(
            p
            for p in data.rglob("*")
            if p.is_file()
            and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(data).parts)
        )
    return sorted(files, key=lambda p: p.relative_to(project).as_posix())


def model_hash(project: Path) -> str:
    """First 16 hex digits of a sha256 over config.yml, domain.yml, the Rasa lock file and every
    file under data/ (relative paths, sorted, each with its length and contents)."""
    digest = hashlib.sha256()
    for path in _hash_inputs(project):
        content = path.read_bytes()  # a missing config.yml or domain.yml raises here, on purpose
        rel = path.relative_to(project).as_posix().encode()
        digest.update(len(rel).to_bytes(8, "big") + rel)
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()[:HASH_LENGTH]


def model_path(project: Path, models_dir: Path) -> Path:
    return models_dir / f"{MODEL_PREFIX}{model_hash(project)}{MODEL_SUFFIX}"


def rasa_env() -> dict[str, str]:
    """Environment for every Rasa child process: no telemetry, quiet TensorFlow, no internet."""
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "TF_ENABLE_ONEDNN_OPTS": "0",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "LOG_LEVEL_LIBRARIES": "ERROR",
            "PYTHONWARNINGS": "ignore",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def serve_argv(*, rasa_bin: Path, model: Path, host: str, port: int) -> list[str]:
    """`rasa run` with the HTTP API (`/model/parse`, `/status`) on host:port and one model.

    The model path is made absolute and must exist: given a path it cannot find, `rasa run`
    starts anyway and answers every parse with 409 "No agent loaded".
    """
    model = model.resolve()
    if not model.is_file():
        raise FileNotFoundError(f"no NLU model at {model}")
    return [
        str(rasa_bin),
        "run",
        "--enable-api",
        "--model",
        str(model),
        "--interface",
        host,
        "--port",
        str(port),
    ]


def train_argv(*, rasa_bin: Path, project: Path, out: Path, fixed_name: str) -> list[str]:
    return [
        str(rasa_bin),
        "train",
        "nlu",
        "--config",
        str(project / "config.yml"),
        "--domain",
        str(project / "domain.yml"),
        "--nlu",
        str(project / "data"),
        "--out",
        str(out),
        "--fixed-model-name",
        fixed_name,
    ]


@contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def prune_models(models_dir: Path, *, keep: int = KEEP_MODELS, current: Path | None = None) -> list[Path]:
    """Delete all but the `keep` newest `nlu-*.tar.gz` models (never `current`); returns the deleted."""
    models = sorted(
        models_dir.glob(f"{MODEL_PREFIX}*{MODEL_SUFFIX}"),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    kept: list[Path] = []
    if current is not None and current in models:
        kept.append(current)
    for model in models:
        if len(kept) >= keep:
            break
        if model not in kept:
            kept.append(model)
    deleted = [m for m in models if m not in kept]
    for model in deleted:
        model.unlink(missing_ok=True)
    return deleted


def train_if_needed(
    *,
    models_dir: Path,
    rasa_bin: Path,
    force: bool = False,
    project: Path | None = None,
    output: Callable[[str], None] | None = None,
) -> TrainResult:
    """Return the model for the current inputs, training it first if it does not exist (or `force`).

    Training goes to a temporary folder inside `models_dir` and the model is moved into place when
    complete, so a crash never leaves a half-written model under the final name. `output`
    receives Rasa's log lines as they come (default: discarded, but the tail is kept for errors).
    """
    project = project or project_dir()
    models_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(models_dir / ".nlu-train.lock"):
        target = model_path(project, models_dir)
        if target.is_file() and not force:
            os.utime(target)  # the model in use counts as the newest when pruning
            prune_models(models_dir, current=target)
            return TrainResult(model=target, trained=False, seconds=0.0)
        for stale in models_dir.glob(".training-*"):  # left by a training process that was killed
            shutil.rmtree(stale, ignore_errors=True)
        fixed_name = target.name.removesuffix(MODEL_SUFFIX)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=".training-", dir=models_dir) as tmp:
            argv = train_argv(rasa_bin=rasa_bin, project=project, out=Path(tmp), fixed_name=fixed_name)
            log.info("nlu_train_start", model=target.name)
            _run_training(argv, cwd=project, output=output)
            produced = Path(tmp) / target.name
            if not produced.is_file():
                raise TrainingFailed(0, f"rasa train nlu did not write {produced.name}")
            os.replace(produced, target)
        seconds = time.perf_counter() - started
        log.info("nlu_train_done", model=target.name, seconds=round(seconds, 1))
        prune_models(models_dir, current=target)
        return TrainResult(model=target, trained=True, seconds=seconds)


def _run_training(argv: list[str], *, cwd: Path, output: Callable[[str], None] | None) -> None:
    tail: list[str] = []
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=rasa_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            if output is not None:
                output(line)
            tail.append(line)
            del tail[:-40]
        returncode = proc.wait()
    if returncode != 0:
        raise TrainingFailed(returncode, "\n".join(tail))


async def wait_until_ready(
    base_url: str,
    timeout: float,
    *,
    alive: Callable[[], bool] | None = None,
    interval: float = 0.25,
) -> None:
    """Poll `POST /model/parse` until it answers 200 (a model is loaded).

    Raises `TimeoutError` after `timeout` seconds, and `RuntimeError` as soon as `alive()` (if
    given, e.g. `lambda: proc.returncode is None`) says the server process has exited.
    """
    url = base_url.rstrip("/") + "/model/parse"
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    async with aiohttp.ClientSession() as session:
        while True:
            if alive is not None and not alive():
                raise RuntimeError("the Rasa server exited before it was ready")
            # One probe never outlasts the deadline by much (a paused server accepts and stalls).
            remaining = deadline - time.monotonic()
            probe_timeout = aiohttp.ClientTimeout(total=max(0.2, min(5.0, remaining)))
            try:
                async with session.post(url, json={"text": "hello"}, timeout=probe_timeout) as resp:
                    await resp.read()
                    if resp.status == 200:
                        return
                    last_error = f"HTTP {resp.status}"
            except (TimeoutError, aiohttp.ClientError) as exc:
                last_error = repr(exc)
            if time.monotonic() >= deadline:
                raise TimeoutError(f"Rasa at {base_url} not ready after {timeout} s ({last_error})")
            await asyncio.sleep(interval)
