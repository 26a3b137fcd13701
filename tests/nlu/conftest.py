"""Fixtures for the NLU tests: a tiny throwaway Rasa project, trained for real with
`nlu.manage.train_if_needed`, and real `rasa run` servers on free ports."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nlu.manage import default_rasa_bin, rasa_env, serve_argv, train_if_needed, wait_until_ready

RASA_START_TIMEOUT = 90.0

TINY_CONFIG = """\
recipe: default.v1
language: en
assistant_id: tiny-test-project
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: RegexEntityExtractor
    use_regexes: true
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: LogisticRegressionClassifier
  - name: FallbackClassifier
    threshold: 0.3
policies: []
"""

TINY_DOMAIN = """\
version: "3.1"
intents:
  - greet
  - goodbye
  - violation_lookup
  - out_of_scope
entities:
  - plate_number
"""

TINY_DATA = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi
    - hey there
    - good morning
    - 你好
    - 您好
- intent: goodbye
  examples: |
    - bye
    - goodbye
    - see you later
    - 再见
    - 拜拜
- intent: violation_lookup
  examples: |
    - check violations for [京A12345](plate_number)
    - any tickets on [沪B88888](plate_number)
    - do I have any fines
    - show my traffic violations
    - 查一下违章
    - 查询[粤B12345](plate_number)的违章
    - 我的车[京N6D789](plate_number)有没有罚单
- intent: out_of_scope
  examples: |
    - what is the weather tomorrow
    - tell me a joke
    - order me a pizza
    - 今天天气怎么样
    - 讲个笑话
- regex: plate_number
  examples: |
    - [京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Za-z][·\\- ]?[A-Za-z0-9]{5,6}
"""


def write_tiny_project(root: Path) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "config.yml").write_text(TINY_CONFIG, encoding="utf-8")
    (root / "domain.yml").write_text(TINY_DOMAIN, encoding="utf-8")
    (root / "data" / "nlu.yml").write_text(textwrap.dedent(TINY_DATA), encoding="utf-8")
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def free_port() -> Callable[[], int]:
    """A function returning a port nothing listens on (bound to 0 and released)."""
    return _free_port


@dataclass
class RasaServer:
    """A real `rasa run --enable-api` child process that tests may stop, pause and restart."""

    model: Path
    cwd: Path
    log_path: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self) -> subprocess.Popen[bytes]:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        argv = serve_argv(rasa_bin=default_rasa_bin(), model=self.model, host="127.0.0.1", port=self.port)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                argv, cwd=self.cwd, env=rasa_env(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        return self.proc

    def _failed(self) -> RuntimeError:
        self.stop()
        return RuntimeError(f"Rasa did not start; log:\n{self.log_path.read_text(errors='replace')[-3000:]}")

    def start(self) -> None:
        """Start and wait until ready, without an event loop (for synchronous fixtures; the async
        `wait_until_ready` is used by `restart` and tested on its own)."""
        proc = self._spawn()
        deadline = time.monotonic() + RASA_START_TIMEOUT
        request = urllib.request.Request(
            f"{self.url}/model/parse", data=b'{"text": "hello"}', headers={"Content-Type": "application/json"}
        )
        while proc.poll() is None and time.monotonic() < deadline:
            # refused, reset, or HTTP 409 (no model loaded yet)
            with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=5) as resp:
                if resp.status == 200:
                    return
            time.sleep(0.25)
        raise self._failed()

    async def restart(self) -> None:
        """Start again on the same port and wait until ready (inside an async test)."""
        proc = self._spawn()
        try:
            await wait_until_ready(self.url, RASA_START_TIMEOUT, alive=lambda: proc.poll() is None)
        except (TimeoutError, RuntimeError) as exc:
            raise self._failed() from exc

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # in case a test paused it
            self.proc.kill()
        self.proc.wait(timeout=30)
        self.proc = None

    def pause(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGCONT)


@dataclass(frozen=True)
class TinyModel:
    project: Path
    models_dir: Path
    model: Path
    train_seconds: float


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> TinyModel:
    root = tmp_path_factory.mktemp("nlu-tiny")
    project = write_tiny_project(root / "project")
    models_dir = root / "models"
    result = train_if_needed(models_dir=models_dir, rasa_bin=default_rasa_bin(), project=project)
    assert result.trained and result.model.is_file()
    return TinyModel(project=project, models_dir=models_dir, model=result.model, train_seconds=result.seconds)


@pytest.fixture(scope="session")
def _rasa_session_server(tiny_model: TinyModel, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    server = RasaServer(
        model=tiny_model.model,
        cwd=tiny_model.project,
        log_path=tmp_path_factory.mktemp("rasa-log") / "rasa.log",
        port=_free_port(),
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def rasa_server(_rasa_session_server: RasaServer) -> RasaServer:
    """The session's Rasa server, running. Tests may stop, pause and restart it (on the same
    port); a test that leaves it stopped costs the next one a restart, nothing more."""
    server = _rasa_session_server
    if server.proc is None or server.proc.poll() is not None:
        server.start()
    return server
