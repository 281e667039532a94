"""The offline gazetteer and the geocoding chain against a local Nominatim-speaking server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.schema import Location, Precision
from normalize.geo._municipalities import MUNICIPALITIES
from normalize.geo.chain import GeoCache, GeocoderChain, OnlineGeocoder
from normalize.geo.gazetteer import municipality_name, municipality_of_point, town, towns
from tests.nominatim import NominatimServer


def test_gazetteer_covers_every_municipality() -> None:
    assert len(towns()) > 300
    assert {t.municipality for t in towns().values()} - {None} == set(MUNICIPALITIES)


@pytest.mark.parametrize(("name", "municipality"), [
    ("Holstebro", "Holstebro"), ("Vinderup", "Holstebro"), ("Thyborøn", "Lemvig"),
    ("Haarby", "Assens"), ("Glamsbjerg", "Assens"), ("København V", "København"),
    ("Aarhus C", "Aarhus"), ("Frederiksberg C", "Frederiksberg"), ("Hjørring", "Hjørring"),
    ("Ærøskøbing", "Ærø"), ("Bording", "Ikast-Brande"), ("Valby", "København"),
])
def test_towns_by_their_danish_names(name: str, municipality: str) -> None:
    t = town(name)
    assert t is not None and t.municipality == municipality


def test_unknown_town_is_none() -> None:
    assert town("Ukendtby") is None and town("") is None


@pytest.mark.parametrize(("lat", "lon", "municipality"), [
    (56.36, 8.62, "Holstebro"), (55.27, 9.90, "Assens"), (55.676, 12.568, "København"),
    (56.549, 8.310, "Lemvig"), (55.10, 14.70, "Bornholm"),
])
def test_municipality_of_a_point(lat: float, lon: float, municipality: str) -> None:
    assert municipality_of_point(lat, lon) == municipality


def test_municipality_spellings() -> None:
    assert municipality_name("Hjorring Kommune") == "Hjørring"
    assert municipality_name("københavns kommune") == "København"
    assert municipality_name("Gotham") is None


def _loc(text: str) -> Location:
    return Location(text=text)


def test_offline_chain_gives_postcode_precision_and_says_so() -> None:
    found = GeocoderChain().locate(_loc("Aktivitetshuset, Vestergade 12, 7620 Lemvig"))
    assert found.precision is Precision.postcode and found.municipality == "Lemvig"
    assert (found.postcode, found.city, found.address) == ("7620", "Lemvig", "Vestergade 12")
    assert found.lat == pytest.approx(56.5486, abs=0.01)


def test_page_coordinates_come_first() -> None:
    loc = Location(lat=56.36, lon=8.62, precision="address", text="Nørregade 21, 7500 Holstebro")
    found = GeocoderChain().locate(loc)
    assert (found.lat, found.lon, found.precision) == (56.36, 8.62, Precision.address)
    assert found.municipality == "Holstebro"


@pytest.fixture
def nominatim() -> Iterator[NominatimServer]:
    with NominatimServer() as server:
        yield server


def _online(server: NominatimServer, tmp_path: Path, timeout: float = 5.0) -> GeocoderChain:
    online = OnlineGeocoder(server.url, "fkort-tests (+https://example.invalid)", min_delay=0,
                            timeout=timeout)
    return GeocoderChain(cache=GeoCache(tmp_path / "geocache.db"), online=online)


def test_online_address_precision_and_cache(nominatim: NominatimServer, tmp_path: Path) -> None:
    geo = _online(nominatim, tmp_path)
    first = geo.locate(_loc("Medborgerhuset, Nørregade 21, 7500 Holstebro"))
    assert (first.lat, first.lon, first.precision) == (56.3601, 8.6155, Precision.address)
    assert first.municipality == "Holstebro"
    again = geo.locate(_loc("Medborgerhuset, Nørregade 21, 7500 Holstebro"))
    assert again.lat == first.lat
    assert nominatim.queries == ["Nørregade 21, 7500 Holstebro"]  # the second came from cache


def test_no_result_falls_back_to_the_postcode(nominatim: NominatimServer, tmp_path: Path
                                              ) -> None:
    found = _online(nominatim, tmp_path).locate(_loc("Skovvej 999, 7500 Holstebro"))
    assert found.precision is Precision.postcode and found.city == "Holstebro"


def test_no_postcode_falls_back_to_the_town() -> None:
    found = GeocoderChain().locate(_loc("Skovvej 999, Holstebro"))
    assert found.precision is Precision.town and found.municipality == "Holstebro"


def test_429_falls_back_and_stops_asking(nominatim: NominatimServer, tmp_path: Path) -> None:
    geo = _online(nominatim, tmp_path)
    found = geo.locate(_loc("429 Vej 1, 7500 Holstebro"))
    assert found.precision is Precision.postcode
    geo.locate(_loc("Nørregade 21, 7500 Holstebro"))  # the service is left alone for a while
    assert len(nominatim.queries) == 1


def test_timeout_falls_back_to_the_gazetteer(nominatim: NominatimServer, tmp_path: Path) -> None:
    geo = _online(nominatim, tmp_path, timeout=0.5)
    found = geo.locate(_loc("Langsom Vej 1, 7620 Lemvig"))
    assert found.precision is Precision.postcode and found.municipality == "Lemvig"


def test_network_unreachable(tmp_path: Path) -> None:
    from tests.conftest import free_port

    online = OnlineGeocoder(f"http://127.0.0.1:{free_port()}", "fkort-tests", min_delay=0,
                            timeout=0.5)
    found = GeocoderChain(online=online).locate(_loc("Vestergade 12, 7620 Lemvig"))
    assert found.precision is Precision.postcode


def test_citizen_query_is_never_cached(nominatim: NominatimServer, tmp_path: Path) -> None:
    geo = _online(nominatim, tmp_path)
    found = geo.resolve_query("Kvæsthusgade 99, 7500 Holstebro")
    assert found is not None and found.precision is Precision.address
    assert geo.cache is not None and geo.cache.get("Kvæsthusgade 99, 7500 Holstebro") is None
    assert b"Kv\xc3\xa6sthusgade" not in (tmp_path / "geocache.db").read_bytes()


@pytest.mark.parametrize(("text", "precision"), [
    ("56.36, 8.62", Precision.address), ("Holstebro", Precision.town),
    ("7620 Lemvig", Precision.postcode), ("Lemvig Kommune", Precision.town),
    ("7620", Precision.postcode), ("DK-7620", Precision.postcode),
])
def test_citizen_query_forms_offline(text: str, precision: Precision) -> None:
    found = GeocoderChain().resolve_query(text)
    assert found is not None and found.precision is precision


def test_danish_address_service_by_configuration(nominatim: NominatimServer,
                                                 tmp_path: Path) -> None:
    from core.settings import Settings
    from normalize.geo.chain import make_geocoder

    settings = Settings(geocoder="dawa", geocoder_url=nominatim.url, geocoder_min_delay=0,
                        data_dir=tmp_path)
    geo = make_geocoder(settings, with_cache=True)
    found = geo.locate(_loc("Vestergade 12, 7620 Lemvig"))
    assert (found.lat, found.lon, found.precision) == (56.5489, 8.3087, Precision.address)
    assert geo.online.name.startswith("dawa:")
