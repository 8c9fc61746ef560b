"""Who may see and do what. Every view asks here; nothing else decides access."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from headway.accounts.models import Role, User

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from headway.risk.models import CategorisationRound
    from headway.schools.models import Establishment, LocalAuthority
    from headway.strategy.models import KpiSet
    from headway.visits.models import NoteOfVisit, Visit

AnyUser = User | AnonymousUser

LA_STAFF_ROLES = {Role.LA_ADMIN, Role.LA_OFFICER}
AUTHORITY_WIDE_ROLES = {Role.LA_ADMIN, Role.LA_OFFICER, Role.BOARD_MEMBER}


def _active(user: AnyUser) -> User | None:
    if isinstance(user, User) and user.is_active:
        return user
    return None


def is_la_staff(user: AnyUser) -> bool:
    """LA administrators and officers (and superusers)."""
    active = _active(user)
    return active is not None and (active.is_superuser or active.role in LA_STAFF_ROLES)


def can_import(user: AnyUser) -> bool:
    """Only LA administrators (and superusers) load files into the register."""
    active = _active(user)
    return active is not None and (active.is_superuser or active.role == Role.LA_ADMIN)


def can_train_risk_model(user: AnyUser) -> bool:
    """Only LA administrators (and superusers) start training the risk model from the browser."""
    active = _active(user)
    return active is not None and (active.is_superuser or active.role == Role.LA_ADMIN)


def can_see_import_history(user: AnyUser) -> bool:
    return is_la_staff(user)


def local_authorities_visible_to(user: AnyUser) -> QuerySet[LocalAuthority]:
    from headway.schools.models import LocalAuthority

    active = _active(user)
    if active is None:
        return LocalAuthority.objects.none()
    if active.is_superuser:
        return LocalAuthority.objects.all()
    if active.role in AUTHORITY_WIDE_ROLES and active.local_authority_id is not None:
        return LocalAuthority.objects.filter(pk=active.local_authority_id)
    if active.role == Role.SCHOOL_USER:
        return LocalAuthority.objects.filter(establishments__school_users=active).distinct()
    return LocalAuthority.objects.none()


def establishments_visible_to(user: AnyUser) -> QuerySet[Establishment]:
    """The schools this user may see: all of their authority's for LA staff and board members, only the
    linked schools for school users, nothing for anyone else."""
    from headway.schools.models import Establishment

    active = _active(user)
    if active is None:
        return Establishment.objects.none()
    if active.is_superuser:
        return Establishment.objects.all()
    if active.role in AUTHORITY_WIDE_ROLES:
        if active.local_authority_id is None:
            return Establishment.objects.none()
        return Establishment.objects.filter(local_authority_id=active.local_authority_id)
    if active.role == Role.SCHOOL_USER:
        return Establishment.objects.filter(school_users=active)
    return Establishment.objects.none()


def can_view_establishment(user: AnyUser, establishment: Establishment) -> bool:
    return establishments_visible_to(user).filter(pk=establishment.pk).exists()


def establishment_for(user: AnyUser, urn: int) -> Establishment:
    """The school with this URN if the user may see it; otherwise 404, so that another school's page
    does not even confirm that the school exists."""
    establishment = establishments_visible_to(user).filter(urn=urn).first()
    if establishment is None:
        raise Http404("No school with that URN is visible to you.")
    return establishment


def can_see_kpis(user: AnyUser) -> bool:
    """LA staff and board members of an authority (and superusers) see its KPI table."""
    active = _active(user)
    return active is not None and (
        active.is_superuser or (active.role in AUTHORITY_WIDE_ROLES and active.local_authority_id is not None)
    )


def kpi_authority_for(user: AnyUser, la_code: str) -> LocalAuthority:
    """The authority whose KPIs are asked for, if the user may see them: its LA staff and board members, and
    superusers. School users (and anyone without an authority-wide role) get 403; another authority's staff
    get 404, so that the page does not confirm what another authority has."""
    active = _active(user)
    if active is None or not (active.is_superuser or active.role in AUTHORITY_WIDE_ROLES):
        raise PermissionDenied
    authority = local_authorities_visible_to(active).filter(code=la_code).first()
    if authority is None:
        raise Http404("No local authority with that code is visible to you.")
    return authority


def can_see_la_dashboard(user: AnyUser) -> bool:
    """The performance dashboard is open to the same people as the KPI table."""
    return can_see_kpis(user)


def la_dashboard_authority_for(user: AnyUser, la_code: str) -> LocalAuthority:
    """As for the KPI table: 403 for school users, 404 for another authority's staff."""
    return kpi_authority_for(user, la_code)


