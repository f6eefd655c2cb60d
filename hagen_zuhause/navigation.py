"""The main navigation: sections in the top bar, their pages in a second bar; each role sees only
what it may use. A section links to its first page the user may open."""

from django.utils.translation import gettext_lazy as _

from hagen_zuhause.links import page_path

#: The state's users (role Land) see only the pages that need this permission: the state's overview.
STATE_PERMISSION = "reports.view_state_overview"

#: (section label, [(page label, URL name, required permission or None), ...]). Apps add their pages here.
#: A section is active on its pages' URLs and on the URL prefixes in SECTION_PREFIXES.
MAIN_NAVIGATION = [
    (_("Start"), [(_("Start"), "dashboard", None)]),
    (
        _("Case work"),
        [
            (_("Clients"), "cases:client_list", "cases.view_client"),
            (_("Tasks"), "cases:task_list", "cases.view_task"),
            (_("Calendar"), "cases:calendar", "cases.view_appointment"),
            (_("Cover"), "cases:cover", "cases.view_cover"),
            (_("Consents ending"), "cases:consent_ending_list", "cases.view_consent"),
            (_("Letter templates"), "cases:letter_template_list", "cases.view_lettertemplate"),
            (_("Import"), "cases:import_upload", "cases.import_data"),
        ],
    ),
    (
        _("Housing"),
        [
            (_("Flats"), "housing:offer_list", "housing.view_housingoffer"),
            (_("Placements"), "housing:board", "housing.view_placement"),
            (_("Senior flat"), "housing:senior_flat", "housing.view_seniorflatresidency"),
            (_("Landlords"), "housing:landlord_list", "housing.view_landlord"),
            (_("KdU limits"), "housing:kdu_overview", "housing.view_kdutable"),
            (_("Districts"), "housing:districts", "housing.change_district"),
        ],
    ),
    (
        _("Cooperation"),
        [
            (_("Help network"), "cooperation:partner_list", "cooperation.view_partner"),
            (_("Agreements"), "cooperation:agreement_list", "cooperation.view_agreement"),
            (_("Group offers"), "cooperation:group_offer_list", "cooperation.view_groupoffer"),
        ],
    ),
    (_("Reports"), [(_("Reports"), "reports:index", "reports.view_reportsnapshot")]),
    (_("State overview"), [(_("Submitted reports"), "land:overview", STATE_PERMISSION)]),
    (_("Audit log"), [(_("Audit log"), "audit:history", "hagen_zuhause.view_audit")]),
    (
        _("Access"),
        [
            (_("Requests"), "access:request_list", "hagen_zuhause.view_accesschange"),
            (_("User accounts"), "access:user_list", "hagen_zuhause.change_user"),
            (_("Locked logins"), "access:lock_list", "hagen_zuhause.change_user"),
            (_("Organisation settings"), "access:organisation_settings", "hagen_zuhause.change_organisation"),
        ],
    ),
]


#: Pages below a section's own pages (a client's cases, a referral's outcome, ...) keep the section active.
SECTION_PREFIXES = {
    "cases": (
        "/clients/",
        "/cases/",
        "/stays/",
        "/contacts/",
        "/tasks/",
        "/notices/",
        "/referrals/",
        "/documents/",
        "/consents/",
        "/appointments/",
        "/letters/",
    ),
    "housing": ("/housing/",),
    "cooperation": ("/cooperation/",),
    "reports": ("/reports/",),
    "land": ("/land/",),
    "audit": ("/audit/",),
    "access": ("/access/",),
}


def _is_active(url, path):
    return path == url if url == "/" else path.startswith(url)


def sections_for(user, current_path):
    """The top-level sections the user may use, each with its permitted pages; the active one marked."""
    sections = []
    state = user.has_perm(STATE_PERMISSION)
    for label, pages in MAIN_NAVIGATION:
        items = [
            {"label": page_label, "url": page_path(url_name), "active": False}
            for page_label, url_name, permission in pages
            if (permission == STATE_PERMISSION if state else not permission or user.has_perm(permission))
        ]
        if not items:
            continue
        for item in items:
            item["active"] = _is_active(item["url"], current_path)
        namespaces = {url_name.split(":")[0] for _label, url_name, _permission in pages}
        prefixes = [prefix for namespace in namespaces for prefix in SECTION_PREFIXES.get(namespace, ())]
        active = any(item["active"] for item in items) or current_path.startswith(tuple(prefixes))
        sections.append({"label": label, "url": items[0]["url"], "items": items, "active": active})
    if user.is_staff:
        sections.append({"label": _("Administration"), "url": page_path("admin:index"), "items": [], "active": False})
    return sections
