"""The register: local authorities, their areas, every school and setting, trusts and federations."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class LocalAuthority(models.Model):
    code = models.CharField(max_length=3, unique=True, help_text="DfE's three-digit LA code, e.g. 302.")
    name = models.CharField(max_length=120)
    region = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Area(models.Model):
    """An LA-defined grouping of schools: a cluster, network, footprint, locality or area. Areas nest: Walsall's
    footprints each hold two areas (``parent``); a school belongs to one area, and so to every area above it.
    Read the tree through ``headway.schools.areas``; officers per area are ``AreaOfficer``."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", "Cluster"
        NETWORK = "network", "Network"
        FOOTPRINT = "footprint", "Footprint"
        LOCALITY = "locality", "Locality"
        AREA = "area", "Area"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CLUSTER)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The larger area this one is part of (an area of a footprint), of the same authority.",
    )

    class Meta:
        ordering = ["local_authority__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="area_unique_name_in_la"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="area_not_its_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()}, {self.local_authority.name})"

    @property
    def title(self) -> str:
        """The area as people say it: "North footprint", "Penistone cluster"."""
        kind = self.get_kind_display().lower()
        return self.name if self.name.lower().endswith(kind) else f"{self.name} {kind}"


class AreaRole(models.TextChoices):
    """What an officer does for an area: Walsall's Senior Achievement Officer for a footprint, its Improvement
    Advisers for each area; Barnet's Learning Network Inspector for a network. Meeting types name these roles."""

    SENIOR_OFFICER = "senior_officer", "Senior officer"
    ADVISER = "adviser", "Adviser"


