"""Danish phrase table for categories.

The phrases come from activity descriptions on Danish municipal pages ("Fællesskaber",
"Aktiviteter for ældre"), library and culture-house calendars, association sites and
Boblberg-style portal posts, as written there (lower-cased). Each table is ordered: the first
entry that matches wins, so negated phrases stand before the plain ones.
"""

from __future__ import annotations

#: Category slug → Danish label and keywords. A plain keyword matches a word with the same
#: Snowball stem, or a part of a compound ("brætspil" has "spil"); keywords of five letters or
#: more also match as a word start ("gymnastik" matches "gymnastikholdet"). Keywords with a
#: space match as a phrase (the last word may be inflected); "re:" keywords are regexes;
#: "=" keywords match that exact word or compound part only ("=kor": not "Røde Kors");
#: "!" keywords are whole words that decide alone: their parts do not count
#: ("!programmeringssprog" is digital, not a language).
#:
#: A keyword counts only as a whole word, as the head of a compound ("keglebillard",
#: "morgensvømning"), or as the first part of a compound whose head is one of GENERIC_HEADS
#: ("gymnastikholdet", "skakklubben", "demenscaféen"): never from the middle or the start of
#: another word ("naturligvis", "Strandstræde", "madpakke").
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "motion": ("Motion og bevægelse", (
        "motion", "gymnastik", "gåtur", "gåture", "gågruppe", "gåhold", "gåklub", "gå-tur",
        "gå sammen", "gå-sammen", "går en tur", "gå en tur", "går tur", "går ture", "gå ture",
        "vandre", "vandretur", "vandring", "stavgang", "nordic walking", "dans", "danse", "yoga",
        "petanque", "krolf", "cykeltur", "cykelture", "cykling", "cykelklub", "cykelhold",
        "svømning", "svømme", "vandgymnastik", "bowling", "badminton", "fitness", "tennis",
        "klatring", "klatre", "klatrevæg", "bouldering", "padel",
        "træning", "træne", "pilates", "floorball", "linedance", "line dance", "zumba",
        "bevæge dig", "bevæge sig", "bevæg dig", "boldspil", "golf", "sport",
        "idræt", "motionere", "tai chi", "qigong", "fodbold", "bordtennis", "keglespil")),
    "natur_have": ("Natur og have", (
        "natur", "naturen", "køkkenhave", "havefællesskab", "haveklub", "havearbejde",
        "fælleshave", "nyttehave", "blomster", "skov", "skoven", "strand", "stranden",
        "gartner", "dyrke", "dyrker", "planter", "plante", "urter", "kolonihave", "drivhus",
        "fugletur", "fugleture", "fuglekig",
        "højbed", "højbede",
        "re:\\bhave(?:n\\b|klub|fællesskab|hold|gruppe|dag|arbejde|selskab|lav)\\w*")),
    "spil": ("Spil", (
        "spil", "brætspil", "kortspil", "whist", "bridge", "skak", "banko", "bingo", "rummy",
        "rummikub", "ludo", "yatzy", "domino", "puslespil", "quiz", "kortklub", "canasta",
        "billard", "keglebillard", "snooker", "dart",
        "spilleaften", "spilcafé", "re:\\bspiller\\s+(?:kort|whist|bridge|skak|brætspil|spil)")),
    "mad": ("Mad og fællesspisning", (
        "mad", "fællesspisning", "spisning", "middag", "aftensmad", "madlavning", "madklub",
        "spiser sammen", "spise sammen", "måltid", "retter", "julefrokost", "morgenmad", "brunch",
        "frokost", "frokostklub", "risengrød", "laver mad", "lave mad", "spisefællesskab",
        "madfællesskab", "kogeklub", "kokkeklub", "grill", "spiser")),
    "cafe_netvaerk": ("Café og netværk", (
        "café", "cafe", "caféen", "netværk", "netværksgruppe", "samvær", "kaffeklub",
        "kaffe og snak", "kaffe og en snak", "snak og kaffe", "hyggeligt samvær", "mødes og snakke",
        "re:\\bkaffe\\W+(?:og\\s+)?(?:en\\s+)?snak",
        "frokostklub", "kaffemik", "åbent hus")),
    "kreativ": ("Kreativ", (
        "strik", "strikke", "strikker", "hækle", "hækling", "syning", "syr", "syklub", "maling",
        "male", "maler", "tegning", "tegne", "kreativ", "keramik", "træværksted", "træarbejde",
        "værksted", "håndarbejde", "patchwork", "billedkunst", "fotografering", "snedker",
        "juleklip", "klippe", "pynt", "perler", "broderi", "smykker", "akvarel")),
    "musik_sang": ("Musik og sang", (
        "sang", "synge", "syng", "synger", "=kor", "=koret", "korsang", "fællessang", "musik",
        "koncert",
        "spillemand", "guitar", "harmonika", "orkester", "sangaften", "salmer", "band", "klaver")),
    "kultur_foredrag": ("Kultur og foredrag", (
        "foredrag", "=kultur", "kulturaften", "kulturtur", "læsekreds", "bogklub", "bogcafé",
        "bøger", "litteratur",
        "forfatter", "film", "filmklub", "biograf", "museum", "museet", "teater", "historie",
        "debat", "fortælle", "fortælling", "oplæsning", "rundvisning",
        "udstilling", "byvandring", "studiekreds", "lokalhistori", "historisk", "filosofi",
        "filosofisk", "filosofiske",
        "arkivet", "arkiv", "kunstudstilling")),
    "sorg_stoette": ("Sorg og støtte", (
        "sorg", "sorggruppe", "enke", "enker", "enkemand", "enkemænd", "savn", "mistet",
        "efterladte", "støttegruppe", "samtalegruppe", "ensom", "ensomhed", "føler sig alene",
        "føler dig alene", "er blevet alene", "sidder alene", "alene i weekenden")),
    "demens_paaroerende": ("Demens og pårørende", (
        "demens", "demensramte", "alzheimer", "pårørende", "pårørendegruppe", "hukommelse")),
    "maend": ("For mænd", (
        "mænd", "mænds", "mandeklub", "mandegruppe", "herreklub",
        "re:\\bmande(?:klub|gruppe|hold|fællesskab|værksted|aften|netværk|café|cafe|kor)\\w*",
        "re:\\bherre(?:klub|frokost|hold|gruppe|aften)\\w*", "gubbe", "gubber", "for mænd")),
    "frivillig": ("Frivilligt arbejde", ()),  # only volunteer calls: see category.RECRUITING
    "digital": ("Digital hjælp", (
        "digital", "digitale", "it-hjælp", "it-café", "computer", "computeren", "mitid", "e-boks",
        "smartphone", "tablet", "ipad", "internet", "nemid", "mobiltelefon", "apps", "it",
        "programmering", "!programmeringssprog", "!kodesprog", "kodeklub", "python")),
    "udflugter": ("Udflugter og ture", (
        "udflugt", "udflugter", "tur til", "ture til", "busture", "bustur", "ekskursion",
        "ture ud", "dagstur", "heldagstur", "halvdagstur", "sommerudflugt", "tur med bus",
        "rejse til", "rejser til", "rejsen går til",
        "re:\\btur\\s+til\\b")),
    "sprog": ("Sprog", (
        "sprog", "danskcafé", "sprogcafé", "sprogundervisning", "danskundervisning", "engelsk",
        "tysk", "fransk", "spansk", "italiensk", "norsk", "svensk", "engelskundervisning",
        "konversation", "lektiehjælp",
        "re:\\b(?:lær\\w*|øv\\w*|tal\\w*|undervisning\\s+i|træne)\\s+(?:på\\s+)?dansk\\b",
        "re:\\bdansk\\s+for\\s+(?:udlændinge|begyndere|nydanskere|voksne)")),
}

