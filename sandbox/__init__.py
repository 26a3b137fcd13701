"""A local Telegram Bot API look-alike with a chat page, a citizen API and a Python client."""

from sandbox.app import SANDBOX_STATE, create_sandbox_app
from sandbox.limits import SandboxLimits

__all__ = ["SANDBOX_STATE", "SandboxLimits", "create_sandbox_app"]
