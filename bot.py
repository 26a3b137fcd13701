#!/usr/bin/env python3
"""`python bot.py ...`: the documented entry point, a launcher for the `cli` package.

It imports nothing by name on purpose: a module `bot` beside the `bot/` package would otherwise
shadow it for mypy and import-linter. The command line itself is cli/main.py.
"""

import runpy

runpy.run_module("cli", run_name="__main__", alter_sys=True)
