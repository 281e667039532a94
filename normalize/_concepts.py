"""Danish concept map for free-text search: the words brobyggere and citizens type, and what
the offers that fit them say.

Where the entries come from (the ``source`` of each concept and phrase says which):

- **brief**: the list in issue 16 ("enke/enkemand/mistet/sorg → grief groups;
  ipad/tablet/mobil/computer/it → digital help; lære/øve dansk → language cafés; gå tur/vandre →
  walks; spille kort/brætspil → games; synge/kor → singing; billig mad/spise sammen → community
  meals; mænd/mandeklub → for men").
- **offers**: how Danish municipal, library and association listings name the offer (the same
  sources as the category phrases in `normalize._phrases`; the concept's ``categories`` are
  those slugs): "sorggruppe", "sorgcafé", "efterladte", "IT-hjælp", "danskcafé", "gåtur",
  "fællesspisning", "mænds mødested", "stolegymnastik", "læsekreds" ...
- **citizen**: everyday words for the same need that listings do not use ("mistet min mand",
  "ipad", "mobilen", "kommet til Danmark", "spiser alene", "alzheimer", "dyrke grøntsager").

A phrase is one or more words, matched on their Snowball stems, in order, with up to
`MAX_GAP` other words between them ("øve sig i at tale dansk" holds "øve … dansk"). A phrase
starting with "=" applies only when it is the whole question (without stop words): "have"
alone is a garden, "vil gerne have hjælp" is not. Longer phrases are tried first, so
"mistet min mand" is grief, not "for men".

Words that name an offer the way listings name it ("sorg", "fællesspisning", "brætspil",
"strik", "gymnastik") are not in the map: they are searched as typed, and a concept would only
widen them past what was asked. The map holds the words listings do not use, or use for less
than the citizen means.

A concept's ``terms`` are what is looked up in the index, as Snowball stems of the words
given; a term ending in "*" matches as a prefix (of an index term: a stem or a compound part,
see `normalize.analysis`), the others exactly ("enke" must not find "enkelt", "kor" not
"Kors"). The typed words of a recognised phrase are not searched themselves: the concept's
terms are.
"""

from __future__ import annotations

from typing import NamedTuple

#: Words between two words of a phrase.
MAX_GAP = 3


class Concept(NamedTuple):
    terms: tuple[str, ...]
    categories: tuple[str, ...]
    source: str


class Entry(NamedTuple):
    concept: str
    phrases: tuple[str, ...]
    source: str


