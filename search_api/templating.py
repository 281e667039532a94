"""The one Jinja environment of the Danish pages, shared by every page router.

Each page's router renders with `templates` from here, so all pages get the same globals
(Danish wording helpers, the navigation) and extend the same `base.html`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from normalize.category import CATEGORY_LABELS
from search_api import formatting

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

#: The site's main navigation, in order: (path, Danish label). A new page adds its entry
#: here; `base.html` marks the current one with aria-current.
NAV_LINKS: list[tuple[str, str]] = [
    ("/", "Søg fællesskaber"),
    ("/forening", "For foreninger"),
]

templates.env.globals.update(
    fmt=formatting, categories=CATEGORY_LABELS, days=formatting.DAYS, nav_links=NAV_LINKS,
    day_parts=[("formiddag", "Formiddag (6–12)"), ("eftermiddag", "Eftermiddag (12–17)"),
               ("aften", "Aften (17–24)")],
)
