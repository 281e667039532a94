"""Sites on this machine (demo and test fixtures): no pauses, same safety limits otherwise."""

from crawlers.settings.base import *  # noqa: F403

AUTOTHROTTLE_START_DELAY = 0.0
AUTOTHROTTLE_MAX_DELAY = 0.5
DOWNLOAD_DELAY = 0.0
CONCURRENT_REQUESTS_PER_DOMAIN = 8
RETRY_BACKOFF_BASE = 0.2
RETRY_BACKOFF_MAX = 1.0
DOWNLOAD_TIMEOUT = 10
