"""Realistic synthetic demo data for the demo organisation (``seed_demo --clients N --seed S``).

The people are invented, but shaped like the initiative's clients in Hagen: German, Bulgarian
(some written in Cyrillic, with a Latin spelling as alias), Romanian (ș, ț, ă), Turkish, Polish,
Syrian and Ukrainian names; EU-2 families with their children as household members; the target
groups in the project's proportions (seniors ~20 %, mental health ~20 %, women ~25 %, EU-2 ~30 %,
some in two groups, some in none); prevention ~45 % / provision ~55 % cases, part of them closed
with outcomes fitting the type; accommodation stays for provision cases; about 20 contacts per
person over the last two years; eviction suits with their computed deadlines; consents and
referrals to the help network; a few women with a protected address (Sperrvermerk); and a few
planted near-duplicates (Cyrillic/Latin, ß/ss, Romanian diacritics, swapped names) so that the
duplicate hints have something to find. Notes are generic and harmless: no real-looking details.

Deterministic: every person is drawn from ``random.Random(f"{seed}:{number}")``, where ``number``
counts the organisation's clients, and dates are relative to ``today`` — so the same seed on the
same day (and the same starting database) gives the same data, in any batch size.

Speed: rows are written with ``bulk_create`` in batches of 5,000 people, contacts with
PostgreSQL's COPY. 100,000 people with 2,000,000 contacts take minutes. For large runs the history
triggers of the seeded tables are switched off (``without_history``): demo data then has no
change-history rows, which is honest — nobody changed anything — and keeps the history tables
small.
"""

import csv
import io
import random
from bisect import bisect
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pgtrigger
from django.db import connection, transaction
from django.utils import timezone

from cases import codes
from cases.deadlines import schonfrist_end
from cases.models import (
    AccommodationStay,
    Case,
    Client,
    ClientAlias,
    Consent,
    Contact,
    HouseholdMember,
    Notice,
    Referral,
    TargetGroupMembership,
    Task,
)
from cases.services.clients import next_case_numbers, search_text_for
from cooperation.models import Partner, PartnerKind
from hagen_zuhause.models import User
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create

BATCH_SIZE = 5000
#: Runs of at least this many people are written without change history (see the module docstring).
WITHOUT_HISTORY_FROM = 1000
CONTACT_WINDOW_DAYS = 730
TIME_ZONE = "Europe/Berlin"


def _words(text):
    return text.split()


def _one(random, items):
    return items[int(random() * len(items))]


def _cumulative(weighted):
    """(values, cumulative shares) for drawing with ``bisect(shares, random())``."""
    values, weights = zip(*weighted, strict=True)
    total, running, shares = sum(weights), 0, []
    for weight in weights[:-1]:
        running += weight
        shares.append(running / total)
    return values, shares


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


#: Colleagues of the demo team without a login (the three demo accounts are created elsewhere):
#: restricted clients assigned to them stay invisible to the ``sozialarbeit`` account.
DEMO_COLLEAGUES = [
    ("sozialarbeit2", "Derya", "Kaya"),
    ("heilpaedagogik", "Hannes", "Peters"),
]

PARTNERS = [
    {
        "name": "SpDi Gesundheitsamt Hagen",
        "kind": PartnerKind.HEALTH_OFFICE_SPDI,
        "services": "Sozialpsychiatrischer Dienst: Beratung, aufsuchende Hilfe, Krisenintervention",
        "languages": ["de", "en"],
        "target_groups": ["mental_health"],
        "contact_hours": "Mo–Fr 8:30–12:00",
    },
    {
        "name": "Pflegeberatung Hagen",
        "kind": PartnerKind.CARE_COUNSELLING,
        "services": "Beratung zu Pflegegrad, Pflegediensten und Wohnformen im Alter",
        "languages": ["de"],
        "target_groups": ["seniors"],
        "contact_hours": "Di und Do 9:00–15:00",
    },
    {
        "name": "Frauenberatung Hagen",
        "kind": PartnerKind.WOMENS_COUNSELLING,
        "services": "Beratung für Frauen, Schutz bei Gewalt, Begleitung",
        "languages": ["de", "tr", "ar"],
        "target_groups": ["women"],
        "contact_hours": "Mo–Do 10:00–16:00",
    },
    {
        "name": "Schuldnerberatung Hagen",
        "kind": PartnerKind.WELFARE_ORG,
        "services": "Schuldner- und Insolvenzberatung, Mietschulden",
        "languages": ["de", "ro", "bg"],
        "target_groups": ["eu2", "seniors"],
        "contact_hours": "Mi 9:00–12:00 offene Sprechstunde",
    },
    {
        "name": "Jobcenter Hagen",
        "kind": PartnerKind.JOBCENTER,
        "services": "Bürgergeld, Kosten der Unterkunft, Mietschuldenübernahme (§ 22 Abs. 8 SGB II)",
        "languages": ["de", "en", "ro", "bg", "tr"],
        "target_groups": ["eu2", "women", "mental_health"],
        "contact_hours": "Mo–Fr 8:00–12:00",
    },
    {
        "name": "Wohnen an der Volme eG (Demo)",
        "kind": PartnerKind.HOUSING_COMPANY,
        "services": "Vermietung, Wohnungsangebote für Haushalte der Fachstelle",
        "languages": ["de"],
        "target_groups": ["seniors", "women", "eu2", "mental_health"],
        "contact_hours": "nach Vereinbarung",
    },
]


