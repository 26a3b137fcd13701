"""`python bot.py nlu train|serve|eval`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from core.config import Settings
from core.processes import Supervisor
from nlu import manage
from nlu.client import NluClient
from nlu.evaluate import check_thresholds, evaluate
from nlu.server import start_nlu_server


def nlu_command(args: argparse.Namespace, *, settings: Settings, rasa_bin: Path, models_dir: Path) -> int:
    if args.nlu_command == "train":
        result = manage.train_if_needed(models_dir=models_dir, rasa_bin=rasa_bin, force=args.force, output=print)
        state = f"trained in {result.seconds:.1f} s" if result.trained else "up to date (inputs unchanged)"
        print(f"model {result.model} {state}")
        return 0
    if args.nlu_command == "serve":
        result = manage.train_if_needed(models_dir=models_dir, rasa_bin=rasa_bin, output=print)
        argv = manage.serve_argv(rasa_bin=rasa_bin, model=result.model, host="127.0.0.1", port=settings.nlu_port)
        print(f"serving {result.model} on http://127.0.0.1:{settings.nlu_port}", flush=True)
        os.execve(argv[0], argv, {**os.environ, **manage.rasa_env()})
    if args.nlu_command == "eval":
        return asyncio.run(_eval(args, settings=settings, rasa_bin=rasa_bin, models_dir=models_dir))
    raise AssertionError(args.nlu_command)


async def _eval(args: argparse.Namespace, *, settings: Settings, rasa_bin: Path, models_dir: Path) -> int:
    supervisor = Supervisor()
    try:
        url = args.url or settings.nlu_url
        if url is None:
            child = await start_nlu_server(
                supervisor,
                models_dir=models_dir,
                rasa_bin=rasa_bin,
                log_path=settings.data_dir.resolve() / "logs" / "rasa-eval.log",
            )
            url = child.url
        client = NluClient(url, timeout=10.0, retries=2)
        try:
            report = await evaluate(client, args.data)
        finally:
            await client.close()
    finally:
        await supervisor.stop_all()
    print(report.format_table())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report.to_json(), encoding="utf-8")
    print(f"\nwritten to {args.out}")
    failures = check_thresholds(report)
    for failure in failures:
        print(f"BELOW THRESHOLD: {failure}", file=sys.stderr)
    return 1 if failures else 0
