"""Draws one demo person with everything around them (aliases, household, cases, notices, stays, consents,
contacts) from the person's own random generator, without touching the database."""

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from cases.deadlines import schonfrist_last_calendar_day
from cooperation.models import PartnerKind
from demo.clients.names import (
    _BULGARIAN_CYRILLIC,
    _GERMAN,
    _PLANTED_NAMES,
    _PLANTED_NATIONALITY,
    _ROMANIAN_PLAIN,
    _TURKISH_PLAIN,
    _UKRAINIAN_CYRILLIC,
    LANGUAGES,
    NAMES,
    NATIONALITIES,
    _cyrillic,
    _duplicate_spelling,
    _female_last_name,
    _german_plain,
)
from demo.clients.vocabulary import (
    _CONTACT_TYPE_TABLE,
    BAGW_FOR_ETHOS,
    DURATIONS,
    LANDLORDS,
    NOTES,
    OUTCOMES,
    PLACES,
    POSTCODES,
    PROVISION_SITUATIONS,
    STAYS,
    STREETS,
    TASK_TITLES,
    TOPICS,
)
from hagen_zuhause import codes

CONTACT_WINDOW_DAYS = 730
TIME_ZONE = "Europe/Berlin"


def _one(random, items):
    return items[int(random() * len(items))]


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


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
    appointments: list = field(default_factory=list)
    worker: int = 0
    extra_workers: list = field(default_factory=list)
    group_end: object = None
    record: object = None  # the Client, once written
    alias_records: list = field(default_factory=list)


APPOINTMENT_KINDS = [("office", 45), ("home_visit", 20), ("accompaniment", 20), ("court_hearing", 5), ("other", 10)]
APPOINTMENT_PLACES = {
    "office": "Fachstelle, Raum 2.14",
    "home_visit": "",
    "accompaniment": "Jobcenter Hagen",
    "court_hearing": "Amtsgericht Hagen",
    "other": "",
}


#: A social worker's diary holds about four appointments a working day, however many clients the
#: office has: at a large size, fewer of the open cases have an appointment around today.
APPOINTMENTS_PER_WORKER_DAY = 4


class Planner:
    """Draws demo people; ``team`` holds the user ids of the social workers and the team lead;
    ``clients`` is how many people this run draws (it sets how many of them have appointments)."""

    def __init__(self, *, seed, today, team, partners, clients=0):
        self.seed, self.today, self.team, self.partners = seed, today, team, partners
        # Appointments fall on about 21 working days (a week back, three ahead); three in five people
        # have an open case, a person with an appointment has 4/3 of them on average.
        capacity = len(team["social_workers"]) * APPOINTMENTS_PER_WORKER_DAY * 21
        self.appointment_share = min(0.25, capacity / (max(clients, 1) * 0.6 * 4 / 3))

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
        self._appointments(person)
        if original is not None:
            client.pop("reference", None)
        return person

    def _appointments(self, person):
        """Some open cases have an appointment or two around today (Monday to Friday): a quarter of them
        in a small office, fewer where the team's diaries would otherwise overflow.

        Drawn from a generator of their own, so that every other draw of a seed stays as it was.
        """
        rng = random.Random(f"{self.seed}:{person.number}:appointments")
        if person.cases[-1].closed_on is not None or rng.random() >= self.appointment_share:
            return
        for _index in range(rng.choice([1, 1, 2])):
            day = self.today + timedelta(days=rng.randint(-7, 21))
            if day.weekday() >= 5:
                day -= timedelta(days=day.weekday() - 4)
            kind = _pick(rng, APPOINTMENT_KINDS)
            start = time(rng.randint(8, 15), rng.choice([0, 15, 30, 45]))
            status = "planned" if day >= self.today else _pick(rng, [("done", 85), ("cancelled", 15)])
            person.appointments.append(
                {
                    "kind": kind,
                    "date": day,
                    "start_time": start,
                    "end_time": time(start.hour + 1, start.minute),
                    "place": APPOINTMENT_PLACES[kind],
                    "status": status,
                }
            )

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
        # The calendar day is early enough for every state: a payment by then is always in time.
        limit = schonfrist_last_calendar_day(served)
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
