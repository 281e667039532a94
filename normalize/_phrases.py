"""Danish phrase tables for accessibility, drop-in and categories.

The phrases come from activity descriptions on Danish municipal pages ("Fællesskaber",
"Aktiviteter for ældre"), library and culture-house calendars, association sites and
Boblberg-style portal posts, as written there (lower-cased). Each table is ordered: the first
entry that matches wins, so negated phrases stand before the plain ones.
"""

from __future__ import annotations

#: Accessibility flag → (phrases that state no, phrases that state yes).
ACCESSIBILITY: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "wheelchair": (
        ("ikke kørestolsvenlig", "ikke handicapvenlig", "ikke egnet for kørestol",
         "ikke tilgængelig for kørestol", "ingen kørestolsadgang", "ikke adgang for kørestol"),
        ("kørestolsvenlig", "kørestolsadgang", "kørestolsegnet", "adgang for kørestol",
         "handicapvenlig", "tilgængelig for kørestol", "wheelchair accessible", "kørestol"),
    ),
    "step_free": (
        ("trapper og ingen elevator", "ingen elevator", "ikke niveaufri", "kun trapper",
         "der er trapper", "ikke trinfri"),
        ("niveaufri", "trinfri", "uden trin", "elevator", "rampe", "ingen trapper"),
    ),
    "accessible_toilet": (
        ("intet handicaptoilet", "ingen handicaptoilet", "ikke handicaptoilet"),
        ("handicaptoilet", "handicapvenligt toilet", "tilgængeligt toilet"),
    ),
    "hearing_loop": (
        ("ingen teleslynge", "ikke teleslynge", "ingen høreslynge"),
        ("teleslynge", "høreslynge", "hearing loop", "t-slynge"),
    ),
    "parking": (
        ("ingen handicapparkering", "ingen parkering"),
        ("handicapparkering", "handicap-parkering", "parkering ved døren", "gratis parkering",
         "parkering"),
    ),
}

#: Drop-in (no sign-up, low commitment) → (phrases for false, phrases for true).
DROP_IN: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("tilmelding nødvendig", "bindende tilmelding", "kun for medlemmer", "tilmelding er nødvendig",
     "tilmelding påkrævet", "husk tilmelding", "tilmelding senest", "tilmelding til",
     "tilmelding på", "kræver tilmelding", "forudgående tilmelding", "max. deltagere",
     "begrænset antal pladser", "tilmeld dig"),
    ("drop-in", "drop in", "ingen tilmelding", "uden tilmelding", "kom når du har lyst",
     "uforpligtende", "bare mød op", "mød bare op", "du kan bare komme", "kig forbi",
     "kom forbi", "alle er velkomne", "ikke nødvendigt at tilmelde", "ingen forpligtelser"),
)

#: Category slug → Danish label and keywords. A keyword matches a word with the same Snowball
#: stem, or a part of a compound ("brætspil" has "spil"); keywords of five letters or more
#: also match as a word start ("cykl" does not, "gymnastik" matches "gymnastikhold"), and
#: keywords with a space match as a phrase.
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "motion": ("Motion og bevægelse", ("motion", "gymnastik", "gåtur", "gå-tur", "gåture",
               "gå sammen", "gå-sammen", "vandre", "vandring", "stavgang", "dans", "yoga",
               "petanque", "krolf", "cykl", "cykel", "svøm", "bowling", "billard", "badminton",
               "fitness", "træning", "pilates", "bevægelse", "stolegymnastik", "floorball",
               "boldspil", "golf", "sport")),
    "natur_have": ("Natur og have", ("natur", "køkkenhave", "havefællesskab", "haveklub",
                   "havearbejde", "fælleshave", "blomster",
                   "skov", "strand", "fugle", "gartn", "dyrk", "nyttehave", "plant")),
    "spil": ("Spil", ("spil", "brætspil", "kortspil", "whist", "bridge", "skak", "banko",
             "rummy", "ludo", "puslespil", "quiz", "kortklub", "canasta")),
    "mad": ("Mad og fællesspisning", ("mad", "fællesspisning", "spisning", "middag", "frokost",
            "aftensmad", "madlavning", "madklub", "køkken", "spise", "måltid", "retter",
            "julefrokost", "morgenmad", "brunch")),
    "cafe_netvaerk": ("Café og netværk", ("café", "cafe", "netværk", "samvær",
                      "mødested", "frokostklub", "kaffeklub", "netværksgruppe", "besøgsven")),
    "kreativ": ("Kreativ", ("strik", "hækl", "syning", "syklub", "maling", "male", "tegn",
                "kreativ", "keramik", "træværksted", "værksted", "håndarbejde", "patchwork",
                "billedkunst", "foto", "snedker")),
    "musik_sang": ("Musik og sang", ("sang", "syng", "kor", "fællessang", "musik", "koncert",
                   "spillemand", "guitar", "harmonika", "orkester")),
    "kultur_foredrag": ("Kultur og foredrag", ("foredrag", "kultur", "læsekreds", "bog",
                        "litteratur", "film", "museum", "teater", "historie", "debat",
                        "fortælle", "oplæsning", "lokalhistori")),
    "sorg_stoette": ("Sorg og støtte", ("sorg", "sorggruppe", "enke", "enkemand", "savn",
                     "mistet", "støttegruppe", "samtalegruppe", "ensom", "ensomhed",
                     "pårørende til")),
    "demens_paaroerende": ("Demens og pårørende", ("demens", "alzheimer", "pårørende",
                           "hukommelse")),
    "maend": ("For mænd", ("mænd", "mand", "mandeklub", "herre", "mænds", "mandegruppe",
              "gubbe")),
    "frivillig": ("Frivilligt arbejde", ("frivillig", "hjælp andre", "besøgsven")),
    "digital": ("Digital hjælp", ("digital", "it-hjælp", "it-café", "computer", "mitid",
                "e-boks", "smartphone", "tablet", "ipad", "internet", "nemid")),
    "udflugter": ("Udflugter og ture", ("udflugt", "tur til", "busture", "bustur", "ekskursion",
                  "rejse", "ture ud")),
    "sprog": ("Sprog", ("sprog", "danskcafé", "sprogcafé", "øv dansk", "lær dansk", "tale dansk",
              "engelsk", "konversation", "lektiehjælp")),
}
