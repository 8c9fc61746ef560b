"""The service navigation: a few sections, each with the pages it groups, so that the top line fits at
1280 pixels for every role, and a second line lists the pages of the section the user is in. Who sees a link
is decided by ``headway.accounts.permissions``, never by the template."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from headway.accounts import permissions
from headway.accounts.models import Role


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    #: the URL namespaces whose pages belong under this link (the current page is marked)
    namespaces: tuple[str, ...] = ()


@dataclass
class Section:
    key: str
    label: str
    links: list[Link] = field(default_factory=list)
    namespaces: tuple[str, ...] = ()


def sections_for(request: HttpRequest) -> list[Section]:
    """The sections and their links for this user (empty for someone not signed in)."""
    user = request.user
    if not user.is_authenticated:
        return []
    staff = permissions.is_la_staff(user)
    school_user = getattr(user, "role", "") == Role.SCHOOL_USER
    concerns = permissions.can_see_concerns(user)
    kpis = permissions.can_see_kpis(user)
    dashboard = permissions.can_see_la_dashboard(user)
    found: list[Section] = []
    schools = Section("schools", "Schools", namespaces=("schools", "earlyyears", "governance", "inspections"))
    schools.links.append(Link("Schools", "schools:list", ("schools",)))
    if concerns:
        schools.links.append(Link("Early years settings", "earlyyears:list", ("earlyyears",)))
    if concerns or kpis:
        schools.links.append(Link("Governance", "governance:overview", ("governance",)))
    if concerns:
        schools.links.append(Link("Areas", "schools:areas", ()))
        schools.links.append(Link("Inspection windows", "inspections:windows", ("inspections",)))
    found.append(schools)
    if staff:
        visits = Section("visits", "Visits", namespaces=("visits", "notes"))
        visits.links += [Link("My schools and visits", "visits:my_schools", ("visits",))]
        authority = getattr(user, "local_authority", None)
        if authority is not None and permissions.can_plan_visits(user, authority):
            # The year's visit plan and schools' link officers; the head of service also sees officers' capacity.
            visits.links += [Link("Visit plan", "visits:plan", ()), Link("Link officers", "visits:link_officers", ())]
            if permissions.can_plan_visits(user, authority, capacity=True):
                visits.links.append(Link("Officers' capacity", "visits:capacity", ()))
        visits.links += [Link("Notes of visit", "notes:list", ("notes",))]
        found.append(visits)
    elif school_user:
        found.append(Section("notes", "Notes of visit", [Link("Notes of visit", "notes:list", ("notes",))], ("notes",)))
    if concerns:
        concern = Section("concerns", "Causing concern", namespaces=("concerns", "risk", "meetings"))
        concern.links += [
            Link("Schools causing concern", "concerns:register", ("concerns",)),
            Link("Categorisation", "risk:rounds", ("risk",)),
            Link("Meetings", "meetings:index", ("meetings",)),
        ]
        found.append(concern)
    if concerns or school_user:
        support = Section("support", "Support", namespaces=("support", "partnerships", "cpd"))
        if concerns:
            support.links += [
                Link("Providers and commissions", "support:directory", ("support",)),
                Link("Partnerships", "partnerships:list", ("partnerships",)),
            ]
        support.links.append(Link("CPD", "cpd:offer", ("cpd",)))
        found.append(support)
    if kpis and not staff:
        # Board members: the termly summary of schools causing concern written for their board, on the top line.
        board = Link("Termly summary", "concerns:board", ("concerns",))
        found.append(Section("board", "Board summary", [board], ("concerns",)))
    if dashboard or kpis:
        data = Section("data", "Data", namespaces=("performance", "strategy"))
        if dashboard:
            data.links.append(Link("Dashboard", "performance:index", ("performance",)))
        if kpis:
            data.links.append(Link("KPIs", "strategy:kpis", ("strategy",)))
        if permissions.can_manage_kpi_sets(user):
            data.links.append(Link("KPI sets", "strategy:kpi_sets", ()))
        found.append(data)
    if permissions.can_import(user):
        found.append(Section("imports", "Imports", [Link("Imports", "imports:upload", ("imports",))], ("imports",)))
    if permissions.can_manage_people(user):
        found.append(Section("people", "People", [Link("People", "accounts:people", ("accounts",))], ("accounts",)))
    for section in found:
        section.links = [link for link in section.links if _resolves(link.url_name)]
    return [section for section in found if section.links]


def _resolves(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


def current_page(sections: list[Section], path: str, namespace: str) -> str:
    """The ``url_name`` of the link the page is under, marked on the section's line: the link of the page's URL
    namespace, unless another link's address is a longer start of the page's (KPI sets, ``/strategy/kpis/sets/``,
    within KPIs, ``/strategy/kpis/``; the visit plan within My schools and visits). "" if none."""
    by_namespace = next((link for s in sections for link in s.links if namespace in link.namespaces), None)
    chosen, chosen_url = by_namespace, reverse(by_namespace.url_name) if by_namespace else ""
    if chosen is not None and not path.startswith(chosen_url):
        return chosen.url_name  # a page of the namespace elsewhere (a school's governance, under /schools/)
    for s in sections:
        for link in s.links:
            url = reverse(link.url_name)
            if path.startswith(url) and len(url) > len(chosen_url) and (chosen is None or url.startswith(chosen_url)):
                chosen, chosen_url = link, url
    return chosen.url_name if chosen is not None else ""


def navigation(request: HttpRequest) -> dict[str, object]:
    """Context for base.html: ``nav_sections``, ``nav_current`` (the section the page belongs to) and
    ``nav_page`` (the link of that section the page is under)."""
    sections = sections_for(request)
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match is not None else ""
    current = next((s for s in sections if namespace in s.namespaces), None)
    page = current_page(sections, request.path, namespace) if current is not None else ""
    return {"nav_sections": sections, "nav_current": current, "nav_namespace": namespace, "nav_page": page}
