"""model_hash / model_path / pruning / argv and environment of the Rasa child processes."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from bench.nlu import percentile, summarize
from nlu.manage import (
    _exclusive_lock,
    default_rasa_bin,
    model_hash,
    model_path,
    project_dir,
    prune_models,
    rasa_env,
    serve_argv,
    train_argv,
)


def make_project(root: Path) -> Path:
    (root / "data" / "en").mkdir(parents=True)
    (root / "data" / "zh").mkdir(parents=True)
    (root / "config.yml").write_text("recipe: default.v1\nlanguage: en\n")
    (root / "domain.yml").write_text('version: "3.1"\nintents: [greet]\n')
    (root / "requirements-rasa.lock").write_text("rasa==3.6.21\n")
    (root / "data" / "en" / "nlu.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - hi\n")
    (root / "data" / "zh" / "nlu.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - 你好\n")
    return root


def test_hash_is_stable_across_copies_and_mtimes(tmp_path: Path) -> None:
    a = make_project(tmp_path / "a")
    h = model_hash(a)
    assert len(h) == 16 and int(h, 16) >= 0
    os.utime(a / "data" / "en" / "nlu.yml", (1, 1))
    (a / "results").mkdir()
    (a / "results" / "report.json").write_text("{}")  # outside the inputs
    (a / "data" / ".nlu.yml.swp").write_text("editor junk")  # hidden files are ignored
    assert model_hash(a) == h
    b = shutil.copytree(a, tmp_path / "elsewhere" / "b")
    assert model_hash(b) == h


@pytest.mark.parametrize(
    "change",
    [
        lambda p: (p / "data" / "en" / "nlu.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - hey\n"),
        lambda p: (p / "data" / "zh" / "extra.yml").write_text("nlu: []\n"),
        lambda p: (p / "data" / "zh" / "nlu.yml").rename(p / "data" / "zh" / "renamed.yml"),
        lambda p: (p / "config.yml").write_text("recipe: default.v1\nlanguage: zh\n"),
        lambda p: (p / "domain.yml").write_text('version: "3.1"\nintents: [greet, bye]\n'),
        lambda p: (p / "requirements-rasa.lock").write_text("rasa==3.6.20\n"),
        # Moving content between files changes the hash even though the concatenation does not.
        lambda p: (
            (p / "data" / "en" / "nlu.yml").write_text("nlu:\n- intent: greet\n  examples: |\n"),
            (p / "data" / "zh" / "nlu.yml").write_text("    - hi\nnlu:\n- intent: greet\n  examples: |\n    - 你好\n"),
        ),
    ],
)
def test_hash_changes_when_an_input_changes(tmp_path: Path, change) -> None:  # type: ignore[no-untyped-def]
    project = make_project(tmp_path / "p")
    before = model_hash(project)
    change(project)
    assert model_hash(project) != before


def test_missing_config_is_an_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project / "config.yml").unlink()
    with pytest.raises(FileNotFoundError):
        model_hash(project)


def test_model_path_and_project_dir(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert model_path(project, tmp_path / "models") == tmp_path / "models" / f"nlu-{model_hash(project)}.tar.gz"
    assert project_dir().name == "nlu" and (project_dir() / "client.py").is_file()
    assert default_rasa_bin().parts[-3:] == (".venv-rasa", "bin", "rasa")


def test_prune_keeps_the_newest_two_and_the_current(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    paths = []
    for i in range(5):
        p = models / f"nlu-{i:016x}.tar.gz"
        p.write_bytes(b"x")
        os.utime(p, (1000 + i, 1000 + i))
        paths.append(p)
    other = models / "core-model.tar.gz"
    other.write_bytes(b"x")
    deleted = prune_models(models, current=paths[0])
    assert sorted(deleted) == sorted([paths[1], paths[2], paths[3]])
    assert {p.name for p in models.iterdir()} == {paths[0].name, paths[4].name, other.name}


def test_serve_and_train_argv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "nlu-1.tar.gz").write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    argv = serve_argv(rasa_bin=Path("/r/bin/rasa"), model=Path("nlu-1.tar.gz"), host="127.0.0.1", port=5123)
    assert argv[:2] == ["/r/bin/rasa", "run"]
    assert "--enable-api" in argv
    assert argv[argv.index("--model") + 1] == str(tmp_path / "nlu-1.tar.gz")  # absolute
    assert argv[argv.index("--interface") + 1] == "127.0.0.1"
    assert argv[argv.index("--port") + 1] == "5123"
    with pytest.raises(FileNotFoundError):
        serve_argv(rasa_bin=Path("/r/bin/rasa"), model=tmp_path / "missing.tar.gz", host="127.0.0.1", port=1)
    t = train_argv(rasa_bin=Path("/r/bin/rasa"), project=Path("/p"), out=Path("/o"), fixed_name="nlu-abc")
    assert t[:3] == ["/r/bin/rasa", "train", "nlu"]
    assert t[t.index("--fixed-model-name") + 1] == "nlu-abc"
    assert t[t.index("--out") + 1] == "/o"


def test_rasa_env_is_offline_and_quiet() -> None:
    env = rasa_env()
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert env["HF_HUB_OFFLINE"] == "1"
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert env["PATH"] == os.environ["PATH"]


def test_percentiles_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 90) == 90.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) == 0.0
    stats = summarize("s", 1, [0.001, 0.002, 0.003, 0.010], errors=1, seconds=0.5)
    assert stats.requests == 5 and stats.errors == 1
    assert stats.p50_ms == pytest.approx(2.0) and stats.max_ms == pytest.approx(10.0)
    assert stats.throughput == pytest.approx(8.0)
    assert not stats.meets_targets()  # an error fails the run


def test_training_lock_is_exclusive(tmp_path: Path) -> None:
    lock = tmp_path / "models" / ".nlu-train.lock"
    held = threading.Event()
    order: list[str] = []

    def holder() -> None:
        with _exclusive_lock(lock):
            held.set()
            time.sleep(0.3)
            order.append("holder released")

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(5)
    with _exclusive_lock(lock):
        order.append("second acquired")
    thread.join()
    assert order == ["holder released", "second acquired"]
