"""Fællesskabskort's command line and scheduler: the top layer, over crawlers and search_api."""

from core import __version__

__all__ = ["__version__"]
