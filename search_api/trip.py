"""A link that opens Rejseplanen (Danish public transport planner) with the way to an
activity filled in, for the match-kort.

URL format used (Rejseplanen runs HaCon's HAFAS; its classic query page takes the trip as
query parameters, the same ones its own "link to this trip" and third-party deep links use):

    https://www.rejseplanen.dk/bin/query.exe/mn?language=da_DA
        &Z=<destination as text>&ZADR=1            destination, marked as an address
        &ZID=A=2@O=<text>@X=<lon×10⁶>@Y=<lat×10⁶>  the same place as a HAFAS location id
                                                   (A=2: an address), when its point is known
        &date=DD.MM.YY&time=HH:MM&timesel=arrive   arrive by the next start, when known
        &start=0                                   show the form filled in, do not search yet

The start (S=) is left empty on purpose: the citizen's address is never put into a link by us;
they (or the brobygger) type it on Rejseplanen. Only the activity's public place is sent.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from core.schema import Activity, Precision

REJSEPLANEN = "https://www.rejseplanen.dk/bin/query.exe/mn"


def destination_text(activity: Activity) -> str | None:
    """The place as one line Rejseplanen can look up: "Kirkestræde 11, 7500 Holstebro"."""
    loc = activity.location
    town = " ".join(x for x in (loc.postcode, loc.city) if x)
    parts = [x for x in (loc.address or loc.name, town) if x]
    return ", ".join(parts) if parts else None


def rejseplanen_url(activity: Activity, arrive_by: datetime | None = None) -> str | None:
    """The planner with this activity as destination, or None when its place is unknown.

    >>> from tests.index.corpus import make
    >>> a = make("x", "Spil", at=(56.3601, 8.6155),
    ...          location={"address": "Kirkestræde 11", "postcode": "7500"})
    >>> rejseplanen_url(a)  # doctest: +NORMALIZE_WHITESPACE
    'https://www.rejseplanen.dk/bin/query.exe/mn?language=da_DA&Z=Kirkestr%C3%A6de+11%2C+7500+Holstebro&ZADR=1&ZID=A%3D2%40O%3DKirkestr%C3%A6de+11%2C+7500+Holstebro%40X%3D8615500%40Y%3D56360100&start=0'
    """
    text = destination_text(activity)
    loc = activity.location
    if text is None and loc.lat is None:
        return None
    params: list[tuple[str, str]] = [("language", "da_DA")]
    name = text or activity.title
    params += [("Z", name), ("ZADR", "1")]
    # Coordinates only when they mark the place itself, not a town's or municipality's centre.
    if loc.lat is not None and loc.lon is not None and loc.precision in (
            Precision.address, Precision.street):
        params.append(("ZID", f"A=2@O={name}@X={round(loc.lon * 1e6)}@Y={round(loc.lat * 1e6)}"))
    if arrive_by is not None:
        params += [("date", arrive_by.strftime("%d.%m.%y")), ("time", arrive_by.strftime("%H:%M")),
                   ("timesel", "arrive")]
    params.append(("start", "0"))
    return f"{REJSEPLANEN}?{urlencode(params)}"
