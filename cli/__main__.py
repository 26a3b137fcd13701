"""`python -m cli ...` (the same as `python bot.py ...`)."""

import sys

from cli.main import main

sys.exit(main())
