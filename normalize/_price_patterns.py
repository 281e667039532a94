"""Patterns for Danish price text: amounts, free, charges, extras for sale, and periods.

Written after how activity descriptions on Danish municipal pages, association sites (their
"kontingent"), library and culture-house calendars and portal posts state a price: "Gratis",
"Pris: 20 kr.", "kr. 20,-", "DKK 150", "Kontingent: 350 kr. pr. halvår", "Egenbetaling",
"Gratis kaffe" (not a free activity), "Kaffe kan købes" (not the activity's price). All
patterns run on case-folded text with plain dashes.
"""

from __future__ import annotations

import re

from core.schema import PricePeriod

# -- preparing the text (price.parse_price, in this order) -----------------------------------------
DASHES = re.compile(r"[\u2010-\u2015\u2212]")
#: A spaced dash ends a clause ("65 kr. pr. kuvert – drikkevarer kan købes"), but not in a
#: range of amounts ("30 - 50 kr.").
SPACED_DASH = re.compile(r"(?<!\d)\s+-\s+(?!\d)")
#: Clock times ("kl. 10-12"): their numbers are no amounts.
CLOCK_TIME = re.compile(r"\bkl\.?\s*\d{1,2}(?:[.:]\d{2})?(?:\s*-\s*\d{1,2}(?:[.:]\d{2})?)?")
#: Dates and times in any form a feed or a page writes them ("12/9", "09/15/2026 04:30 PM",
#: "1. september", "2026"): dates and clock times are never prices. A year right before
#: "kr." or ",-" is an amount ("2000 kr.").
DATES = re.compile(
    # (?=\d) first: the engine then skips every position that is no digit at once.
    r"(?<![\d.,])(?=\d)(?:"
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\d,])"
    r"|\d{1,2}[:.]\d{2}\s*[ap]\.?m\b\.?"
    r"|\d{1,2}\.\s*(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-zæøå]*\b"
    r"|(?<!kr\.\s)(?<!kr\s)(?<!kr\.)(?:19|20)\d{2}\b(?!\s*(?:kr|,-|dkk|kroner)))"
)
#: How a fee is collected is not what it is for: "75 kr. pr. md., opkræves kvartalsvis" is a
#: monthly fee. ("Kontingentet betales kvartalsvis: 240 kr." does state the period.)
BILLING = re.compile(r"\b(?:opkræves|opkrævet|afregnes|trækkes)\s+\w+vis\b")

# -- what is said about paying ---------------------------------------------------------------------
#: Cheap first look: a digit or a word that can state a price or its absence.
ANY_PRICE = re.compile(r"\d|gratis|betal|koste|kontingent|entr|pris|gebyr|beregning|vederlag")
#: The words every match of FREE starts with (a test reads its branches): FREE is tried only
#: where one stands, a cheap guard for a slow pattern.
FREE_CUES = ("gratis", "koster", "ingen", "uden", "fri", "kr", "vederlag", "gebyr")
#: Free: "gratis" introducing the activity, not a free extra ("gratis kaffe").
FREE = re.compile(
    r"\bgratis\b(?!\s+(?:kaffe|kage|the|te|parkering|transport|materialer|frugt|vand|"
    r"forplejning|morgenmad|frokost|wifi|adgang\s+til\s+kaffe))"
    r"|koster\s+ikke\s+noget|\bingen\s+(?:deltager)?betaling|\buden\s+(?:beregning|betaling)"
    r"|\bingen\s+(?:entré|entre|kontingent|egenbetaling)|\bfri\s+entr[ée]|\bkr\.?\s*0\b(?![.,]\d)"
    r"|\bvederlagsfri\w*|\bgebyrfri\w*"
)
#: A charge whose amount is not given.
CHARGE = re.compile(r"\begenbetaling|\bbetal(?:ing|es|er)\b|\bkoster\s+lidt|\bbrugerbetaling")
#: "Gratis" as what a payment buys ("150 kr. om året. Herefter er alt gratis"): not free.
FREE_AFTER_PAYING = re.compile(
    r"\b(?:herefter|derefter|dermed|så\s+er)\b[^.]*\bgratis\b"
    # A free first try is not what one pays: "første gang er gratis", "prøv gratis".
    r"|\bførste\s+(?:\d+\s+|to\s+|tre\s+|par\s+)?gang(?:e)?\s+(?:er\s+)?gratis"
    r"|\bgratis\s+(?:første\s+gang|prøve\w*|de\s+første)|\bprøv\s+gratis"
    r"|\bprøve(?:time|gang|aften|træning)\w*\s+(?:er\s+)?gratis"
)
#: Things for sale beside the activity: their prices are not the activity's price.
EXTRAS = re.compile(r"kan\s+købes|sælges|kan\s+erhverves|købes\s+på\s+stedet")
#: Words one of which every match of EXTRAS holds: a cheap first look.
EXTRAS_CUES = ("købes", "sælges", "erhverves")
CLAUSE_MARK = re.compile(r"[.!?,;]")
#: Where a clause ends, for telling whom an amount is for: a stop that is not an
#: abbreviation's ("kr.", "pr.", "md.", "inkl."), a comma, a semicolon, a bracket, a new line.
BOUNDARY = re.compile(
    # The mark first, the abbreviations looked back at from it: a fast scan.
    r"[.!?,;()\n](?<!\bkr\.)(?<!\bpr\.)(?<!\bca\.)(?<!\bmd\.)(?<!\bd\.)(?<!\bkl\.)"
    r"(?<!\binkl\.)(?<!\bevt\.)"
)

