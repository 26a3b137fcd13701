"""The composition root: `create_app(settings)` wires storage, actions and every channel into one aiohttp app."""
