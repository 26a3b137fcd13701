"""Benchmarks (`python bot.py bench ...`): the figures in the README, measured, never timed in tests."""