# -- whom an amount is for (price.parse_price: the newcomer's price) -----------------------------
#: Who pays an amount, read from the words of its clause. Ranks: the price a newcomer pays is
#: an adult non-member's, so guests and "others" rank first, then anyone (no group named,
#: "voksne", "seniorer" as sports clubs use it: adults), then members and reduced groups
#: (pensioners, holders of a pass). Children's and young people's prices are never a
#: newcomer's; when they are all a text gives, the price is unknown. Order matters:
#: "ikke-medlemmer" must be read before "medlemmer".
WHO = re.compile(
    r"(?P<guest>\bikke[\s-]?medlem\w*|\bgæst\w*|\bandre\b|\bøvrige\b|\balle\s+andre\b"
    r"|\buden\s+(?:at\s+være\s+)?medlem\w*)"
    r"|(?P<child>\bbørn\w*|\bbarn\b|\bjunior\w*|\bungdom\w*|\bunge\b|\bskoleelev\w*"
    r"|\belever\b|\bstuderende\b|\bunder\s+1\d\s+år|\bbaby\w*|\bminikonfirmand\w*)"
    r"|(?P<member>\bmedlem(?:mer|merne|mernes|spris)?\b)"
    r"|(?P<reduced>\bpensionist\w*|\befterlønner\w*|\baktivitetskort\w*|\bmed\s+rabat)"
    r"|(?P<adult>\bvoksne?\b|\bsenior(?:er|erne)?\b)"
)
WHO_RANK = {"guest": 3, "adult": 2, "member": 1, "reduced": 1, "child": 0}
#: A group named after an amount belongs to it only when it is introduced: "100 kr. for
#: voksne", "30 kr. pr. barn".
WHO_AFTER = re.compile(r"\b(?:for|pr\.?|per|til)\s+(?:alle\s+)?(?=\S)")
#: A membership fee: what a newcomer pays to join. Beside a fee per time ("Kontingent 300 kr.
#: årligt + 20 kr. pr. spilleaften") it is the price, unless guests may take part without
#: joining (a guest fee is then the newcomer's price).
MEMBERSHIP = re.compile(r"kontingent|medlemskab|medlemsskab|indmeldelse")

# -- amounts and periods ---------------------------------------------------------------------------
_NUM = r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}|-))?"
#: Amounts: "20 kr.", "kr. 20,-", "DKK 150", "1.250 kr.", "12,50 kr", "50,-", "30-50 kr."
#: Order matters: the first pattern to read an amount at a place claims it; the later ones
#: skip that place ("kr. 20,-" is one amount, read by the first).
AMOUNTS = [
    re.compile(rf"(?:\bkr\.?|\bdkk)\s*{_NUM}"),
    re.compile(rf"(?<![\d.,])(?=\d){_NUM}\s*(?:-\s*{_NUM}\s*)?(?:kr\b|kroner|dkk\b)"),
    re.compile(r"(?<![\d.,])(?=\d)(\d{1,3}(?:\.\d{3})+|\d+),-()"),
    re.compile(rf"\b(?:pris(?:en)?|koster|entr[ée]|kontingent(?:et)?|egenbetaling)\s*"
               rf"(?:er|på|:)?\s*(?:kun\s*)?{_NUM}(?!\s*(?:\d|%|gange|personer|deltagere|år))"),
]
#: Substrings without which each AMOUNTS pattern cannot match (same order): a cheap guard.
AMOUNT_CUES: list[tuple[str, ...]] = [
    ("kr", "dkk"), ("kr", "dkk"), (",-",), ("pris", "koster", "entr", "kontingent", "egenbetaling"),
]
#: Period phrases; checked near an amount first, then in the whole text.
PERIODS: list[tuple[re.Pattern[str], PricePeriod]] = [
    (re.compile(r"halvår"), PricePeriod.half_year),
    (re.compile(r"kvartal"), PricePeriod.quarter),
    # A season ("pr. sæson", "for hele sæsonen", "sæsonkort") is a club's season, not a year.
    (re.compile(r"/\s*sæson\b|\b(?:pr\.?|per)\s*sæson|\bfor\s+(?:hele\s+)?sæsonen\b"
                r"|\bsæson(?:kort|kontingent|pris|billet)|\bsæsonen\s+koster\b"),
     PricePeriod.season),
    (re.compile(r"/\s*år\b"), PricePeriod.year),
    (re.compile(r"/\s*(?:md|mdr|måned)\b"), PricePeriod.month),
    (re.compile(r"/\s*(?:gang|møde|kuvert)\b"), PricePeriod.per_time),
    (re.compile(r"\bpr\.?\s*år\b|\bom\s+året|\bårlig|\bårs(?:kontingent|medlemskab)"),
     PricePeriod.year),
    (re.compile(r"\bpr\.?\s*(?:md|mdr|måned)\b|\bom\s+måneden|\bmånedlig|\bmåneds"
                r"(?:kontingent|betaling)|\bhver\s+måned"), PricePeriod.month),
    # Per time: "pr. gang", "pr. spilleaften", "pr. portion", an entrance fee or a ticket.
    (re.compile(r"\b(?:pr\.?|per)\s*\w*(?:gang|møde|spisning|kuvert|aften|lektion|portion"
                r"|spilledag|træning)\b"
                r"|\bhver\s+gang\b|(?<!og\s)\bentr[ée]\w*\s*(?::|er|koster|på)?\s*(?:kr\.?\s*)?\d"
                r"|\bi\s+entr[ée]\b|\bbilletpris|\bentr[ée]en\s+er\b"), PricePeriod.per_time),
    (re.compile(r"\bengangs(?:beløb|betaling|gebyr)"), PricePeriod.once),
]
#: Substrings without which no period phrase can match.
PERIOD_CUES = re.compile(r"pr|per|om|år|måned|md|halv|kvartal|/|gang|entr|sæson|engang|billet")
