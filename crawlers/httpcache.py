"""HTTP cache policy: revalidate, don't refetch.

Scrapy's RFC 2616 policy fetches a page marked `Cache-Control: no-cache` in full every time.
But no-cache means "ask before you reuse" (RFC 9111 §5.2.2.4), and many municipal CMSs
send it on every page. This policy asks with the validators it kept (If-None-Match,
If-Modified-Since), so an unchanged page costs the site a 304 and us no parsing surprises.
"""

from __future__ import annotations

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response


class RevalidatingPolicy(RFC2616Policy):
    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        if super().is_cached_response_fresh(cachedresponse, request):
            return True
        self._set_conditional_validators(request, cachedresponse)
        return False
