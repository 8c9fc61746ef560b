from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from headway.accounts import permissions
from headway.accounts.models import User
from headway.home.selectors import school_summary
from headway.performance.charts import school_performance_section
from headway.refusals import attempt
from headway.reports import downloads
from headway.schools import school_page
from headway.schools.downloads import schools_table
from headway.schools.forms import LocalEvidenceForm, SchoolFilterForm
from headway.schools.models import Establishment, LocalAuthority
from headway.schools.selectors import filter_establishments, school_profile
from headway.schools.services import local_evidence_record

PAGE_SIZE = 50


def _filtered_schools(request: HttpRequest) -> tuple[SchoolFilterForm, QuerySet[Establishment]]:
    """The school list's filters and the schools they find among those the user may see (page and download)."""
    visible = permissions.establishments_visible_to(request.user)
    data = request.GET.copy()
    data.setdefault("status", "open")
    form = SchoolFilterForm(data, visible=visible)
    filters = form.cleaned_data if form.is_valid() else {"status": "open"}
    return form, filter_establishments(visible, filters, today=timezone.localdate())


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    form, schools = _filtered_schools(request)
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schools/school_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "total": page.paginator.count,
            "downloads": downloads.links(request, "schools:list_download"),
        },
    )


@login_required
@require_safe
def school_list_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """The school list, with the page's filters, as CSV or a spreadsheet: the schools the user may see only."""
    file_format = downloads.checked_format(file_format)
    form, schools = _filtered_schools(request)
    user = permissions.signed_in(request)
    chosen = form.cleaned_data.get("local_authority") if form.is_valid() else ""
    authority = LocalAuthority.objects.filter(code=chosen).first() if chosen else user.local_authority
    table = schools_table(schools, filters=downloads.filters_in_words(form))
    return downloads.response(table, file_format, authority.name if authority is not None else "", "schools")


def _school_part(request: HttpRequest, urn: int, part: school_page.Part) -> tuple[Establishment, dict[str, Any]]:
    """The school (404 if the user may not see it; 403 if they may see it but not this part of its page, 404
    for concern, support and history, so that nothing about the school's case is confirmed) and the context
    every part of its page shares: the sub-navigation of the parts they may open."""
    establishment = permissions.establishment_for(request.user, urn)
    if not school_page.may_open(request.user, establishment, part):
        if part == school_page.VISITS:
            raise PermissionDenied
        raise Http404("No such school for you.")
    return establishment, {
        "school": establishment,
        "parts": school_page.parts_for(request.user, establishment),
        "part": part,
    }


@login_required
def school_detail(request: HttpRequest, urn: int) -> HttpResponse:
    """A school's summary, which answers first (at a glance), and what the register says about it."""
    establishment, context = _school_part(request, urn, school_page.SUMMARY)
    today = timezone.localdate()
    profile = school_profile(establishment, today=today, visible=permissions.establishments_visible_to(request.user))
    context |= {
        "profile": profile,
        "summary": school_summary(
            establishment, permissions.signed_in(request), today=today, standing=profile.standing
        ),
    }
    return render(request, "schools/school_detail.html", context)


@login_required
@require_safe
def school_evidence(request: HttpRequest, urn: int) -> HttpResponse:
    """A school's evidence: its inspections, and its performance, attendance and context measures, each with its
    trend over the years against its LA and England."""
    establishment, context = _school_part(request, urn, school_page.EVIDENCE)
    profile = school_profile(
        establishment, today=timezone.localdate(), visible=permissions.establishments_visible_to(request.user)
    )
    context |= {
        "profile": profile,
        "performance": school_performance_section(establishment),
        "previous_grade_label": profile.standing.previous_grade_label if profile.standing else "",
        "can_see_rise": permissions.can_manage_concerns(request.user, establishment.local_authority)
        or permissions.is_school_user_of(request.user, establishment),
        "can_record_local_evidence": permissions.can_manage_concerns(request.user, establishment.local_authority),
    }
    return render(request, "schools/school_evidence.html", context)


@login_required
@require_safe
def school_visits(request: HttpRequest, urn: int) -> HttpResponse:
    """A school's visits, planned and past, with the notes of visit and self-evaluations the user may read."""
    from headway.visits import selectors as visits

    establishment, context = _school_part(request, urn, school_page.VISITS)
    today = timezone.localdate()
    found = list(visits.school_visits(establishment))
    context |= {
        "rows": visits.visit_links(permissions.signed_in(request), found),
        "overdue": {v.pk for v in found if visits.is_overdue(v, today)},
        "can_plan": permissions.can_plan_visits(request.user, establishment.local_authority),
    }
    return render(request, "schools/school_visits.html", context)


@login_required
@require_safe
def school_concern(request: HttpRequest, urn: int) -> HttpResponse:
    """Whether the school causes concern now (its case), and the earlier times it did."""
    from headway.concerns.models import SchoolCausingConcern

    establishment, context = _school_part(request, urn, school_page.CONCERN)
    concerns = list(SchoolCausingConcern.objects.filter(establishment=establishment).select_related("lead_officer"))
    context |= {
        "open_concern": next((c for c in concerns if c.is_open), None),
        "past_concerns": [c for c in concerns if not c.is_open],
    }
    return render(request, "schools/school_concern.html", context)


@login_required
@require_safe
def school_support(request: HttpRequest, urn: int) -> HttpResponse:
    """The support the school has had: commissions by year and traded hours."""
    from headway.concerns.services import open_concern
    from headway.support.selectors import support_for_school

    establishment, context = _school_part(request, urn, school_page.SUPPORT)
    context |= {"support": support_for_school(establishment), "open_concern": open_concern(establishment)}
    return render(request, "schools/school_support.html", context)


@login_required
@require_safe
def school_history(request: HttpRequest, urn: int) -> HttpResponse:
    """The decisions and recorded changes about the school, newest first."""
    establishment, context = _school_part(request, urn, school_page.HISTORY)
    context["entries"] = school_page.school_history(establishment)
    return render(request, "schools/school_history.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def local_evidence(request: HttpRequest, urn: int) -> HttpResponse:
    """The LA's own indicators for a school (its RAG rating, a new headteacher ...): their history and a form to
    record a new value. LA staff of the school's authority only."""
    from headway.risk.local_evidence import indicators
    from headway.schools.models import LocalEvidenceValue

    establishment = permissions.establishment_for(request.user, urn)
    if not permissions.can_manage_concerns(request.user, establishment.local_authority):
        raise Http404("No such school for you.")
    code = establishment.local_authority.code
    declared = [i for i in indicators().values() if not i.authority or i.authority == code]
    form = LocalEvidenceForm(request.POST or None, indicators=declared)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        user = request.user
        data = form.cleaned_data
        if attempt(
            form,
            lambda: local_evidence_record(
                establishment=establishment,
                name=data["name"],
                value=data["value"],
                recorded_on=data["recorded_on"],
                by=user,
                reason=data["reason"],
            ),
        ):
            return redirect("schools:local_evidence", urn=urn)
    labels = {i.name: i.label for i in indicators().values()}
    values = [
        (labels.get(v.name, v.name), v)
        for v in LocalEvidenceValue.objects.filter(establishment=establishment).select_related("recorded_by")
    ]
    return render(
        request,
        "schools/local_evidence.html",
        {"school": establishment, "form": form, "values": values, "indicators": declared},
    )
