"""Settings every crawl shares: polite, bounded, cached."""

from __future__ import annotations

import os

from core.settings import get_settings

BOT_NAME = "faellesskabskort"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

# Who we are and how to reach us, on every request.
USER_AGENT = get_settings().user_agent
ROBOTSTXT_OBEY = True

# Politeness: AutoThrottle adapts the delay to each site's latency; never more than two
# requests at once to one site.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
# A host's robots.txt Crawl-delay is honoured in full (crawlers.politeness); a number here
# would cap it (only for sites on this machine).
FKORT_CRAWL_DELAY_MAX = 0.0

# Bounded failure: timeouts, retries with growing pauses, and no giant pages.
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 2.0  # seconds; doubles per try (crawlers.middlewares.BackoffRetryMiddleware)
RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
DEPTH_LIMIT = 4

# Re-crawls revalidate (ETag/Last-Modified) instead of downloading again; every page is asked
# for, and an error is never answered from the cache (crawlers.httpcache).
HTTPCACHE_ENABLED = get_settings().http_cache
HTTPCACHE_POLICY = "crawlers.httpcache.RevalidatingPolicy"
HTTPCACHE_DIR = str((get_settings().data_dir / "httpcache").resolve())
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # Right after robots.txt is read (RobotsTxtMiddleware, 100): its Crawl-delay is kept.
    "crawlers.politeness.RobotsCrawlDelayMiddleware": 105,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    "crawlers.middlewares.CharsetMiddleware": 585,  # after decompression (590)
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "crawlers.httpcache.NoErrorRecoveryCacheMiddleware": 900,
}
SPIDER_MIDDLEWARES = {
    # Nearest the spider: which pages were read, which page linked which, where each
    # activity was found (the stale sweep's evidence).
    "crawlers.evidence.EvidenceMiddleware": 950,
}
# Rows per index write (1: each activity written as it comes, e.g. to test a crash mid-index).
FKORT_INDEX_BATCH = 200
ITEM_PIPELINES = {
    "crawlers.pipelines.NormalizePipeline": 300,
    "crawlers.pipelines.GeocodePipeline": 500,
    "crawlers.pipelines.IndexPipeline": 800,
}
EXTENSIONS = {
    "crawlers.extensions.Progress": 500,
}

# Scrapy's own downloader, with FKORT_HOST_MAP applied (crawlers.hostmap; empty: no map).
# Pages that need JavaScript (a source's `render = true`) go through Chromium with
# scrapy-playwright: crawlers.run gives only such sources' crawlers BROWSER_HANDLERS, so a
# crawl of the others starts no Playwright driver. The browser starts only when the first
# such page is asked for. Debian's chromium: FKORT_CHROMIUM names another.
DOWNLOAD_HANDLERS = {
    "http": "crawlers.hostmap.HostMapDownloadHandler",
    "https": "crawlers.hostmap.HostMapDownloadHandler",
}
BROWSER_HANDLERS = {
    "http": "crawlers.hostmap.HostMapBrowserDownloadHandler",
    "https": "crawlers.hostmap.HostMapBrowserDownloadHandler",
}
FKORT_HOST_MAP = get_settings().host_map
PLAYWRIGHT_BROWSER_TYPE = "chromium"
_CHROMIUM = os.environ.get("FKORT_CHROMIUM", "/usr/bin/chromium")
PLAYWRIGHT_LAUNCH_OPTIONS = {
    # Without that browser, Playwright's own (`playwright install chromium`) is used.
    **({"executable_path": _CHROMIUM} if os.path.exists(_CHROMIUM) else {}),
    "headless": True,
    # Root in a container has no sandbox; no calls home from the browser.
    "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run"],
}
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
LOG_FORMATTER = "crawlers.logformatter.FkortLogFormatter"