CONCEPTS: dict[str, Concept] = {
    "sorg": Concept(
        ("sorg*", "sorggruppe", "sorgcafé", "enke", "enker", "enkemand", "enkemænd", "mistet",
         "efterladte", "savn", "sorgvejleder", "ægtefælle"),
        ("sorg_stoette",), "brief (grief groups); offers: Holstebro, Assens, Copenhagen grief "
        "groups name themselves sorggruppe/sorgcafé, for enker og enkemænd, efterladte"),
    "ensomhed": Concept(
        ("ensom*", "alene", "fællesskab", "samvær", "selskab"),
        ("sorg_stoette", "cafe_netvaerk"),
        "offers: 'for dig, der er alene i weekenden', 'Ensomhed og fællesskab'"),
    "demens": Concept(
        # Not "demens" itself: its stem is "dem", the pronoun ("mødes med dem").
        ("demenscafé", "demenscaféen", "demensramte", "demenskoordinator", "pårørende",
         "alzheimer", "hukommelse"),
        ("demens_paaroerende",), "offers: demenscafé for pårørende; citizen: alzheimer"),
    "digital": Concept(
        ("digital", "digitale", "it", "computer", "tablet", "ipad", "smartphone", "mobil",
         "mobiltelefon", "mitid", "boks", "internet", "app", "appen", "hjælpere"),
        ("digital",), "brief (digital help); offers: IT-hjælp, MitID og e-Boks on library pages"),
    "sprog": Concept(
        ("danskcafé", "sprogcafé", "sprog*", "danskundervisning", "dansktræning",
         "konversation"),
        ("sprog",), "brief (language cafés); offers: danskcafé / sprogcafé, 'øv dit dansk'"),
    "gaatur": Concept(
        ("gåtur", "gåture", "vandre*", "vandring", "vandretur", "gåklub", "gågruppe"),
        ("motion", "natur_have"),
        "brief (walks); offers: vandregruppen, fælles gåtur, Gå-sammen"),
    "cykel": Concept(
        ("cykel*", "cykl*", "cyklist*", "cykeltur"),
        ("motion",), "offers: cykelklub, seniorcyklister"),
    "motion": Concept(
        ("motion*", "gymnastik", "stolegymnastik", "træning", "træner", "bevægelse",
         "øvelser", "dans", "seniordans", "yoga"),
        ("motion",), "offers: stolegymnastik, seniordans, 'blid træning'"),
    "spil": Concept(
        ("spil", "spille", "brætspil", "kortspil", "kort", "spilcafé", "spilleaften", "whist",
         "bridge", "rummy", "rummikub", "kabale", "ludo"),
        ("spil",), "brief (games); offers: brætspilsaften, kortspil, whist, bridge"),
    "sang": Concept(
        ("syng*", "sang*", "fællessang", "kor", "koret", "korsang", "højskolesangbogen"),
        ("musik_sang",), "brief (singing); offers: fællessang, syng sammen, Højskolesangbogen"),
    "spisning": Concept(
        ("fællesspisning*", "spisning", "spise", "spiser", "mad", "måltid", "retter",
         "aftensmad", "frokost", "frokostklub", "madklub", "suppe", "middag"),
        ("mad",), "brief (community meals); offers: fællesspisning, madklub, frokostklub"),
    "madlavning": Concept(
        ("madlavning", "mad", "køkkenet", "madklub"),
        ("mad",), "offers: 'Madlavning for mænd', 'vi laver mad sammen'"),
    "maend": Concept(
        ("mænd", "mænds", "mand", "mandeklub", "mandegruppe", "herreklub"),
        ("maend",), "brief (for men); offers: Mænds Mødested, Mandeklubben"),
    "haandarbejde": Concept(
        ("strik*", "hækl*", "håndarbejde", "garn", "strikketøj", "broderi", "syning"),
        ("kreativ",), "offers: strikkeklub, strikkecafé ('strikke og hækle')"),
    "cafe": Concept(
        ("snak", "snakke", "café", "caféen", "samvær", "kaffeklub", "kaffemik", "netværk"),
        ("cafe_netvaerk",), "offers: 'kaffe, kage og en snak', frivilligcaféen"),
    "have": Concept(
        # Not "have"/"haven": their stem is "hav", the verb ("du skal selv have en makker").
        ("havefællesskab", "dyrke", "dyrker", "grøntsager", "køkkenhave", "nyttehave",
         "høster", "luger"),
        ("natur_have",), "offers: havefællesskab ('vi sår, luger, høster')"),
    "laesning": Concept(
        ("læsekreds", "læse", "læser", "bog", "bogen", "bøger", "roman*", "bogklub"),
        ("kultur_foredrag",), "offers: læsekreds on library pages"),
    "foredrag": Concept(
        ("foredrag", "fortæller", "lokalhistorisk*", "historie", "arkiv*", "forsker"),
        ("kultur_foredrag",), "offers: foredrag by local history archives and universities"),
}