# --- Names ----------------------------------------------------------------------------------
# (female first names, male first names, last names, rule for female last names)

_GERMAN = (
    _words("Sabine Petra Monika Andrea Claudia Nicole Jana Ute Heike Renate Gisela Lea Sarah Jessica Birgit Doris"),
    _words("Jürgen Klaus Peter Thomas Michael Uwe Dieter Rainer Stefan Frank Horst Sven Dennis Kevin Marco Heinz"),
    _words(
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter "
        "Klein Wolf Schröder Neumann Schwarz Zimmermann Krüger Hartmann Lange Weiß Groß Jäger Voß Köhler Strauß"
    ),
    None,
)
_BULGARIAN = (
    _words("Maria Elena Desislava Ivanka Radka Snezhana Galina Tsvetelina Yana Milena"),
    _words("Georgi Ivan Dimitar Nikolay Petar Stoyan Hristo Asen Yordan Angel"),
    _words("Ivanov Petrov Georgiev Dimitrov Stoyanov Nikolov Hristov Yordanov Todorov Kolev Angelov Asenov"),
    "a",  # Ivanova, Petrova …
)
_BULGARIAN_CYRILLIC = dict(
    zip(
        _BULGARIAN[0] + _BULGARIAN[1] + _BULGARIAN[2],
        _words(
            "Мария Елена Десислава Иванка Радка Снежана Галина Цветелина Яна Милена "
            "Георги Иван Димитър Николай Петър Стоян Христо Асен Йордан Ангел "
            "Иванов Петров Георгиев Димитров Стоянов Николов Христов Йорданов Тодоров Колев Ангелов Асенов"
        ),
        strict=True,
    )
)
_ROMANIAN = (
    _words("Ioana Elena Mădălina Alexandra Cătălina Florentina Mirela Ana Ștefania Loredana"),
    _words("Ștefan Ionuț Mihai Andrei Florin Constantin Gheorghe Vasile Răzvan Costel"),
    _words(
        "Popescu Ionescu Stănescu Constantin Dumitrescu Țurcanu Mureșan Rădulescu Lăcătuș Bălan Stoica Șerban "
        "Căldăraru Niță"
    ),
    None,
)
_TURKISH = (
    _words("Ayşe Fatma Emine Zeynep Elif Hatice Gül Derya Büşra Songül"),
    _words("Mehmet Ahmet Mustafa Hüseyin Emre Hakan Murat Yusuf İbrahim Özgür"),
    _words("Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Arslan Doğan Kılıç"),
    None,
)
_POLISH = (
    _words("Anna Katarzyna Małgorzata Agnieszka Joanna Ewa Beata Dorota"),
    _words("Piotr Krzysztof Tomasz Paweł Łukasz Marek Grzegorz Andrzej"),
    _words("Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański"),
    "polish",  # Kowalska, Wiśniewska …
)
_SYRIAN = (
    _words("Fatima Aisha Rana Lina Huda Mariam Noor Samira"),
    _words("Mohammad Ahmad Khaled Omar Yousef Hassan Ali Mahmoud"),
    _words("Al-Hassan Haddad Khalil Darwish Al-Ahmad Nasser Hamdan Saleh"),
    None,
)
_UKRAINIAN = (
    _words("Olena Iryna Nataliia Oksana Tetiana"),
    _words("Oleksandr Andrii Serhii Dmytro Mykola"),
    _words("Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Melnyk Boiko"),
    None,
)
_UKRAINIAN_CYRILLIC = dict(
    zip(
        _UKRAINIAN[0] + _UKRAINIAN[1] + _UKRAINIAN[2],
        _words(
            "Олена Ірина Наталія Оксана Тетяна Олександр Андрій Сергій Дмитро Микола "
            "Шевченко Коваленко Бондаренко Ткаченко Кравченко Мельник Бойко"
        ),
        strict=True,
    )
)
NAMES = {
    "DE": _GERMAN,
    "BG": _BULGARIAN,
    "RO": _ROMANIAN,
    "TR": _TURKISH,
    "PL": _POLISH,
    "SY": _SYRIAN,
    "UA": _UKRAINIAN,
}

#: Kinds of planted near-duplicates: the original is drawn to fit the kind, its copy is spelled differently.
PLANTED_KINDS = ("cyrillic", "eszett", "romanian", "swapped")
_PLANTED_NATIONALITY = {"cyrillic": "BG", "eszett": "DE", "romanian": "RO"}
_PLANTED_NAMES = {
    "eszett": (["Jördis", "Käthe", "Gül"], ["Jürgen", "Günter", "Jörg"], ["Weiß", "Groß", "Strauß", "Voß", "Köhler"]),
    "romanian": (["Ștefania"], ["Ștefan", "Ionuț"], ["Mureșan", "Țurcanu", "Lăcătuș", "Șerban", "Niță"]),
}

# Nationality mix: BG + RO = 30 % (almost all of them in the EU-2 group).
NATIONALITIES = [("DE", 38), ("BG", 15), ("RO", 15), ("TR", 8), ("PL", 6), ("SY", 6), ("UA", 5), ("unknown", 7)]
LANGUAGES = {"DE": ["de"], "BG": ["bg"], "RO": ["ro"], "TR": ["tr", "de"], "PL": ["pl"], "SY": ["ar"],
             "UA": ["uk", "ru"], "unknown": []}  # fmt: skip

