"""broadcaster: the software that runs a Vietnamese commune's loudspeaker station."""

__version__ = "0.1.0"
