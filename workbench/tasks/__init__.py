"""Tasks as data: what the Understand and Generate panels, the menus and the CLI offer."""
