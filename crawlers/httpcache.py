"""An honest HTTP cache: every page is asked for again, and an error is never hidden.

Scrapy's RFC 2616 policy serves a cached page without asking the site while it thinks the
page fresh, and with no `Cache-Control` that is a tenth of the page's age by its
`Last-Modified` (36 days for a page a year old): changes, removals and a site that is down
go unseen. It also answers a 5xx with the cached page, and Scrapy's cache middleware
answers a refused connection or a timeout with it (`httpcache/errorrecovery`), so that
retries never run and the error is never reported.

Here every cached page is revalidated: the request carries the validators kept
(`If-None-Match`, `If-Modified-Since`), a `304 Not Modified` costs the site nothing and us no
parsing surprises, and unchanged pages still write nothing to the index. A page with no
validator is fetched in full. Errors go on to the retry middleware and the spider as errors;
the last good record stays in the index, not in the cache (see records.sweep).
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response


class RevalidatingPolicy(RFC2616Policy):
    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        """Never fresh: ask the site, with the validators kept."""
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse: Response, response: Response,
                                 request: Request) -> bool:
        """The cached page stands in only when the site says it has not changed."""
        return response.status == 304

    def should_cache_response(self, response: Response, request: Request) -> bool:
        """Errors are never stored: they would take the place of the last good page."""
        return response.status < 400 and super().should_cache_response(response, request)


class NoErrorRecoveryCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's cache middleware without error recovery: a download error stays an error, to
    be retried and reported, never answered from the cache."""

    def process_exception(self, request: Request, exception: Exception,
                          spider: object = None) -> Request | Response | None:
        request.meta.pop("cached_response", None)
        return None