class AreaOfficer(models.Model):
    """An LA officer's role for an area, with dates. An assignment ends (``ends_on``); it is never deleted.
    Changed only through ``headway.schools.services.area_officer_add`` and ``area_officer_end``, which audit
    every change. An area has at most one current senior officer."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="officers")
    officer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="area_roles")
    role = models.CharField(max_length=20, choices=AreaRole.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="The last day in the role; empty while current.")

    class Meta:
        ordering = ["area__name", "role", "officer__last_name", "officer__first_name", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "officer"], condition=Q(ends_on__isnull=True), name="area_officer_one_current_role"
            ),
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(ends_on__isnull=True, role="senior_officer"),
                name="area_one_current_senior_officer",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="area_officer_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.get_role_display().lower()} for {self.area.title} from {self.starts_on:%-d %B %Y}"


class Governance(models.TextChoices):
    MAINTAINED = "maintained", "LA maintained"
    ACADEMY = "academy", "Academy or free school"
    INDEPENDENT = "independent", "Independent"
    OTHER = "other", "Other"


class Establishment(models.Model):
    """A school or setting as Get Information About Schools (or DfE's school information file) describes it."""

    class RegisterSource(models.TextChoices):
        GIAS = "gias", "Get Information About Schools"
        SPINE = "spine", "DfE school information (spine)"
        MANUAL = "manual", "Entered by hand"

    urn = models.PositiveIntegerField(unique=True, verbose_name="URN")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="establishments")
    establishment_number = models.PositiveIntegerField(null=True, blank=True)
    name = models.CharField(max_length=200, db_index=True)
    type_name = models.CharField("type", max_length=120, blank=True)
    type_group = models.CharField(max_length=120, blank=True)
    governance = models.CharField(max_length=20, choices=Governance.choices, default=Governance.OTHER)
    phase = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=60, blank=True)
    open_date = models.DateField(null=True, blank=True)
    reason_opened = models.CharField(max_length=120, blank=True)
    close_date = models.DateField(null=True, blank=True)
    reason_closed = models.CharField(max_length=120, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sixth_form = models.CharField(max_length=60, blank=True)
    gender = models.CharField(max_length=30, blank=True)
    religious_character = models.CharField(max_length=120, blank=True)
    religious_ethos = models.CharField(max_length=120, blank=True)
    diocese = models.CharField(max_length=120, blank=True)
    admissions_policy = models.CharField(max_length=60, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    number_on_roll = models.PositiveIntegerField(null=True, blank=True)
    percentage_fsm = models.DecimalField("% FSM", max_digits=4, decimal_places=1, null=True, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    urban_rural = models.CharField(max_length=80, blank=True)
    district = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=80, blank=True)
    town = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    head_name = models.CharField("headteacher", max_length=200, blank=True)
    head_job_title = models.CharField(max_length=120, blank=True)
    website = models.CharField(max_length=300, blank=True)
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="establishments")
    register_source = models.CharField(max_length=10, choices=RegisterSource.choices, default=RegisterSource.MANUAL)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["local_authority", "status"]),
            models.Index(fields=["phase"]),
            models.Index(fields=["governance"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def laestab(self) -> str:
        if self.establishment_number is None:
            return ""
        return f"{self.local_authority.code}{self.establishment_number:04d}"

    @property
    def is_open(self) -> bool:
        return self.status.lower().startswith("open")


class Group(models.Model):
    """A trust, federation or sponsor that schools belong to."""

    class Kind(models.TextChoices):
        TRUST = "trust", "Trust"
        FEDERATION = "federation", "Federation"
        SPONSOR = "sponsor", "Sponsor"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    uid = models.CharField(
        "UID", max_length=20, blank=True, help_text="GIAS group UID; blank when the file gave only the name."
    )
    name = models.CharField(max_length=250)
    group_type = models.CharField(max_length=120, blank=True, help_text="e.g. Multi-academy trust.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "uid"], condition=~Q(uid=""), name="group_unique_uid"),
            models.UniqueConstraint(fields=["kind", "name"], condition=Q(uid=""), name="group_unique_name_no_uid"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A school's membership of a group, with dates. A membership ends (``left_on``); it is never deleted."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-left_on", "group__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "establishment"], condition=Q(left_on__isnull=True), name="membership_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.establishment} in {self.group}"


class EstablishmentLink(models.Model):
    """A predecessor, successor or merger link between two URNs, as GIAS records it. The linked school
    need not be in the register (closed schools of other authorities, for example)."""

    urn = models.PositiveIntegerField(db_index=True)
    linked_urn = models.PositiveIntegerField(db_index=True)
    link_type = models.CharField(
        max_length=120,
        help_text="e.g. Predecessor, Successor - merged, Merged - expansion in school capacity and changer in age "
        "range (GIAS's own words).",
    )
    linked_name = models.CharField(max_length=200, blank=True)
    established_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["urn", "link_type", "linked_urn"]
        constraints = [
            models.UniqueConstraint(fields=["urn", "linked_urn", "link_type"], name="link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.urn} {self.link_type} {self.linked_urn}"

    @property
    def is_predecessor(self) -> bool:
        return self.link_type.lower().startswith("predecessor")


class LinkOfficerAssignment(models.Model):
    """An LA officer's assignment as a school's link officer (their caseload), with dates. When another
    officer takes the school on, the assignment ends (``ends_on``); it is never deleted. Changed only
    through ``headway.schools.services.link_officer_assign``, which audits every change."""

    officer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="link_officer_assignments")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="link_officer_assignments")
    starts_on = models.DateField()
    ends_on = models.DateField(
        null=True, blank=True, help_text="The day the next officer took the school on; empty while current."
    )

    class Meta:
        ordering = ["establishment__name", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment"], condition=Q(ends_on__isnull=True), name="link_officer_one_current"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="link_officer_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["officer", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.officer} link officer for {self.establishment} from {self.starts_on:%-d %B %Y}"


class LocalEvidenceValue(models.Model):
    """A value of an indicator the LA records itself (declared in configuration: ``local_evidence/``), for one
    school, dated, with who recorded it and why. Never edited: a later value supersedes an earlier one, and
    categorisation reads the latest on or before its date."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="local_evidence")
    name = models.CharField(max_length=60, help_text="The indicator's name in the configuration.")
    value = models.CharField(max_length=60)
    recorded_on = models.DateField(help_text="The day the value holds from.")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["establishment", "name", "recorded_on"])]

    def __str__(self) -> str:
        return f"{self.establishment}: {self.name} = {self.value} from {self.recorded_on:%-d %B %Y}"
