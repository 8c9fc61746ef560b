"""Who may open every URL of Headway: one line per URL name, in the URL configuration's order.

Each line gives the status every role gets for GET, and for a URL whose view changes data, for POST (an empty
form, so an allowed POST shows the form again with its errors, 200, or acts and redirects, 302). The roles, in
order (see ``tests/access/world.py`` for who they are and what they can see):

    anonymous  school_a  school_b  board  officer_a  officer_b  admin_a  superuser

``school_a`` is a headteacher of school A (Oakleigh Road School, authority A = Barnsley), ``school_b`` of another
school of the same authority, ``board`` a board member of A, ``officer_a``/``officer_b`` LA officers of A and of
another authority (Barnet), ``admin_a`` A's LA administrator, ``superuser`` a Django superuser with no authority.
Every object in a URL (a school, a note, a meeting ...) belongs to authority A, and to school A where it belongs to
a school.

What the numbers mean: 302 for ``anonymous`` is "sent to sign in" (the test checks where to); 401 is the API's
answer without a token; 403 "you cannot do this" (the person may know the thing exists: their own authority's
listing, their own school's page they may read but not change); 404 "not found" (someone else's thing: nothing is
confirmed); 405 "not this method". A listing of "their authority" answers 200 to an officer of another authority:
they see their own authority's (empty) listing, never A's.

A new URL fails ``test_every_url_has_a_rule`` until it has a line here.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("anonymous", "school_a", "school_b", "board", "officer_a", "officer_b", "admin_a", "superuser")


@dataclass(frozen=True)
class Rule:
    get: dict[str, int]
    post: dict[str, int] | None


def rule(get: str, post: str | None = None) -> Rule:
    """A rule from the statuses for GET (and POST) in the order of ``ROLES``."""

    def parse(codes: str) -> dict[str, int]:
        values = [int(code) for code in codes.split()]
        assert len(values) == len(ROLES), f"{codes!r}: give one status for each of {', '.join(ROLES)}"
        return dict(zip(ROLES, values, strict=True))

    return Rule(get=parse(get), post=parse(post) if post is not None else None)


# fmt: off
RULES: dict[str, Rule] = {
    "home": rule("302 200 200 200 200 200 200 200"),
    "schools:list": rule("302 200 200 200 200 200 200 200", post="302 200 200 200 200 200 200 200"),
    "schools:list_download": rule("302 200 200 200 200 200 200 200"),
    "schools:detail": rule("302 200 404 200 200 404 200 200", post="302 200 404 200 200 404 200 200"),
    "schools:evidence": rule("302 200 404 200 200 404 200 200", post="302 405 405 405 405 405 405 405"),
    "schools:visits": rule("302 200 404 403 200 404 200 200", post="302 405 405 405 405 405 405 405"),
    "schools:concern": rule("302 404 404 404 200 404 200 200", post="302 405 405 405 405 405 405 405"),
    "schools:support": rule("302 404 404 404 200 404 200 200", post="302 405 405 405 405 405 405 405"),
    "schools:history": rule("302 404 404 404 200 404 200 200", post="302 405 405 405 405 405 405 405"),
    "schools:local_evidence": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "schools:areas": rule("302 403 403 403 200 200 200 200"),
    "schools:area": rule("302 404 404 404 200 404 200 200"),
    "schools:area_officers": rule("302 404 404 404 403 404 200 200", post="302 404 404 404 403 404 200 200"),
    "schools:area_officer_end": rule("302 404 404 404 403 404 200 200", post="302 404 404 404 403 404 200 200"),
    "api_tokens:list": rule("302 200 200 200 200 200 200 200", post="302 200 200 200 200 200 200 200"),
    "api_tokens:revoke": rule("302 405 405 405 405 405 405 405", post="302 404 404 404 302 404 404 404"),
    "accounts:account": rule("302 200 200 200 200 200 200 200"),
    "accounts:login": rule("200 302 302 302 302 302 302 302", post="200 302 302 302 302 302 302 302"),
    "accounts:sso_start": rule("404 404 404 404 404 404 404 404"),
    "accounts:sso_callback": rule("404 404 404 404 404 404 404 404"),
    "accounts:people": rule("302 403 403 403 403 403 200 403"),
    "accounts:person_add": rule("302 403 403 403 403 403 200 403", post="302 403 403 403 403 403 200 403"),
    "accounts:person": rule("302 403 403 403 403 403 200 403", post="302 403 403 403 403 403 200 403"),
    "accounts:person_account": rule("302 405 405 405 405 405 405 405", post="302 403 403 403 403 403 302 403"),
    "accounts:person_password_link": rule("302 405 405 405 405 405 405 405", post="302 403 403 403 403 403 302 403"),
    "accounts:choose_password": rule("200 200 200 200 200 200 200 200", post="200 200 200 200 200 200 200 200"),
    "accounts:password_chosen": rule("200 200 200 200 200 200 200 200"),
    "accounts:logout": rule("405 405 405 405 405 405 405 405", post="302 302 302 302 302 302 302 302"),
    "accounts:notices": rule("302 200 200 200 200 200 200 200", post="302 200 200 200 200 200 200 200"),
    "api:schema": rule("401 200 200 200 200 200 200 200"),
    "api:schools-list": rule("401 200 200 200 200 200 200 200"),
    "api:schools-detail": rule("401 200 404 200 200 404 200 200"),
    "api:standing-detail": rule("401 200 404 200 200 404 200 200"),
    "api:standing-list": rule("401 200 200 200 200 200 200 200"),
    "api:inspections-list": rule("401 200 200 200 200 200 200 200"),
    "api:measures-list": rule("401 200 200 200 200 200 200 200"),
    "api:results-list": rule("401 200 200 200 200 200 200 200"),
    "api:la-figures-list": rule("401 403 403 200 200 404 200 200"),
    "api:categories-list": rule("401 200 200 200 200 200 200 200"),
    "api:categorisation-rounds-list": rule("401 403 403 403 200 200 200 200"),
    "api:categorisation-rounds-detail": rule("401 404 404 404 200 404 200 200"),
    "api:categorisation-proposals-list": rule("401 404 404 404 200 404 200 200"),
    "api:visits-list": rule("401 200 200 200 200 200 200 200"),
    "api:concerns-list": rule("401 403 403 403 200 200 200 200"),
    "api:kpi-tables-list": rule("401 403 403 200 200 200 200 200"),
    "api:kpi-tables-detail": rule("401 403 403 200 200 404 200 200"),
    "api:not-found": rule("404 404 404 404 404 404 404 404", post="404 404 404 404 404 404 404 404"),
    "imports:upload": rule("302 403 403 403 403 403 200 200", post="302 403 403 403 403 403 200 200"),
    "imports:detail": rule("302 403 403 403 200 200 200 200"),
    "imports:job": rule("302 403 403 403 200 404 200 200"),
    "imports:job_progress": rule("302 403 403 403 200 404 200 200"),
    "strategy:kpis": rule("302 403 403 302 302 200 302 302", post="302 403 403 302 302 200 302 302"),
    "strategy:kpi_sets": rule("302 403 403 403 403 403 200 200"),
    "strategy:kpi_set_add": rule("302 403 403 403 403 403 200 200", post="302 403 403 403 403 403 200 200"),
    "strategy:kpi_set": rule("302 403 403 403 403 403 200 200", post="302 403 403 403 403 403 200 200"),
    "strategy:kpi_set_download": rule("302 403 403 403 403 403 200 200"),
    "strategy:kpi_indicator_add": rule("302 403 403 403 403 403 200 200", post="302 403 403 403 403 403 200 200"),
    "strategy:kpi_indicator": rule("302 403 403 403 403 403 200 200", post="302 403 403 403 403 403 200 200"),
    "strategy:kpi_indicator_remove": rule("302 405 405 405 405 405 405 405", post="302 403 403 403 403 403 302 302"),
    "strategy:kpi_table": rule("302 403 403 200 200 404 200 200", post="302 403 403 200 200 404 200 200"),
    "strategy:kpi_table_xlsx": rule("302 403 403 200 200 404 200 200"),
    "strategy:kpi_table_csv": rule("302 403 403 200 200 404 200 200"),
    "strategy:local_actual": rule("302 403 403 403 200 404 200 200", post="302 403 403 403 200 404 200 200"),
    "performance:index": rule("302 403 403 200 200 200 200 200", post="302 403 403 200 200 200 200 200"),
    "performance:la_dashboard": rule("302 403 403 200 200 404 200 200", post="302 403 403 200 200 404 200 200"),
    "risk:rounds": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "risk:round_start": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "risk:round_progress": rule("302 403 403 403 404 404 404 404"),
    "risk:round": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "risk:round_confirm_all": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "risk:round_download": rule("302 404 404 404 200 404 200 200"),
    "risk:decide": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "risk:school": rule("302 403 404 403 200 404 200 200", post="302 403 404 403 200 404 200 200"),
    "risk:training": rule("302 403 403 403 403 403 200 200", post="302 403 403 403 403 403 200 200"),
    "risk:training_progress": rule("302 403 403 403 403 403 404 404"),
    "inspections:windows": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "earlyyears:list": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "earlyyears:rounds": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "earlyyears:round": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 404 404 404 404"),
    "earlyyears:note": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "earlyyears:detail": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "visits:my_schools": rule("302 403 403 403 200 200 200 403", post="302 403 403 403 200 200 200 403"),
    "visits:my_schools_download": rule("302 403 403 403 200 200 200 403"),
    "visits:plan": rule("302 403 403 403 200 200 200 403", post="302 403 403 403 200 200 200 403"),
    "visits:link_officers": rule("302 403 403 403 200 200 200 403"),
    "visits:link_officer_school": rule("302 403 403 403 200 404 200 403", post="302 403 403 403 200 404 200 403"),
    "visits:link_officer_area": rule("302 403 403 403 200 404 200 403", post="302 403 403 403 200 404 200 403"),
    "visits:capacity": rule("302 403 403 403 403 403 200 403", post="302 403 403 403 403 403 200 403"),
    "visits:calendar": rule("302 403 403 403 403 403 200 403", post="302 403 403 403 403 403 200 403"),
    "visits:school_visits": rule("302 200 404 403 200 404 200 200", post="302 403 404 403 302 404 302 302"),
    "visits:visit_add": rule("302 403 404 403 200 404 200 200", post="302 403 404 403 200 404 200 200"),
    "visits:circumstance_end": rule("302 403 404 403 200 404 200 200", post="302 403 404 403 200 404 200 200"),
    "visits:visit_change": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "notes:list": rule("302 200 200 403 200 200 200 200", post="302 200 200 403 200 200 200 200"),
    "notes:notices": rule("302 200 200 200 200 200 200 200", post="302 200 200 200 200 200 200 200"),
    "notes:create": rule("302 403 404 403 200 404 200 200", post="302 403 404 403 200 404 200 200"),
    "notes:self_evaluation": rule("302 200 404 403 200 404 200 200", post="302 200 404 403 403 404 403 403"),
    "notes:detail": rule("302 200 404 404 200 404 200 200", post="302 200 404 404 200 404 200 200"),
    "notes:pdf": rule("302 200 404 404 200 404 200 200", post="302 200 404 404 200 404 200 200"),
    "notes:edit": rule("302 403 404 404 302 404 302 302", post="302 403 404 404 302 404 302 302"),
    "notes:send": rule("302 405 405 405 405 405 405 405", post="302 302 404 404 302 404 302 302"),
    "notes:respond": rule("302 200 404 404 403 404 403 403", post="302 200 404 404 403 404 403 403"),
    "notes:finalise": rule("302 405 405 405 405 405 405 405", post="302 302 404 404 302 404 302 302"),
    "notes:share": rule("302 405 405 405 405 405 405 405", post="302 302 404 404 302 404 302 302"),
    "notes:correct": rule("302 405 405 405 405 405 405 405", post="302 403 404 404 302 404 302 302"),
    "concerns:register": rule("302 403 403 403 200 200 200 200"),
    "concerns:register_download": rule("302 403 403 403 200 200 200 200"),
    "concerns:case": rule("302 404 404 404 200 404 200 200"),
    "concerns:lead_officer": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:judgement": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:plan": rule("302 200 404 404 200 404 200 200"),
    "concerns:plan_record": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:plan_review": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:monitoring": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:power": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:power_end": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:statement": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:academy_contact": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:rise": rule("302 200 404 404 200 404 200 200", post="302 403 404 404 200 404 200 200"),
    "concerns:rise_end": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:academy_response": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:notice_outcome": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:eligibility": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:letter_docx": rule("302 200 404 404 200 404 200 200"),
    "concerns:letter_pdf": rule("302 200 404 404 200 404 200 200"),
    "concerns:meetings": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "concerns:meeting": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "concerns:pack": rule("302 404 404 404 200 404 200 200"),
    "concerns:pack_pdf": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 302 404 302 302"),
    "concerns:pack_made": rule("302 404 404 404 200 404 200 200"),
    "concerns:pack_download": rule("302 404 404 404 200 404 200 200"),
    "concerns:board": rule("302 403 403 200 200 200 200 200"),
    "concerns:board_pdf": rule("302 403 403 200 200 200 200 200"),
    "support:directory": rule("302 403 403 403 200 200 200 200"),
    "support:provider_new": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "support:provider": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "support:provider_edit": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "support:find": rule("302 404 404 404 200 404 200 200"),
    "support:commission_new": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "support:commissions": rule("302 403 403 403 200 200 200 200"),
    "support:commissions_download": rule("302 403 403 403 200 200 200 200"),
    "support:commission": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "support:traded": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "partnerships:list": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 302 302 302 302"),
    "partnerships:map": rule("302 403 403 403 200 200 200 200"),
    "partnerships:schools": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "partnerships:create": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "partnerships:proposing": rule("302 404 404 404 404 404 404 404"),
    "partnerships:survey": rule("302 200 404 404 200 404 200 200", post="302 200 404 404 200 404 200 200"),
    "partnerships:partnership": rule("302 403 403 403 200 404 200 200"),
    "partnerships:member_add": rule("302 405 405 405 405 405 405 405", post="302 403 403 403 200 404 200 200"),
    "partnerships:member_change": rule("302 405 405 405 405 405 405 405", post="302 403 403 403 200 404 200 200"),
    "partnerships:type_change": rule("302 405 405 405 405 405 405 405", post="302 403 403 403 200 404 200 200"),
    "partnerships:confirm": rule("302 405 405 405 405 405 405 405", post="302 403 403 403 200 404 200 200"),
    "partnerships:review": rule("302 405 405 405 405 405 405 405", post="302 403 403 403 200 404 200 200"),
    "cpd:offer": rule("302 200 200 403 200 200 200 200"),
    "cpd:course_new": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "cpd:course": rule("302 200 200 404 200 404 200 200"),
    "cpd:course_edit": rule("302 403 403 404 200 404 200 200", post="302 403 403 404 200 404 200 200"),
    "cpd:book": rule("302 200 200 404 200 404 200 200", post="302 200 200 404 200 404 200 200"),
    "cpd:attendance": rule("302 403 403 404 200 404 200 200", post="302 403 403 404 200 404 200 200"),
    "cpd:cancel": rule("302 200 404 404 200 404 200 200", post="302 200 404 404 200 404 200 200"),
    "cpd:evaluate": rule("302 302 404 404 403 404 403 403", post="302 302 404 404 403 404 403 403"),
    "cpd:school": rule("302 200 404 404 200 404 200 200"),
    "cpd:demand": rule("302 403 403 403 200 200 200 200"),
    "cpd:uptake": rule("302 403 403 200 200 200 200 200"),
    "cpd:evaluations": rule("302 403 403 403 200 200 200 200"),
    "governance:overview": rule("302 403 403 200 200 200 200 200"),
    "governance:several_boards": rule("302 403 403 403 200 200 200 200"),
    "governance:school": rule("302 200 404 200 200 404 200 200"),
    "governance:instrument": rule("302 403 404 403 200 404 200 200", post="302 403 404 403 200 404 200 200"),
    "governance:vice_chair": rule("302 403 404 403 200 404 200 200", post="302 403 404 403 200 404 200 200"),
    "governance:review": rule("302 403 404 403 200 404 200 200", post="302 403 404 403 200 404 200 200"),
    "governance:trust": rule("302 404 404 200 200 404 200 200"),
    "governance:training": rule("302 403 403 403 200 200 200 200", post="302 403 403 403 200 200 200 200"),
    "governance:session": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "governance:attendance_remove": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "meetings:index": rule("302 403 403 403 200 200 200 200"),
    "meetings:type": rule("302 403 403 403 200 404 200 404", post="302 403 403 403 200 404 200 404"),
    "meetings:meeting": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
    "meetings:action_close": rule("302 404 404 404 200 404 200 200", post="302 404 404 404 200 404 200 200"),
}
# fmt: on
