"""guidegen: setup guides declared as YAML steps, rendered into a plan-aware help site."""

__version__ = "0.1.0"
