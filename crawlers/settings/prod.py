"""Production: the base settings; secrets and paths come from FKORT_* variables."""

from crawlers.settings.base import *  # noqa: F403
