"""The command line: `python bot.py run|seed|nlu|worker|outbox|staff|bench`."""
