"""What every controller is: one area's commands, reaching the others through the context
(``context.Context``, which builds the controllers: so this module does not import it)."""
from __future__ import annotations


class Controller:
    """One area's commands; ``self.ctx`` reaches the others, ``self.window`` the widgets."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.window = ctx.window
