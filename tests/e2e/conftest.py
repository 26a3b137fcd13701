"""The end-to-end tests' default app and sandbox client: the session's app with demo data and no
NLU (one app per test process). A module that needs another app defines its own ``sb``."""

from __future__ import annotations

import pytest

from sandbox.client import SandboxClient
from tests.conftest import RunningApp


@pytest.fixture
def app(bare_app: RunningApp) -> RunningApp:
    return bare_app


@pytest.fixture
def sb(bare_sandbox: SandboxClient) -> SandboxClient:
    return bare_sandbox
