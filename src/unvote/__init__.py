"""unvote: forecast UN General Assembly votes, starting with the Cuba embargo resolution."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("unvote")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
