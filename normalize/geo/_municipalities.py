"""The 98 Danish municipalities (kommuner) since 2007, as Danmarks Statistik and DAWA name
them; and names other sources use for some of them."""

from __future__ import annotations

MUNICIPALITIES: tuple[str, ...] = (
    "Albertslund", "Allerød", "Assens", "Ballerup", "Billund", "Bornholm", "Brøndby",
    "Brønderslev", "Dragør", "Egedal", "Esbjerg", "Fanø", "Favrskov", "Faxe", "Fredensborg",
    "Fredericia", "Frederiksberg", "Frederikshavn", "Frederikssund", "Furesø",
    "Faaborg-Midtfyn", "Gentofte", "Gladsaxe", "Glostrup", "Greve", "Gribskov", "Guldborgsund",
    "Haderslev", "Halsnæs", "Hedensted", "Helsingør", "Herlev", "Herning", "Hillerød",
    "Hjørring", "Holbæk", "Holstebro", "Horsens", "Hvidovre", "Høje-Taastrup", "Hørsholm",
    "Ikast-Brande", "Ishøj", "Jammerbugt", "Kalundborg", "Kerteminde", "Kolding", "København",
    "Køge", "Langeland", "Lejre", "Lemvig", "Lolland", "Lyngby-Taarbæk", "Læsø",
    "Mariagerfjord", "Middelfart", "Morsø", "Norddjurs", "Nordfyns", "Nyborg", "Næstved",
    "Odder", "Odense", "Odsherred", "Randers", "Rebild", "Ringkøbing-Skjern", "Ringsted",
    "Roskilde", "Rudersdal", "Rødovre", "Samsø", "Silkeborg", "Skanderborg", "Skive",
    "Slagelse", "Solrød", "Sorø", "Stevns", "Struer", "Svendborg", "Syddjurs", "Sønderborg",
    "Thisted", "Tønder", "Tårnby", "Vallensbæk", "Varde", "Vejen", "Vejle", "Vesthimmerland",
    "Viborg", "Vordingborg", "Ærø", "Aabenraa", "Aalborg", "Aarhus",
)

#: Other names of a municipality (after folding, see gazetteer.fold).
ALIASES: dict[str, str] = {
    "kobenhavns": "København",
    "copenhagen": "København",
    "kobenhavn k": "København",
}