def can_manage_kpi_sets(user: AnyUser) -> bool:
    """LA administrators of an authority (and superusers) make and change its KPI sets, as they load KPI-set
    files; officers enter the LA's own figures only, board members read the table."""
    active = _active(user)
    return active is not None and (
        active.is_superuser or (active.role == Role.LA_ADMIN and active.local_authority_id is not None)
    )


def kpi_set_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """The authority whose KPI sets are to be made or changed: an LA administrator's own; a superuser's chosen
    by code (default the first). 403 for everyone else; 404 for an authority that is not the user's."""
    active = _active(user)
    if active is None or not can_manage_kpi_sets(active):
        raise PermissionDenied
    return _authority_chosen(active, la_code)


def kpi_set_for(user: AnyUser, pk: int) -> KpiSet:
    """A KPI set the user may change: 403 for anyone who changes none, 404 for another authority's set."""
    from headway.strategy.models import KpiSet

    active = _active(user)
    if active is None or not can_manage_kpi_sets(active):
        raise PermissionDenied
    found = (
        KpiSet.objects.select_related("local_authority")
        .filter(pk=pk, local_authority__in=local_authorities_visible_to(active))
        .first()
    )
    if found is None:
        raise Http404("No such KPI set for you.")
    return found


def can_categorise(user: AnyUser, local_authority: LocalAuthority) -> bool:
    """LA staff of that authority (and superusers) run rounds, record judgements and decide categories."""
    active = _active(user)
    if active is None or not is_la_staff(active):
        return False
    return active.is_superuser or active.local_authority_id == local_authority.pk


def categorisation_schools_visible_to(user: AnyUser) -> QuerySet[Establishment]:
    """The schools whose category (decisions, proposals and their reasons) the user may see: LA staff their
    authority's (superusers every school); a school's own users only where its LA shares categories with
    schools; nobody else (board members included). The school's page and the API both ask here."""
    from headway.schools.models import Establishment

    active = _active(user)
    if active is None:
        return Establishment.objects.none()
    visible = establishments_visible_to(active)
    if is_la_staff(active):
        return visible if active.is_superuser else visible.filter(local_authority_id=active.local_authority_id)
    if active.role == Role.SCHOOL_USER:
        from headway.risk.models import CategorisationSetting

        sharing = CategorisationSetting.objects.filter(share_category_with_schools=True).values("local_authority_id")
        return visible.filter(local_authority_id__in=sharing)
    return Establishment.objects.none()


def can_see_categorisation(user: AnyUser, establishment: Establishment) -> bool:
    """LA staff of the school's authority; its own school users only when the LA shares categories."""
    return categorisation_schools_visible_to(user).filter(pk=establishment.pk).exists()


def categorisation_rounds_visible_to(user: AnyUser) -> QuerySet[CategorisationRound]:
    """The categorisation rounds the user may open: LA staff their authority's (superusers every round)."""
    from headway.risk.models import CategorisationRound

    active = _active(user)
    if active is None or not is_la_staff(active):
        return CategorisationRound.objects.none()
    if active.is_superuser:
        return CategorisationRound.objects.all()
    return CategorisationRound.objects.filter(local_authority_id=active.local_authority_id)


def categorisation_round_for(user: AnyUser, pk: int) -> CategorisationRound:
    """A round the user may open; 404 otherwise (another authority's round is not confirmed)."""
    found = categorisation_rounds_visible_to(user).select_related("local_authority").filter(pk=pk).first()
    if found is None:
        raise Http404("No such round for you.")
    return found


# Notes of visit and self-evaluation ---------------------------------------------------------------------------


def can_write_note(user: AnyUser, visit: Visit) -> bool:
    """The visit's officer, LA staff of the school's authority and superusers write, send, finalise, share
    and correct notes of visit."""
    active = _active(user)
    if active is None:
        return False
    if active.is_superuser or (visit.officer_id is not None and visit.officer_id == active.pk):
        return True
    return is_la_staff(active) and active.local_authority_id == visit.establishment.local_authority_id


