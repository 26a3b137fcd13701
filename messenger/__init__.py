"""Telegram-facing pieces that several channels share: the Bot object and its session middlewares, the citizen link used by the handoff relay."""
