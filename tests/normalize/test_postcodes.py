"""Every Danish postcode resolves offline: the postcode table and the chain's use of it."""

from __future__ import annotations

import pytest

from core.schema import Location, Precision
from normalize.geo import DENMARK_BBOX, distance_km
from normalize.geo.chain import POSTCODE_FALLBACK, TOWN_FALLBACK, GeocoderChain
from normalize.geo.gazetteer import town
from normalize.geo.postcodes import bare_postcode, postcode, postcodes

#: The postcodes of the demo's municipalities (demo/sources.toml: Holstebro, Assens,
#: København) and of their neighbours that reach into them, with their names as DAWA writes
#: them, and the town they should lie near with how far at most (km).
DEMO_POSTCODES: dict[str, tuple[str, str, float]] = {
    # Holstebro Kommune
    "7500": ("Holstebro", "Holstebro", 5), "7550": ("Sørvad", "Holstebro", 20),
    "7570": ("Vemb", "Holstebro", 25), "7830": ("Vinderup", "Holstebro", 25),
    "6990": ("Ulfborg", "Holstebro", 30), "7490": ("Aulum", "Holstebro", 30),
    "7540": ("Haderup", "Holstebro", 30), "7560": ("Hjerm", "Holstebro", 15),
    "7600": ("Struer", "Holstebro", 20),
    # Assens Kommune
    "5610": ("Assens", "Assens", 5), "5620": ("Glamsbjerg", "Assens", 20),
    "5631": ("Ebberup", "Assens", 15), "5683": ("Haarby", "Assens", 20),
    "5690": ("Tommerup", "Assens", 25), "5492": ("Vissenbjerg", "Assens", 25),
    "5560": ("Aarup", "Assens", 20), "5580": ("Nørre Aaby", "Assens", 25),
    "5642": ("Millinge", "Assens", 25),
    # København and Frederiksberg (the enclave), beyond the street postcodes 1050-1799
    "1800": ("Frederiksberg C", "København", 8), "2000": ("Frederiksberg", "København", 8),
    "2100": ("København Ø", "København", 8), "2150": ("Nordhavn", "København", 8),
    "2200": ("København N", "København", 8), "2300": ("København S", "København", 8),
    "2400": ("København NV", "København", 8), "2450": ("København SV", "København", 8),
    "2500": ("Valby", "København", 8), "2700": ("Brønshøj", "København", 10),
    "2720": ("Vanløse", "København", 10),
}


def test_the_table_holds_every_postcode_once_each_in_denmark() -> None:
    table = postcodes()
    assert 1080 <= len(table) <= 1100  # DAWA's postcodes that are places: 1,089 in 2026
    lat0, lat1, lon0, lon1 = DENMARK_BBOX
    for number, pc in table.items():
        assert pc.number == number and len(number) == 4 and number.isdigit()
        assert pc.name.strip() == pc.name != ""
        assert lat0 <= pc.lat <= lat1 and lon0 <= pc.lon <= lon1, number


def test_copenhagens_street_postcodes_are_there() -> None:
    street_level = [n for n in postcodes() if "1050" <= n <= "1799"]
    assert len(street_level) > 300
    assert {postcode(n).name for n in street_level} == {  # type: ignore[union-attr]
        "København K", "København V"}


@pytest.mark.parametrize("number", sorted(DEMO_POSTCODES))
def test_every_postcode_of_the_demos_municipalities_resolves_offline(number: str) -> None:
    name, near, km = DEMO_POSTCODES[number]
    chain = GeocoderChain()
    for text in (number, f"DK-{number}", f"{number} {name}", f"{number} {name}, Danmark"):
        found = chain.resolve_query(text)
        assert found is not None, text
        assert found.precision is Precision.postcode and found.note is None
    pc = postcode(number)
    assert pc is not None and pc.name == name
    centre = town(near)
    assert centre is not None
    # On land near its town: not a point out at sea, as a postcode's area's centre can be.
    assert distance_km(pc.lat, pc.lon, centre.lat, centre.lon) < km


def test_every_postcode_resolves_offline_to_its_own_point() -> None:
    chain = GeocoderChain()
    for number, pc in postcodes().items():
        found = chain.resolve_query(number)
        assert found is not None and (found.lat, found.lon) == (pc.lat, pc.lon), number


def test_points_lie_near_the_town_they_are_named_after() -> None:
    """Where GeoNames' towns have the postcode's name, the two points mostly agree (a few
    names belong to two places, so the median, not every one)."""
    gaps = sorted(distance_km(pc.lat, pc.lon, t.lat, t.lon) for pc in postcodes().values()
                  if (t := town(pc.name)) is not None)
    assert len(gaps) > 700
    assert gaps[len(gaps) // 2] < 2.0


@pytest.mark.parametrize("text", ["0000", "9999", "0900", "DK-9999", "9999 Ukendtby"])
def test_a_postcode_that_does_not_exist_is_not_found(text: str) -> None:
    assert bare_postcode(text) is not None
    assert GeocoderChain().resolve_query(text) is None


def test_an_address_whose_street_is_unknown_stands_at_its_postcode_and_says_so() -> None:
    found = GeocoderChain().resolve_query("Kvæsthusgade 99, 2400 København NV")
    pc = postcode("2400")
    assert found is not None and pc is not None
    assert (found.lat, found.lon, found.precision) == (pc.lat, pc.lon, Precision.postcode)
    assert found.note == POSTCODE_FALLBACK


def test_without_a_known_postcode_the_address_stands_at_its_towns_centre() -> None:
    found = GeocoderChain().resolve_query("Kvæsthusgade 99, 9999 Holstebro")
    holstebro = town("Holstebro")
    assert found is not None and holstebro is not None
    assert (found.lat, found.lon, found.precision) == (holstebro.lat, holstebro.lon,
                                                       Precision.town)
    assert found.note == TOWN_FALLBACK


def test_a_town_that_is_not_the_postcodes_is_not_put_there() -> None:
    """"8000 Holstebro": one of the two is wrong; the town written is not moved to Aarhus."""
    found = GeocoderChain().resolve_query("Vestergade 1, 8000 Holstebro")
    aarhus = postcode("8000")
    assert found is not None and aarhus is not None
    assert found.precision is Precision.town and found.municipality == "Holstebro"


def test_activities_in_one_postcode_share_its_point() -> None:
    chain = GeocoderChain()
    a = chain.locate(Location(text="Medborgerhuset, Kirkestræde 11, 7500 Holstebro"))
    b = chain.locate(Location(name="Biblioteket", address="Batum Allé 1", postcode="7500",
                              city="Holstebro"))
    assert a.precision is b.precision is Precision.postcode
    assert (a.lat, a.lon) == (b.lat, b.lon) and a.municipality == "Holstebro"