def is_school_user_of(user: AnyUser, establishment: Establishment) -> bool:
    """A school user (headteacher or chair of governors) linked to this school."""
    active = _active(user)
    return (
        active is not None and active.role == Role.SCHOOL_USER and active.schools.filter(pk=establishment.pk).exists()
    )


def can_respond_to_note(user: AnyUser, note: NoteOfVisit) -> bool:
    """Only that school's users respond, and only to a note sent to them."""
    return note.status == note.Status.SENT and is_school_user_of(user, note.visit.establishment)


def can_view_note(user: AnyUser, note: NoteOfVisit) -> bool:
    """Writers see every version. The school's users see a note once it is sent to them (to respond, and
    what they answered), and a final note only once it is shared with governors."""
    if can_write_note(user, note.visit):
        return True
    if not is_school_user_of(user, note.visit.establishment):
        return False
    if note.status == note.Status.FINAL:
        return note.shared_with_governors_at is not None
    return note.status != note.Status.DRAFT


def can_complete_self_evaluation(user: AnyUser, visit: Visit) -> bool:
    """The school's users complete the pre-visit form while the visit is planned."""
    return visit.status == visit.Status.PLANNED and is_school_user_of(user, visit.establishment)


def can_view_self_evaluation(user: AnyUser, visit: Visit) -> bool:
    return can_write_note(user, visit) or is_school_user_of(user, visit.establishment)


def can_plan_visits(user: AnyUser, local_authority: LocalAuthority, *, capacity: bool = False) -> bool:
    """LA staff of that authority (and superusers) see and change its visit plan; with ``capacity``, only its
    LA administrators (the head of service) see officers' capacity and edit the calendar."""
    active = _active(user)
    if active is None or not is_la_staff(active):
        return False
    if active.is_superuser:
        return True
    return active.local_authority_id == local_authority.pk and (not capacity or active.role == Role.LA_ADMIN)


def school_visits_visible_to(user: AnyUser) -> QuerySet[Establishment]:
    """The schools whose visits the user may read: LA staff of the school's authority (who also change them,
    ``can_plan_visits``) and the school's own users; nobody else (board members included). The school's
    visits page and the API both ask here."""
    from headway.schools.models import Establishment

    active = _active(user)
    if active is None:
        return Establishment.objects.none()
    visible = establishments_visible_to(active)
    if is_la_staff(active):
        return visible if active.is_superuser else visible.filter(local_authority_id=active.local_authority_id)
    if active.role == Role.SCHOOL_USER:
        return visible
    return Establishment.objects.none()


def can_see_school_visits(user: AnyUser, establishment: Establishment) -> bool:
    return school_visits_visible_to(user).filter(pk=establishment.pk).exists()


# Schools causing concern ----------------------------------------------------------------------------------------


def can_manage_concerns(user: AnyUser, local_authority: LocalAuthority) -> bool:
    """LA staff of that authority (and superusers) see and record everything about its schools causing
    concern: the register, cases, the review group's meetings, agendas, minutes and decisions, and letters."""
    active = _active(user)
    if active is None or not is_la_staff(active):
        return False
    return active.is_superuser or active.local_authority_id == local_authority.pk


def can_see_concerns(user: AnyUser) -> bool:
    """Whether to offer the register of schools causing concern (LA staff of an authority, superusers)."""
    active = _active(user)
    return active is not None and (
        active.is_superuser or (active.role in LA_STAFF_ROLES and active.local_authority_id is not None)
    )


def _authority_chosen(active: User, la_code: str) -> LocalAuthority:
    """The authority whose code is given if the user may see it, else the user's own authority (a superuser
    without one: the first by name); 404 for an authority that is not visible to the user."""
    from headway.schools.models import LocalAuthority

    visible = local_authorities_visible_to(active)
    if la_code:
        authority = visible.filter(code=la_code).first()
    elif active.local_authority_id is not None:
        authority = visible.filter(pk=active.local_authority_id).first()
    elif active.is_superuser:
        authority = LocalAuthority.objects.order_by("name", "code").first()
    else:
        authority = visible.first()
    if authority is None:
        raise Http404("No local authority with that code is visible to you.")
    return authority


def concerns_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """The authority whose register and review-group meetings are asked for: LA staff see their own, and
    superusers choose by code (default the first). Everyone else gets 403; an authority that is not the
    user's gets 404, so the page does not confirm what another authority has."""

    active = _active(user)
    if active is None or not can_see_concerns(active):
        raise PermissionDenied
    return _authority_chosen(active, la_code)


