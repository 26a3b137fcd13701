"""What the assistant does, independent of the channel: functions that take `Services` and
plain values and return typed results. `bot/` turns Telegram updates into these calls and
renders what they return; the staff console and the push worker call them too."""
