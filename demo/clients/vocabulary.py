"""What demo cases are made of, drawn by weight or at random: contact types, durations, places, notes and
topics, outcomes, housing situations, accommodation stays, task titles, landlords and addresses."""

from hagen_zuhause import codes


def _cumulative(weighted):
    """(values, cumulative shares) for drawing with ``bisect(shares, random())``."""
    values, weights = zip(*weighted, strict=True)
    total, running, shares = sum(weights), 0, []
    for weight in weights[:-1]:
        running += weight
        shares.append(running / total)
    return values, shares


CONTACT_TYPES = {
    codes.CaseType.PREVENTION: [("office", 35), ("phone", 28), ("home_visit", 14), ("accompaniment", 10),
                                ("outreach", 5), ("other", 8)],
    codes.CaseType.PROVISION: [("office", 30), ("phone", 20), ("outreach", 25), ("accompaniment", 12),
                               ("home_visit", 5), ("other", 8)],
}  # fmt: skip
_CONTACT_TYPE_TABLE = {case_type: _cumulative(weighted) for case_type, weighted in CONTACT_TYPES.items()}
DURATIONS = {"office": (30, 90), "phone": (5, 20), "outreach": (15, 60), "home_visit": (45, 120),
             "accompaniment": (60, 240), "other": (10, 45)}  # fmt: skip
PLACES = {
    "office": ["Fachstelle Wohnen"],
    "phone": [""],
    "outreach": ["Notunterkunft", "Tagesaufenthalt", "Bahnhofsumfeld", "Übergangswohnung", "Frauenübernachtung"],
    "home_visit": ["Wohnung der Klient*in"],
    "accompaniment": ["Jobcenter Hagen", "Amtsgericht Hagen", "Wohnungsbesichtigung", "Bürgeramt", "Arztpraxis"],
    "other": ["", "Kooperationspartner"],
}
NOTES = [
    "Beratungsgespräch, nächste Schritte besprochen.",
    "Telefonat zur Terminabsprache.",
    "Unterlagen für den Antrag gemeinsam durchgesehen.",
    "Begleitung zum Termin, Ergebnis besprochen.",
    "Wohnungsangebote durchgesehen, Bewerbung vorbereitet.",
    "Kurzer Kontakt, Befinden erfragt.",
    "Schreiben des Vermieters besprochen, Antwort entworfen.",
    "Rückruf wie vereinbart, Termin bestätigt.",
    "Antrag auf Kostenübernahme vorbereitet.",
    "Gespräch mit Dolmetscherin, Situation erklärt.",
    "Aufsuchender Kontakt, Gesprächsangebot gemacht.",
    "Nachbesprechung der Wohnungsbesichtigung.",
]
TOPICS = {
    codes.CaseType.PREVENTION: ["rent_debts", "tenancy", "benefits", "documents", "health", "family"],
    codes.CaseType.PROVISION: ["housing_search", "documents", "benefits", "health", "work", "care", "language"],
}
OUTCOMES = {
    codes.CaseType.PREVENTION: [("tenancy_kept", 45), ("alternative_flat", 15), ("lost_shelter", 10),
                                ("lost_other", 8), ("contact_lost", 14), ("moved_away", 8)],
    codes.CaseType.PROVISION: [("placed_own_tenancy", 40), ("senior_flat", 4), ("care_home", 6), ("clinic", 5),
                               ("other_shelter", 15), ("moved_away", 10), ("contact_lost", 16), ("deceased", 4)],
}  # fmt: skip
PROVISION_SITUATIONS = [("ethos1", 15), ("ethos2", 35), ("ethos3", 20), ("ethos4", 5), ("ethos5", 5), ("ethos6", 20)]
BAGW_FOR_ETHOS = {"ethos1": "rough_sleeping", "ethos2": "emergency_shelter", "ethos3": "municipal_shelter",
                  "ethos4": "institution", "ethos5": "other", "ethos6": "with_family_friends"}  # fmt: skip
STAYS = [
    ("emergency_shelter", "municipal", "Städtische Notunterkunft"),
    ("emergency_shelter", "welfare_org", "Notübernachtung der Wohlfahrtspflege"),
    ("transitional_flat", "municipal", "Übergangswohnung der Stadt"),
    ("transitional_flat", "welfare_org", "Übergangswohnung (Träger)"),
    ("commercial_lodging", "commercial", "Pension (gewerblich)"),
    ("other", "other", "Frauenübernachtung"),
]
TASK_TITLES = [
    "Rückruf Jobcenter",
    "Unterlagen nachfordern",
    "Wohnungsbesichtigung nachhalten",
    "Antrag Mietschuldenübernahme prüfen",
    "Termin zur Nachbesprechung",
    "Schreiben an Vermieter beantworten",
    "Meldebescheinigung besorgen",
]
LANDLORDS = ["Wohnen an der Volme eG (Demo)", "Hagener Wohnbau (Demo)", "Privatvermieter*in", "Immobilien Lenne (Demo)"]
POSTCODES = ["58089", "58095", "58097", "58119"]
STREETS = ["Beispielstraße", "Musterweg", "Am Demopark", "Probegasse", "Lindenhof (Demo)", "Übungsallee"]
