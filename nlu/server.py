"""The Rasa server as a supervised child process (make run, tests, `bot.py nlu eval`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.processes import Child, Supervisor, free_port
from nlu import manage

NLU_START_TIMEOUT = 240.0  # loading TensorFlow and the model on a 2-core machine


async def start_nlu_server(
    supervisor: Supervisor, *, models_dir: Path, rasa_bin: Path, log_path: Path, port: int = 0
) -> Child:
    """Train if nlu/ changed since the last model (cached by hash), then serve it on 127.0.0.1."""
    result = await asyncio.to_thread(manage.train_if_needed, models_dir=models_dir, rasa_bin=rasa_bin)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    argv = manage.serve_argv(rasa_bin=rasa_bin, model=result.model, host="127.0.0.1", port=port)

    async def ready() -> bool:
        await manage.wait_until_ready(url, timeout=1.0)
        return True

    return await supervisor.start(
        "nlu (Rasa)", argv, url=url, env=manage.rasa_env(), ready=ready, timeout=NLU_START_TIMEOUT, log_path=log_path
    )
