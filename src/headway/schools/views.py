from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from headway.accounts import permissions
from headway.accounts.models import User
from headway.performance.charts import school_performance_section
from headway.refusals import attempt
from headway.schools.forms import LocalEvidenceForm, SchoolFilterForm
from headway.schools.selectors import filter_establishments, school_profile
from headway.schools.services import local_evidence_record

PAGE_SIZE = 50


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    visible = permissions.establishments_visible_to(request.user)
    data = request.GET.copy()
    data.setdefault("status", "open")
    form = SchoolFilterForm(data, visible=visible)
    filters = form.cleaned_data if form.is_valid() else {"status": "open"}
    schools = filter_establishments(visible, filters, today=timezone.localdate())
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schools/school_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "total": page.paginator.count},
    )


@login_required
def school_detail(request: HttpRequest, urn: int) -> HttpResponse:
    establishment = permissions.establishment_for(request.user, urn)
    profile = school_profile(
        establishment, today=timezone.localdate(), visible=permissions.establishments_visible_to(request.user)
    )
    performance = school_performance_section(establishment)
    context = {
        "profile": profile,
        "school": establishment,
        "performance": performance,
        "previous_grade_label": profile.standing.previous_grade_label if profile.standing else "",
        "can_see_rise": permissions.can_manage_concerns(request.user, establishment.local_authority)
        or permissions.is_school_user_of(request.user, establishment),
    }
    if permissions.can_manage_support(request.user, establishment.local_authority):
        from headway.concerns.services import open_concern
        from headway.support.selectors import support_for_school

        context["support"] = support_for_school(establishment)
        context["open_concern"] = open_concern(establishment)
    return render(request, "schools/school_detail.html", context)


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
