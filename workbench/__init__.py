"""Audio Workbench: audio understanding and generation on one timeline."""

__version__ = "0.1.0"