def concern_school_for(user: AnyUser, urn: int) -> Establishment:
    """A school's case causing concern: only LA staff of its authority (and superusers). Everyone else gets
    404, so that the page does not even confirm that the school causes concern."""
    from headway.schools.models import Establishment

    establishment = Establishment.objects.select_related("local_authority").filter(urn=urn).first()
    if establishment is None or not can_manage_concerns(user, establishment.local_authority):
        raise Http404("No such school causing concern for you.")
    return establishment


def can_see_concern_plan(user: AnyUser, establishment: Establishment) -> bool:
    """A school's action plan (its versions and reviews): LA staff of its authority and the school's own users."""
    return can_manage_concerns(user, establishment.local_authority) or is_school_user_of(user, establishment)


def can_see_concern_letter(user: AnyUser, establishment: Establishment) -> bool:
    """A letter about a school causing concern: LA staff of its authority and the users of the school it is
    addressed to."""
    return can_see_concern_plan(user, establishment)


def board_summary_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """The termly board summary: LA staff and board members of the authority, and superusers (who choose by
    code). School users get 403; another authority's code gets 404."""

    active = _active(user)
    if active is None or not (
        active.is_superuser or (active.role in AUTHORITY_WIDE_ROLES and active.local_authority_id is not None)
    ):
        raise PermissionDenied
    return _authority_chosen(active, la_code)


# Support and partnerships ----------------------------------------------------------------------------------------


def can_manage_support(user: AnyUser, local_authority: LocalAuthority) -> bool:
    """LA staff of that authority (and superusers) keep the provider directory, broker and commission support,
    record traded hours, and propose, edit and review partnerships."""
    return can_manage_concerns(user, local_authority)


def support_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """The authority whose providers, commissions, traded services or partnerships are asked for: as for the
    register of schools causing concern (LA staff their own; superusers by code; 403 for others, 404 for an
    authority that is not the user's)."""
    return concerns_authority_for(user, la_code)


def support_school_for(user: AnyUser, urn: int) -> Establishment:
    """A school's support (find support, its commissions): LA staff of its authority only, else 404."""
    return concern_school_for(user, urn)


def can_answer_partnership_survey(user: AnyUser, establishment: Establishment) -> bool:
    """The school's own users answer the partnership survey for it; LA staff of its authority may too (on the
    school's behalf, recorded as themselves)."""
    return is_school_user_of(user, establishment) or can_manage_support(user, establishment.local_authority)


# The read API ------------------------------------------------------------------------------------------------------


def can_use_api(user: AnyUser) -> bool:
    """Every active signed-in user may use the read API and keep API tokens; what each endpoint returns follows
    the same rules as the pages (the functions above)."""
    return _active(user) is not None


# People (accounts) -------------------------------------------------------------------------------------------------


def can_manage_people(user: AnyUser) -> bool:
    """LA administrators of an authority add people, set their role and schools, and close their accounts."""
    active = _active(user)
    return active is not None and active.role == Role.LA_ADMIN and active.local_authority_id is not None


def people_managed_by(user: AnyUser) -> QuerySet[User]:
    """The people an LA administrator looks after: their authority's people, and school users whose schools are
    all the authority's; never a superuser or anyone with a school of another authority."""
    from django.db.models import Q

    from headway.schools.models import Establishment

    active = _active(user)
    if active is None or not can_manage_people(active):
        return User.objects.none()
    authority = active.local_authority_id
    elsewhere = User.objects.filter(schools__in=Establishment.objects.exclude(local_authority_id=authority))
    return (
        User.objects.filter(
            Q(local_authority_id=authority)
            | Q(role=Role.SCHOOL_USER, local_authority__isnull=True, schools__local_authority_id=authority)
        )
        .exclude(pk__in=elsewhere.values("pk"))
        .exclude(is_superuser=True)
        .exclude(is_staff=True)
        .distinct()
    )


def person_for(user: AnyUser, pk: int) -> User:
    """A person the LA administrator looks after; 404 for anyone else (another authority's people included)."""
    found = people_managed_by(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such person for you.")
    return found


def signed_in(request: HttpRequest) -> User:
    """The signed-in user of a request to a page that requires signing in (``login_required``)."""
    assert isinstance(request.user, User)
    return request.user
