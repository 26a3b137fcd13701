"""Push notifications (issue 5): the back-office events API, the outbox relay, the Redis Streams
workers that send at Telegram's limits, the rendering per type and language, daily reminders,
the outbox CLI and the benchmark."""
