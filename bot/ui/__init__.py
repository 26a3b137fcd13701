"""The citizen bot's UI layer: payloads (`callbacks`), keyboards and paging (`keyboards`), and how
values are written (`format`). Routers build every reply from these."""
