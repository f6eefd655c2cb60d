"""The demo team and the help network of the demo organisation: colleagues without a login and the
cooperation partners, created once and reused by later runs."""

from cooperation.models import Partner, PartnerKind
from hagen_zuhause.models import User
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create

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


def demo_team_ensure(organisation):
    """The demo team: social workers (the ``sozialarbeit`` account and two colleagues) and the team lead."""
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
