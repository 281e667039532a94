"""Development: the base settings, with logs that say more."""

from crawlers.settings.base import *  # noqa: F403

LOG_LEVEL = "DEBUG"