_ROMANIAN_PLAIN = str.maketrans("ășțâîĂȘȚÂÎşţŞŢ", "astaiASTAIstST")
_ROMANIAN_CEDILLA = str.maketrans("șțȘȚ", "şţŞŢ")
_TURKISH_PLAIN = str.maketrans("ıİşŞçÇğĞöÖüÜ", "iIsScCgGoOuU")
_GERMAN_PLAIN = {"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}

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


def _female_last_name(last_name, rule):
    if rule == "a" and last_name.endswith("v"):
        return last_name + "a"
    if rule == "polish" and last_name.endswith("ski"):
        return last_name[:-1] + "a"
    return last_name


def _cyrillic(name, table):
    if name in table:
        return table[name]
    if name.endswith("a") and name[:-1] in table:
        return table[name[:-1]] + "а"
    return None


def _german_plain(name):
    return "".join(_GERMAN_PLAIN.get(char, char) for char in name)


# --- One person -----------------------------------------------------------------------------


@dataclass
class PlannedCase:
    case_type: str
    opened_on: object
    closed_on: object = None
    outcome: str = ""
    housing_situation: str = "unknown"
    bagw_situation: str = "unknown"
    homeless_since: object = None
    stays: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    record: object = None  # the Case, once written


@dataclass
class PlannedPerson:
    """Everything about one demo client, drawn from its own random generator."""

    number: int
    client: dict
    aliases: list = field(default_factory=list)
    household: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    worker: int = 0
    extra_workers: list = field(default_factory=list)
    group_end: object = None
    record: object = None  # the Client, once written
    alias_records: list = field(default_factory=list)


class Planner:
    """Draws demo people; ``team`` holds the user ids of the social workers and the team lead."""

    def __init__(self, *, seed, today, team, partners):
        self.seed, self.today, self.team, self.partners = seed, today, team, partners

    def person(self, number, plant=None, original=None):
        """The demo person ``number``; ``plant`` makes it the original of a planted duplicate of
        that kind, ``original`` makes it the duplicate of that person (see PLANTED_KINDS)."""
        rng = random.Random(f"{self.seed}:{number}")
        today = self.today
        if original is not None:
            source = original.client
            nationality, gender = source["nationality"], source["gender"]
            senior = "seniors" in original.groups
        else:
            nationality = _PLANTED_NATIONALITY.get(plant) or _pick(rng, NATIONALITIES)
            senior = rng.random() < (0.1 if nationality in ("BG", "RO") else 0.28)
            gender = _pick(rng, [("female", 42), ("male", 53), ("diverse", 1), ("unknown", 4)])
        names = NAMES.get(nationality) or NAMES[rng.choice(["DE", "DE", "TR", "PL", "SY"])]
        female_names, male_names, last_names, rule = names
        if plant in _PLANTED_NAMES:
            female_names, male_names, last_names = _PLANTED_NAMES[plant]
        first_name = rng.choice(female_names if gender == "female" else male_names if gender == "male" else
                                female_names + male_names)  # fmt: skip
        last_name = rng.choice(last_names)
        if gender == "female":
            last_name = _female_last_name(last_name, rule)

        age = rng.randint(60, 88) if senior else int(rng.triangular(18, 64, 35))
        birth_date, birth_year_estimated = None, None
        precision = 0 if plant else rng.random()
        if precision < 0.86:
            birth_date = today - timedelta(days=age * 365 + rng.randint(0, 364))
        elif precision < 0.96:
            birth_year_estimated = today.year - age
        if original is not None:
            first_name, last_name = _duplicate_spelling(original, plant)
            birth_date, birth_year_estimated = source["birth_date"], source["birth_year_estimated"]

        groups = []
        if senior and rng.random() < 0.95:
            groups.append("seniors")
        if nationality in ("BG", "RO") and rng.random() < 0.94:
            groups.append("eu2")
        if gender == "female" and rng.random() < 0.6:
            groups.append("women")
        if rng.random() < 0.2:
            groups.append("mental_health")

        workers = self.team["social_workers"]
        worker = rng.choices(workers, weights=[40, 35, 25][: len(workers)])[0]
        if rng.random() < 0.05:
            worker = self.team["team_lead"]
        restricted = "women" in groups and rng.random() < 0.08
        if restricted:
            # A protected address: known to exactly one worker (and the team lead).
            worker = workers[number % 2] if len(workers) > 1 else workers[0]
        extra_workers = []
        if not restricted and rng.random() < 0.06:
            extra_workers = [other for other in workers if other != worker][:1]

        interpreter = "no" if nationality == "DE" else _pick(rng, [("yes", 55), ("no", 35), ("unknown", 10)])
        languages = list(LANGUAGES[nationality])
        if nationality in ("BG", "RO") and rng.random() < 0.25:
            languages.append("rom")
        income = (
            _pick(rng, [("pension", 55), ("sgb12", 40), ("unknown", 5)])
            if senior
            else _pick(rng, [("sgb2", 55), ("employment", 15), ("none", 15), ("sgb12", 5), ("unknown", 10)])
        )
        client = {
            "first_name": first_name,
            "last_name": last_name,
            "birth_date": birth_date,
            "birth_year_estimated": birth_year_estimated,
            "gender": gender,
            "nationality": nationality,
            "languages": languages,
            "interpreter_needed": interpreter,
            "income_source": income,
            "care_level": rng.choice([None, None, 0, 1, 2, 3]) if senior else None,
            "restricted": restricted,
            "health_notes": (
                "Demo: gesundheitliche Situation im nächsten Gespräch klären."
                if "mental_health" in groups and rng.random() < 0.2
                else ""
            ),
        }
        person = PlannedPerson(number=number, client=client, groups=groups, worker=worker, extra_workers=extra_workers)
        if original is None:
            self._aliases(rng, person, plant)
        self._household(rng, person)
        self._cases(rng, person, senior)
        client["reachable_via_office"] = person.cases[-1].case_type == codes.CaseType.PROVISION or restricted
        client["postal_address"] = (
            ""
            if client["reachable_via_office"]
            else f"{rng.choice(STREETS)} {rng.randint(1, 120)}, {rng.choice(POSTCODES)} Hagen"
        )
        if rng.random() < 0.22 and person.cases[0].opened_on < today - timedelta(days=180):
            client["reference"] = f"ALT-{person.cases[0].opened_on.year}-{number:06d}"
        self._consents(rng, person)
        self._contacts(rng, person)
        if original is not None:
            client.pop("reference", None)
        return person

    def _aliases(self, rng, person, plant):
        client = person.client
        first, last, nationality = client["first_name"], client["last_name"], client["nationality"]
        if nationality == "BG":
            cyrillic = (_cyrillic(first, _BULGARIAN_CYRILLIC), _cyrillic(last, _BULGARIAN_CYRILLIC))
            if all(cyrillic) and (plant == "cyrillic" or rng.random() < 0.35):
                client["first_name"], client["last_name"] = cyrillic
                person.aliases.append((first, last, "Lateinische Schreibweise (Pass)"))
            elif all(cyrillic) and rng.random() < 0.5:
                person.aliases.append((*cyrillic, "Originalschreibweise (kyrillisch)"))
            if rng.random() < 0.2 and last.endswith("ov"):
                person.aliases.append((first, last[:-2] + "ow", "Schreibweise im Schreiben des Jobcenters"))
        elif nationality == "UA":
            cyrillic = (_cyrillic(first, _UKRAINIAN_CYRILLIC), _cyrillic(last, _UKRAINIAN_CYRILLIC))
            if all(cyrillic) and rng.random() < 0.5:
                person.aliases.append((*cyrillic, "Originalschreibweise (kyrillisch)"))
        elif nationality == "RO":
            plain = (first.translate(_ROMANIAN_PLAIN), last.translate(_ROMANIAN_PLAIN))
            if plain != (first, last) and rng.random() < 0.4:
                person.aliases.append((*plain, "Schreibweise ohne diakritische Zeichen"))
        elif nationality == "TR":
            plain = (first.translate(_TURKISH_PLAIN), last.translate(_TURKISH_PLAIN))
            if plain != (first, last) and rng.random() < 0.3:
                person.aliases.append((*plain, "Schreibweise ohne türkische Sonderzeichen"))
        elif nationality == "DE" and rng.random() < 0.1:
            plain = (_german_plain(first), _german_plain(last))
            if plain != (first, last):
                person.aliases.append((*plain, "Schreibweise ohne Umlaute"))

    def _household(self, rng, person):
        client = person.client
        nationality, last_name = client["nationality"], client["last_name"]
        family = "eu2" in person.groups and rng.random() < 0.45
        if not family and not (rng.random() < 0.12 and "seniors" not in person.groups):
            return
        names = NAMES.get(nationality, _GERMAN)
        female_names, male_names, _last_names, rule = names
        year = self.today.year
        if rng.random() < (0.75 if family else 0.5):
            partner_female = client["gender"] != "female"
            person.household.append(
                {
                    "first_name": rng.choice(female_names if partner_female else male_names),
                    "last_name": _female_last_name(last_name.rstrip("a") if rule == "a" else last_name, rule)
                    if partner_female
                    else last_name,
                    "relationship": "partner",
                    "birth_year": year - rng.randint(20, 55),
                    "gender": "female" if partner_female else "male",
                    "nationality": nationality,
                }
            )
        for _child in range(rng.randint(1, 4) if family else rng.randint(0, 2)):
            gender = rng.choice(["female", "male"])
            person.household.append(
                {
                    "first_name": rng.choice(female_names if gender == "female" else male_names),
                    "last_name": last_name,
                    "relationship": "child",
                    "birth_year": year - rng.randint(0, 17),
                    "gender": gender,
                    "nationality": nationality,
                }
            )

    def _cases(self, rng, person, senior):
        today = self.today
        earliest = today - timedelta(days=CONTACT_WINDOW_DAYS + 20)
        count = 2 if rng.random() < 0.1 else 1
        start = earliest + timedelta(days=rng.randint(0, (today - earliest).days - 3))
        for index in range(count):
            case_type = codes.CaseType.PREVENTION if rng.random() < 0.47 else codes.CaseType.PROVISION
            case = PlannedCase(case_type=case_type, opened_on=start)
            last = index == count - 1
            age_days = (today - start).days
            if not last or (age_days > 45 and rng.random() < min(0.85, age_days / 700)):
                room = (today - start).days - 1 if last else max(31, (today - start).days // 2)
                case.closed_on = start + timedelta(days=rng.randint(min(30, room), max(30, room)))
                case.closed_on = min(case.closed_on, today - timedelta(days=1))
                case.outcome = self._outcome(rng, case_type, senior)
            if case_type == codes.CaseType.PREVENTION:
                case.housing_situation, case.bagw_situation = "threatened", "own_tenancy"
                self._notices(rng, person, case)
            else:
                case.housing_situation = _pick(rng, PROVISION_SITUATIONS)
                case.bagw_situation = BAGW_FOR_ETHOS[case.housing_situation]
                case.homeless_since = start - timedelta(days=int(rng.expovariate(1 / 300)))
                self._stays(rng, person, case)
            if case.closed_on is None and rng.random() < 0.35:
                case.tasks.append(
                    {
                        "kind": codes.TaskKind.MANUAL,
                        "title": rng.choice(TASK_TITLES),
                        "due_on": today + timedelta(days=rng.randint(-10, 30)),
                    }
                )
            person.cases.append(case)
            if case.closed_on is None:
                break
            start = case.closed_on + timedelta(days=rng.randint(1, 60))
            if start >= today:
                break
        last_case = person.cases[-1]
        if last_case.closed_on is not None and rng.random() < 0.5:
            person.group_end = last_case.closed_on

    def _outcome(self, rng, case_type, senior):
        outcomes = OUTCOMES[case_type]
        if not senior:
            outcomes = [(code, weight) for code, weight in outcomes if code not in ("senior_flat", "care_home")]
        return _pick(rng, outcomes)

    def _stays(self, rng, person, case):
        if rng.random() > 0.7:
            return
        previous_end = max((stay["end"] for c in person.cases for stay in c.stays if stay["end"]), default=None)
        start = case.opened_on + timedelta(days=rng.randint(0, 20))
        if previous_end and start <= previous_end:
            start = previous_end + timedelta(days=1)
        end_limit = case.closed_on or self.today
        women = "women" in person.groups
        for number in range(rng.randint(1, 3)):
            if start > end_limit:
                break
            kind, provider_type, provider = rng.choice(STAYS[:5] if not women else STAYS)
            end = start + timedelta(days=rng.randint(14, 240))
            last = number == 2 or end >= end_limit
            if last:
                end = case.closed_on if case.closed_on else (None if rng.random() < 0.8 else min(end, self.today))
            case.stays.append(
                {"kind": kind, "provider_type": provider_type, "provider_name": provider, "start": start, "end": end}
            )
            if end is None or last:
                break
            start = end + timedelta(days=1)

    def _notices(self, rng, person, case):
        if rng.random() > 0.4:
            return
        today = self.today
        rent = Decimal(rng.randrange(320, 760, 5))
        arrears = rent * rng.choice([2, 2, 3, 4])
        landlord = rng.choice(LANDLORDS)
        received = max(case.opened_on - timedelta(days=rng.randint(0, 20)), today - timedelta(days=900))
        case.notices.append(
            {
                "kind": codes.NoticeKind.NOTICE_TO_QUIT,
                "received_on": received,
                "landlord_name": landlord,
                "monthly_rent": rent,
                "arrears": arrears,
                "note": "Fristlose Kündigung wegen Mietrückständen (Demo).",
            }
        )
        if rng.random() > 0.6:
            return
        received = case.opened_on + timedelta(days=rng.randint(5, 60))
        if received >= today:
            return
        served = received - timedelta(days=rng.randint(0, 4))
        hearing = served + timedelta(days=rng.randint(35, 90))
        notice = {
            "kind": codes.NoticeKind.EVICTION_SUIT,
            "received_on": received,
            "served_on": served,
            "court_file_number": f"{rng.randint(10, 29)} C {rng.randint(100, 999)}/{served:%y}",
            "landlord_name": landlord,
            "monthly_rent": rent,
            "arrears": arrears,
            "hearing_on": hearing,
            "note": "Räumungsklage, Termin zur mündlichen Verhandlung (Demo).",
        }
        if rng.random() < 0.6:
            applied = served + timedelta(days=rng.randint(2, 14))
            notice["debt_takeover_amount"] = arrears
            notice["debt_takeover_applied_on"] = min(applied, today)
            decided = applied + timedelta(days=rng.randint(7, 30))
            if decided < today:
                notice["debt_takeover_decided_on"] = decided
                notice["debt_takeover_decision"] = _pick(rng, [("loan", 60), ("grant", 10), ("rejected", 30)])
            else:
                notice["debt_takeover_decision"] = codes.DebtTakeoverDecision.PENDING
        limit = schonfrist_end(served)
        if case.outcome == codes.Outcome.TENANCY_KEPT and notice.get("debt_takeover_decision") in ("loan", "grant"):
            used = notice["debt_takeover_decided_on"] + timedelta(days=rng.randint(1, 10))
            if used <= limit and used < today:
                notice["schonfrist_used_on"] = used
        if case.outcome in (codes.Outcome.LOST_SHELTER, codes.Outcome.LOST_OTHER):
            notice["eviction_on"] = min(hearing + timedelta(days=rng.randint(40, 120)), case.closed_on)
        case.notices.append(notice)

    def _consents(self, rng, person):
        if rng.random() > 0.3:
            return
        case = person.cases[-1]
        groups = person.groups
        kinds = [PartnerKind.JOBCENTER]
        kinds += [PartnerKind.HEALTH_OFFICE_SPDI] * 2 if "mental_health" in groups else []
        kinds += [PartnerKind.CARE_COUNSELLING] * 2 if "seniors" in groups else []
        kinds += [PartnerKind.WOMENS_COUNSELLING] * 2 if "women" in groups else []
        kinds += [PartnerKind.WELFARE_ORG] if case.case_type == codes.CaseType.PREVENTION else []
        kinds += [PartnerKind.HOUSING_COMPANY] if case.case_type == codes.CaseType.PROVISION else []
        kind = rng.choice(kinds)
        end = case.closed_on or self.today
        given = case.opened_on + timedelta(days=rng.randint(0, max(0, min(30, (end - case.opened_on).days))))
        consent = {
            "partner": self.partners[kind],
            "scope": codes.ConsentScope.AUTHORITIES if kind == PartnerKind.JOBCENTER else codes.ConsentScope.REFERRAL,
            "given_on": given,
            "expires_on": given + timedelta(days=365) if rng.random() < 0.7 else None,
            "withdrawn_on": None,
            "referral": None,
        }
        if rng.random() < 0.04 and given < self.today:
            consent["withdrawn_on"] = given + timedelta(days=rng.randint(1, max(1, (self.today - given).days)))
        elif rng.random() < 0.6:
            referred = given + timedelta(days=rng.randint(0, 14))
            if referred <= self.today:
                outcome = _pick(rng, [("", 25), ("accepted", 35), ("completed", 25), ("client_declined", 8),
                                      ("provider_declined", 7)])  # fmt: skip
                outcome_on = min(referred + timedelta(days=rng.randint(3, 40)), self.today) if outcome else None
                consent["referral"] = {"referred_on": referred, "outcome": outcome, "outcome_on": outcome_on}
        person.consents.append(consent)

    def _contacts(self, rng, person):
        """About 20 contacts per person, inside the periods of their cases, the intake first.

        Contacts are by far the most rows: they are drawn with ``rng.random()`` alone and kept as
        the strings COPY needs (``randint``, ``choice`` and datetime objects cost minutes at 2M rows).
        """
        today = self.today
        window_start = today - timedelta(days=CONTACT_WINDOW_DAYS)
        windows = []
        for index, case in enumerate(person.cases):
            start, end = max(case.opened_on, window_start), min(case.closed_on or today, today)
            if start <= end:
                windows.append((index, start, end))
        if not windows:
            return
        total = max(2, round(rng.gauss(20, 7)))
        days = sum((end - start).days + 1 for _index, start, end in windows)
        workers = [person.worker, *person.extra_workers]
        # Colleagues stand in now and then, but a protected address stays with its worker and the team lead.
        team = [*self.team["social_workers"], self.team["team_lead"]]
        if person.client["restricted"]:
            team = [person.worker, self.team["team_lead"]]
        interpreter = person.client["interpreter_needed"] == "yes"
        eu2 = "eu2" in person.groups
        random = rng.random
        for index, start, end in windows:
            case = person.cases[index]
            span = (end - start).days + 1
            share = max(1, round(total * span / days))
            first = start.toordinal()
            offsets = sorted(int(random() * span) for _ in range(share))
            intake = case.opened_on >= window_start
            if intake:
                offsets[0] = 0
            types, cumulative = _CONTACT_TYPE_TABLE[case.case_type]
            topics = TOPICS[case.case_type]
            for number, offset in enumerate(offsets):
                day = date.fromordinal(first + offset).isoformat()
                kind = "office" if intake and number == 0 else types[bisect(cumulative, random())]
                low, high = DURATIONS[kind]
                duration = None if random() < 0.05 else low + 5 * int(random() * ((high - low) // 5 + 1))
                chosen = {_one(random, topics)}
                if random() < 0.4:
                    chosen.add(_one(random, topics))
                if eu2 and random() < 0.3:
                    chosen.add("language")
                person.contacts.append(
                    (
                        index,
                        day,
                        kind,
                        duration,
                        _one(random, PLACES[kind]),
                        "{" + ",".join(sorted(chosen)) + "}",
                        interpreter and random() < 0.5,
                        _one(random, workers) if random() < 0.85 else _one(random, team),
                        _one(random, NOTES) if random() < 0.7 else "",
                        f"{day} {8 + int(random() * 9):02d}:{15 * int(random() * 4):02d}:00 {TIME_ZONE}",
                    )
                )


def _duplicate_spelling(original, kind):
    """How the planted duplicate of ``original`` writes the same name."""
    first, last = original.client["first_name"], original.client["last_name"]
    if kind == "cyrillic":  # the original is written in Cyrillic; this record in German transliteration
        latin = next(((alias[0], alias[1]) for alias in original.aliases if alias[2].startswith("Lateinische")), None)
        first, last = latin or (first, last)
        return first, last.replace("v", "w")
    if kind == "eszett":  # ß as ss, umlauts written out
        return _german_plain(first), _german_plain(last)
    if kind == "romanian":  # comma below (ș, ț) written with a cedilla (ş, ţ)
        return first.translate(_ROMANIAN_CEDILLA), last.translate(_ROMANIAN_CEDILLA)
    return last, first  # first and last name swapped


# --- Writing --------------------------------------------------------------------------------


@dataclass
class SeedResult:
    clients: int = 0
    cases: int = 0
    contacts: int = 0
    notices: int = 0
    tasks: int = 0
    consents: int = 0
    referrals: int = 0
    planted_duplicates: list = field(default_factory=list)


def demo_team_ensure(organisation):
    """The demo team: social workers (the ``sozialarbeit`` account and two colleagues) and the team lead."""
    social_workers = []
    for username, first_name, last_name in DEMO_COLLEAGUES:
        if not User.objects.filter(username=username).exists():
            user_create(
                organisation=organisation,
                username=username,
                role=Role.SOCIAL_WORKER,
                password=None,
                first_name=first_name,
                last_name=last_name,
            )
    users = User.objects.filter(organisation=organisation, is_active=True).order_by("pk")
    social_workers = list(users.with_role(Role.SOCIAL_WORKER).values_list("pk", flat=True))
    team_lead = users.with_role(Role.TEAM_LEAD).values_list("pk", flat=True).first()
    if not social_workers or team_lead is None:
        raise ValueError("The demo organisation needs a social worker and a team lead.")
    return {"social_workers": social_workers, "team_lead": team_lead}


def demo_partners_ensure(organisation):
    partners = {}
    for values in PARTNERS:
        partner, _created = Partner.objects.get_or_create(
            organisation=organisation, name=values["name"], defaults=values
        )
        partners[partner.kind] = partner.pk
    return partners


def _history_triggers():
    """pgtrigger URIs of the insert history triggers of every table the seed writes to."""
    models = {Client, ClientAlias, HouseholdMember, TargetGroupMembership, Case, AccommodationStay, Contact, Task,
              Notice, Consent, Referral}  # fmt: skip
    return [
        f"{model._meta.label}:{trigger.name}"
        for model in models
        for trigger in getattr(model._meta, "triggers", [])
        if trigger.name == "insert_insert"
    ]


def _planned_duplicates(count):
    """Positions (within the run) of planted duplicates: {copy: (original, kind)}.

    A few pairs (at least four, one per kind, when the run is large enough; one per 60 people up to
    200), spread over the run; each copy comes right after its original.
    """
    pairs = min(max(count // 60, len(PLANTED_KINDS)), 200) if count >= 2 * len(PLANTED_KINDS) else count // 2
    step = max(2, count // max(pairs, 1))
    return {
        start + 1: (start, PLANTED_KINDS[number % len(PLANTED_KINDS)])
        for number, start in enumerate(range(0, step * pairs, step))
        if start + 1 < count
    }


def seed_clients(*, organisation, count, seed, today=None, progress=None, without_history=None):
    """Create ``count`` demo clients with everything around them; one transaction.

    ``progress(done, total)`` is called after each batch. History triggers are off for runs of
    at least WITHOUT_HISTORY_FROM people unless ``without_history`` says otherwise.
    """
    today = today or timezone.localdate()
    if without_history is None:
        without_history = count >= WITHOUT_HISTORY_FROM
    team = demo_team_ensure(organisation)
    partners = demo_partners_ensure(organisation)
    planner = Planner(seed=seed, today=today, team=team, partners=partners)
    offset = Client.objects.filter(organisation=organisation).count()
    copies = _planned_duplicates(count)
    result = SeedResult()
    triggers = _history_triggers() if without_history else []
    plants = dict(copies.values())
    originals = {}
    with transaction.atomic(), pgtrigger.ignore(*triggers) if triggers else nullcontext():
        for start in range(0, count, BATCH_SIZE):
            people = []
            for position in range(start, min(start + BATCH_SIZE, count)):
                original, kind = copies.get(position, (None, None))
                person = planner.person(
                    offset + position, plant=plants.get(position) or kind, original=originals.pop(original, None)
                )
                if position in plants:
                    originals[position] = person
                if original is not None:
                    result.planted_duplicates.append((offset + original, person.number, kind))
                people.append(person)
            _write(organisation, people, today, result, ignore_history=bool(triggers))
            if progress:
                progress(min(start + BATCH_SIZE, count), count)
    return result


def _aware(day, at=time(9, 0)):
    return timezone.make_aware(datetime.combine(day, at))


def _write(organisation, people, today, result, *, ignore_history):
    by_year = {}
    for person in people:
        by_year.setdefault(person.cases[0].opened_on.year, []).append(person)
    clients = []
    for year, year_people in sorted(by_year.items()):
        numbers = next_case_numbers(organisation, year, len(year_people))
        for person, number in zip(year_people, numbers, strict=True):
            values = dict(person.client)
            client = Client(
                organisation=organisation,
                case_number=number,
                created_at=_aware(person.cases[0].opened_on),
                created_by_id=person.worker,
                **values,
            )
            aliases = [ClientAlias(first_name=first, last_name=last, note=note) for first, last, note in person.aliases]
            client.search_text = search_text_for(client, aliases)
            person.record, person.alias_records = client, aliases
            clients.append(client)
    Client.objects.bulk_create(clients, batch_size=BATCH_SIZE)

    aliases, household, memberships, assignments, cases = [], [], [], [], []
    through = Client.assigned_workers.through
    for person in people:
        client = person.record
        for alias in person.alias_records:
            alias.client = client
            aliases.append(alias)
        household += [HouseholdMember(client=client, **member) for member in person.household]
        start = person.cases[0].opened_on
        memberships += [
            TargetGroupMembership(client=client, group=group, start=start, end=person.group_end)
            for group in person.groups
        ]
        assignments += [through(client_id=client.pk, user_id=user) for user in [person.worker, *person.extra_workers]]
        for planned in person.cases:
            planned.record = Case(
                client=client,
                case_type=planned.case_type,
                opened_on=planned.opened_on,
                closed_on=planned.closed_on,
                outcome=planned.outcome,
                housing_situation=planned.housing_situation,
                bagw_situation=planned.bagw_situation,
                homeless_since=planned.homeless_since,
                opened_by_id=person.worker,
                closed_by_id=person.worker if planned.closed_on else None,
            )
            cases.append(planned.record)
    ClientAlias.objects.bulk_create(aliases, batch_size=BATCH_SIZE)
    HouseholdMember.objects.bulk_create(household, batch_size=BATCH_SIZE)
    TargetGroupMembership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    through.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
    Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)

    stays, notices, consents = [], [], []
    for person in people:
        client = person.record
        for planned in person.cases:
            stays += [AccommodationStay(client=client, **stay) for stay in planned.stays]
            for values in planned.notices:
                notice = Notice(client=client, case=planned.record, **values)
                notice.planned_by = person
                notices.append(notice)
        for values in person.consents:
            consent = Consent(
                client=client,
                scope=values["scope"],
                partner_id=values["partner"],
                given_on=values["given_on"],
                expires_on=values["expires_on"],
                withdrawn_on=values["withdrawn_on"],
            )
            consent.planned_by, consent.planned_referral = person, values["referral"]
            consents.append(consent)
    AccommodationStay.objects.bulk_create(stays, batch_size=BATCH_SIZE)
    Notice.objects.bulk_create(notices, batch_size=BATCH_SIZE)
    Consent.objects.bulk_create(consents, batch_size=BATCH_SIZE)

    tasks = []
    for person in people:
        for planned in person.cases:
            tasks += [
                Task(
                    organisation=organisation,
                    client=person.record,
                    case=planned.record,
                    assignee_id=person.worker,
                    created_at=_aware(planned.opened_on),
                    **values,
                )
                for values in planned.tasks
            ]
    for notice in notices:
        tasks += _deadline_tasks(organisation, notice, notice.planned_by, today)
    referrals = [
        Referral(
            client=consent.client,
            case=consent.planned_by.cases[-1].record,
            partner_id=consent.partner_id,
            referred_on=consent.planned_referral["referred_on"],
            consent=consent,
            outcome=consent.planned_referral["outcome"],
            outcome_on=consent.planned_referral["outcome_on"],
            worker_id=consent.planned_by.worker,
        )
        for consent in consents
        if consent.planned_referral
    ]
    Task.objects.bulk_create(tasks, batch_size=BATCH_SIZE)
    Referral.objects.bulk_create(referrals, batch_size=BATCH_SIZE)

    result.contacts += _copy_contacts(people, ignore_history=ignore_history)
    result.clients += len(clients)
    result.cases += len(cases)
    result.notices += len(notices)
    result.tasks += len(tasks)
    result.consents += len(consents)
    result.referrals += len(referrals)


def _deadline_tasks(organisation, notice, person, today):
    """The tasks notice_save would compute: end of the grace period, hearing, eviction date.

    Deadlines that passed (or whose case was closed before them) are done.
    """
    wanted = []
    if notice.served_on:
        wanted.append(
            (
                codes.TaskKind.SCHONFRIST,
                schonfrist_end(notice.served_on),
                f"Ende der Schonfrist: Räumungsklage zugestellt am {notice.served_on:%d.%m.%Y}",
            )
        )
    if notice.hearing_on:
        wanted.append((codes.TaskKind.HEARING, notice.hearing_on, "Gerichtstermin (Räumungsklage)"))
    if notice.eviction_on:
        wanted.append((codes.TaskKind.EVICTION, notice.eviction_on, "Räumungstermin"))
    closed_on = notice.case.closed_on if notice.case else None
    tasks = []
    for kind, due_on, title in wanted:
        done_on = min(due_on, closed_on) if closed_on else (due_on if due_on < today else None)
        tasks.append(
            Task(
                organisation=organisation,
                client=notice.client,
                case=notice.case,
                notice=notice,
                kind=kind,
                title=title,
                due_on=due_on,
                assignee_id=person.worker,
                done_at=_aware(done_on, time(12, 0)) if done_on else None,
                done_by_id=person.worker if done_on else None,
                created_at=_aware(notice.received_on),
            )
        )
    return tasks


CONTACT_COLUMNS = (
    "client_id",
    "case_id",
    "date",
    "duration_minutes",
    "contact_type",
    "place",
    "topics",
    "interpreter_used",
    "worker_id",
    "note",
    "import_key",
    "created_at",
)


def _copy_contacts(people, *, ignore_history):
    """Write the contacts of a batch with COPY (2M rows in minutes); returns their number."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    count = 0
    for person in people:
        client_id = person.record.pk
        cases = [planned.record.pk for planned in person.cases]
        writer.writerows(
            (
                client_id,
                cases[index],
                day,
                duration,
                kind,
                place,
                topics,
                "t" if interpreter else "f",
                worker,
                note,
                "",
                at,
            )
            for index, day, kind, duration, place, topics, interpreter, worker, note, at in person.contacts
        )
        count += len(person.contacts)
    buffer.seek(0)
    table = Contact._meta.db_table
    columns = ", ".join(CONTACT_COLUMNS)
    with connection.cursor() as cursor:
        if ignore_history:
            # pgtrigger.ignore marks the transaction through the next statement Django runs;
            # COPY goes to the driver directly, so run one first.
            cursor.execute("SELECT 1")
        cursor.cursor.copy_expert(
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (place, note, import_key))",
            buffer,
        )
    return count