#: Compound heads that leave the meaning to the first part: a "gymnastikhold" is gymnastics,
#: a "skakklub" chess, a "demenscafé" about dementia (and a café). Compared by Snowball stem.
GENERIC_HEADS: tuple[str, ...] = (
    "klub", "klubben", "hold", "holdet", "gruppe", "gruppen", "aften", "aftener", "dag", "dage",
    "eftermiddag", "formiddag", "morgen", "café", "cafe", "caféen", "cafeen", "kursus",
    "forening", "foreningen", "fællesskab", "fællesskabet", "træf", "selskab", "kreds",
    "tur", "ture", "turen", "time", "timer", "spiller", "spillere", "netværk", "venner", "ven",
    "makker", "makkere", "stund", "festival", "uge", "weekend", "sæson", "afdeling",
    "udvalg", "lektion", "lektioner", "undervisning", "træning", "mødested",
)
#: Words that start like a keyword or split into keyword parts but are one word of their own
#: ("naturligvis" is "of course", "formiddag" is "morning", not "for" + "middag"). A word
#: starting with one of these is read by what follows it only ("eftermiddagskoncert").
NOT_COMPOUNDS: tuple[str, ...] = (
    "naturligvis", "naturlig", "formiddag", "eftermiddag", "madpakke", "kropssprog",
)
