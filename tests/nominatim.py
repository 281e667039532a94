"""A local server that speaks Nominatim's search API (and DAWA's /adresser), for tests.

Answers are written in the shape Nominatim gives (jsonv2: lat/lon as strings, addresstype,
display_name); some queries are planted to fail: "429" answers HTTP 429, "langsom" hangs past
the client's timeout, a query ending in "Fejlby" answers HTTP 500 with an error page that
repeats the query (as some servers do), anything unknown finds nothing.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

#: Recorded-style answers by a lower-cased query's start.
ANSWERS: dict[str, dict[str, str]] = {
    "nørregade 21, 7500 holstebro": {"lat": "56.3601", "lon": "8.6155", "addresstype": "house",
                                     "display_name": "21, Nørregade, Holstebro, 7500, Danmark"},
    "vestergade 12, 7620 lemvig": {"lat": "56.5489", "lon": "8.3087", "addresstype": "house",
                                   "display_name": "12, Vestergade, Lemvig, 7620, Danmark"},
    "kvæsthusgade 99, 7500 holstebro": {"lat": "56.3550", "lon": "8.6100",
                                        "addresstype": "house",
                                        "display_name": "99, Kvæsthusgade, Holstebro, Danmark"},
    "7500, danmark": {"lat": "56.3601", "lon": "8.6161", "addresstype": "postcode",
                      "display_name": "7500, Holstebro, Danmark"},
    # The personas' homes (tests/test_personas.py).
    "vestergade 40, 7500 holstebro": {"lat": "56.3590", "lon": "8.6080", "addresstype": "house",
                                      "display_name": "40, Vestergade, Holstebro, 7500, Danmark"},
    "vesterfælledvej 60, 1750 københavn v": {
        "lat": "55.6690", "lon": "12.5380", "addresstype": "house",
        "display_name": "60, Vesterfælledvej, Vesterbro, København V, 1750, Danmark"},
    "frederikssundsvej 100, 2400 københavn nv": {
        "lat": "55.7010", "lon": "12.5255", "addresstype": "house",
        "display_name": "100, Frederikssundsvej, Bispebjerg, København NV, 2400, Danmark"},
    "østergade 30, 5610 assens": {"lat": "55.2698", "lon": "9.9030", "addresstype": "house",
                                  "display_name": "30, Østergade, Assens, 5610, Danmark"},
}

#: Twenty citizens' homes in Holstebro, on streets found nowhere else in the repository, each
#: with æ, ø or å, so that any spelling of them in a written file is a leak
#: (tests/test_privacy.py).
CITIZEN_STREETS = (
    "Sølvrævevej", "Tørvegravsvænget", "Æbleblomstvej", "Hønsefjerstræde", "Blåmejsestien",
    "Kærnemælksgade", "Ørnefjerløkken", "Gåseurtvej", "Rævehålsvej", "Lærkesangsstræde",
    "Fårehyrdevej", "Kræmmerbodsgade", "Smørblomstbakken", "Spættefløjsvej", "Brændenældestien",
    "Sælhundegade", "Hvedeærestræde", "Tøndebåndsvej", "Dværgbirkløkken", "Strømpebåndsgade",
)
CITIZENS = tuple(f"{street} {n}, 7500 Holstebro" for n, street in enumerate(CITIZEN_STREETS, 3))
for _n, (_street, _address) in enumerate(zip(CITIZEN_STREETS, CITIZENS, strict=True)):
    # Within 3 km of Holstebro's centre (56.3601, 8.6155).
    ANSWERS[_address.casefold()] = {
        "lat": f"{56.3500 + _n * 0.001:.4f}", "lon": f"{8.6000 + _n * 0.001:.4f}",
        "addresstype": "house", "display_name": f"{_n + 3}, {_street}, Holstebro, 7500, Danmark"}


class _Handler(BaseHTTPRequestHandler):
    queries: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        q = (parse_qs(url.query).get("q") or [""])[0]
        self.queries.append(q)
        if q.casefold().strip().endswith("fejlby"):
            body = f"Intern fejl ved søgning efter: {q}".encode()
            self.send_response(500)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if url.path.rstrip("/").endswith("/adresser"):
            # DAWA's answer shape: a list of addresses, x = longitude, y = latitude.
            hit = ANSWERS.get(q.casefold().strip())
            found = [{"id": "0a3f5", "betegnelse": hit["display_name"], "x": float(hit["lon"]),
                      "y": float(hit["lat"])}] if hit else []
            self._json(found)
            return
        key = q.casefold().strip()
        if key.startswith("429"):
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.end_headers()
            return
        if key.startswith("langsom"):
            time.sleep(3)
        found = [dict(ANSWERS[key], place_id="1", importance="0.5")] if key in ANSWERS else []
        self._json(found)

    def _json(self, found: object) -> None:
        body = json.dumps(found).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)


class NominatimServer:
    def __init__(self) -> None:
        self.queries: list[str] = []
        handler = type("H", (_Handler,), {"queries": self.queries})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> NominatimServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
