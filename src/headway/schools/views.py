from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from headway.accounts import permissions
from headway.performance.charts import school_performance_section
from headway.schools.forms import SchoolFilterForm
from headway.schools.selectors import filter_establishments, school_profile

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
