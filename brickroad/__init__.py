"""brickroad: a self-hostable commitment service that speaks the Beeminder API v1."""

__version__ = "0.1.0"