ENTRIES: tuple[Entry, ...] = (
    # Grief: the bereaved, as they say it and as the groups say it.
    Entry("sorg", ("enke", "enker", "enkemand", "enkemænd", "sørger", "sørge", "efterladt",
                   "efterladte"), "brief"),
    Entry("sorg", ("mistet", "miste", "mistede", "har mistet"), "brief"),
    Entry("sorg", ("mistet mand", "mistet kone", "mistet hustru", "mistet ægtefælle",
                   "mistet far", "mistet mor", "mistet barn", "mistet søn", "mistet datter"),
          "citizen: 'mistet min mand' (mand is the lost one, not a men's group)"),
    Entry("sorg", ("savner", "savn", "døde", "død", "dødsfald", "begravelse", "er gået bort"),
          "citizen: 'hun savner sine veninder der er døde'"),
    # Loneliness.
    Entry("ensomhed", ("ensom", "ensomme", "ensomhed", "alene", "isoleret"),
          "offers: 'alene i weekenden', 'Ensomhed og fællesskab'"),
    # Dementia and the relatives.
    Entry("demens", ("demens", "dement", "demente", "alzheimer", "alzheimers", "glemsom",
                     "hukommelse", "pårørende"), "offers; citizen: 'hans kone har alzheimer'"),
    # Digital help.
    Entry("digital", ("ipad", "tablet", "tabletten", "mobil", "mobilen", "mobiltelefon",
                      "smartphone", "computer", "computeren", "pc", "it", "internet",
                      "internettet", "mitid", "nemid", "e-boks", "eboks", "app", "apps",
                      "digital", "digitale", "email", "mail", "facebook"), "brief; offers"),
    # Danish as a second language.
    Entry("sprog", ("lære dansk", "øve dansk", "tale dansk", "snakke dansk", "dansk sprog",
                    "danskundervisning", "kommet til danmark", "ny i danmark", "flygtning",
                    "indvandrer"),
          "brief ('lære/øve dansk'); citizen: 'lige kommet til Danmark'"),
    # Walks.
    Entry("gaatur", ("gå tur", "gå en tur", "går tur", "går ture", "gå ture", "gåtur", "gåture",
                     "vandre", "vandring", "vandretur", "gå sammen", "ud og gå", "gåklub",
                     "gågruppe", "stavgang"), "brief; offers: Gå-sammen, Vandregruppen"),
    # Cycling.
    Entry("cykel", ("cykle", "cykler", "cykling", "cykeltur", "cykelture", "cykelklub"),
          "offers: cykelklub for seniorer"),
    # Exercise.
    Entry("motion", ("motion", "motionere", "træne", "træning", "bevægelse", "holde sig i form",
                     "røre sig", "komme i form"),
          "offers: stolegymnastik, seniordans"),
    # Games.
    Entry("spil", ("spille kort", "spiller kort", "spille spil", "spille brætspil",
                   "spille et spil", "spil kort"),
          "brief ('spille kort/brætspil'); offers"),
    # Singing.
    Entry("sang", ("synge", "synger", "syng", "kor", "koret", "sangkor"),
          "brief ('synge/kor'); offers: fællessang"),
    # Community meals.
    Entry("spisning", ("billig mad", "gratis mad", "spise sammen", "spiser sammen",
                       "spise alene", "spiser alene", "spiser altid alene", "måltid",
                       "varmt måltid", "spise"),
          "brief ('billig mad/spise sammen'); citizen: 'han spiser altid alene'"),
    Entry("madlavning", ("lave mad", "laver mad", "kokkeklub", "kogeklub", "lære at lave mad"),
          "offers: 'Madlavning for mænd 60+', 'Madklub'"),
    # For men.
    Entry("maend", ("mand", "mandeklub", "mandeklubben", "mandegruppe", "herreklub",
                    "herrer", "gubber"), "brief ('mænd/mandeklub')"),
    # Needlework.
    Entry("haandarbejde", ("hækle", "hækler", "hækling", "håndarbejde", "brodere", "sy"),
          "offers: strikkecafé"),
    # Someone to talk to. Not "kaffe og en snak": that is how listings say it, and searched as
    # typed (both words) it is precise; the concept ("kaffe") would be nearly every offer.
    Entry("cafe", ("sludre", "snakke med nogen", "nogen at snakke med", "nogen at tale med",
                   "tale med nogen", "hyggeligt samvær"),
          "citizen: 'hun har ingen at snakke med'; offers: 'nogen at tale med'"),
    # Gardening.
    Entry("have", ("=have", "haven", "havearbejde", "havefællesskab", "køkkenhave",
                   "dyrke grøntsager", "dyrke", "grøntsager", "nyttehave"),
          "offers: havefællesskab; 'have' alone only (else the verb 'to have')"),
    # Reading.
    Entry("laesning", ("læse bøger", "læse", "læser", "bøger", "bog", "romaner"),
          "offers: læsekreds"),
    # Talks.
    Entry("foredrag", ("lokalhistorie", "historie", "fortælling", "hvordan det var engang"),
          "offers: foredrag by the local history archive"),
)

#: Danish function words and the fillers of a spoken question ("min mor er lige blevet enke"):
#: not searched (unless the question has nothing else), never named as not found.
#: After the Snowball project's Danish stop word list, with the fillers brobyggere write.
STOPWORDS = frozenset("""
og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi
min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her
alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette mit
også under have nogle hende sine blive mod mange hvis meget sit jer dig hendes hvordan disse
din dine mine sine vores jeres kan får få gerne lige blevet godt lide altid bare rigtig nok
nogen noget andre anden andet helt ofte tit sådan lidt mere mest må måske kommer komme gå
gerne igen hos hjælp til ting gøre gør noget
""".split())
