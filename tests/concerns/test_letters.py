"""The letters a decision sends: one to the headteacher and one to the chair, rendered from the LA's editable
templates and kept as DOCX and PDF, reading like the LA's letters (designation is the informal warning; a
warning notice states its statutory ground, what the governing body must do and by when)."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from headway.concerns import letters, services
from headway.concerns.models import AcademyContact, ConcernStatus, Letter, SchoolCausingConcern, WarningNotice
from headway.concerns.policy import concern_policy_named
from tests.concerns import world as w
from tests.concerns.world import World, designated, make_world, meeting
from tests.governance.factories import BoardFactory, chair

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def docx_text(letter: Letter) -> str:
    document = docx.Document(io.BytesIO(bytes(letter.docx)))
    return "\n".join(p.text for p in document.paragraphs)


def letters_of(concern: SchoolCausingConcern, kind: str) -> list[Letter]:
    return list(Letter.objects.filter(concern=concern, kind=kind).order_by("recipient"))


def notice_issued(world: World, concern: SchoolCausingConcern, on: dt.date = dt.date(2026, 1, 14)) -> WarningNotice:
    services.judgement_record(
        concern=concern,
        kind="not_engaged",
        value=True,
        made_on=on - dt.timedelta(days=20),
        reason="The governors declined the LA's governance review & the head's training offer.",
        by=world.officer,
    )
    return services.warning_notice_issue(
        meeting=meeting(world, on),
        concern=concern,
        ground="breakdown",
        reasons="The governing body hasn't engaged with the LA's support since designation.",
        required_action="Commission an external review of governance and agree an action plan with the LA.",
        discussed_with_head_on=on - dt.timedelta(days=5),
        by=world.head_of_service,
    )


def test_designation_writes_a_letter_to_the_head_and_one_to_the_chair(world: World) -> None:
    concern = designated(world)
    made = letters_of(concern, Letter.Kind.DESIGNATION)
    assert [letter.recipient for letter in made] == [Letter.Recipient.CHAIR, Letter.Recipient.HEADTEACHER]
    chair, head = made
    assert head.addressee == "Mr Richard Mead"  # GIAS's headteacher of Alton Infant School
    assert chair.addressee == "The Chair of Governors"
    for letter in made:
        assert letter.decision is not None and letter.decision.kind == "designate"
        assert letter.dated == dt.date(2025, 10, 15)
        assert letter.created_by == world.head_of_service
        assert letter.subject == "Alton Infant School (URN 115850): designation as a school causing concern"
        text = docx_text(letter)
        assert "Hampshire" in text.splitlines()[0]
        assert "15 October 2025" in text
        assert letter.subject in text
        assert "Alton Infant School" in text
        assert "Judged requires improvement" in text  # the trigger's label
        assert "leadership capacity not yet secure" in text  # the review group's reasons
        assert "informal warning" in text
        assert "Olu Lead will be the school's lead officer" in text
        assert "Sam Service" in text and "Head of school improvement" in text
        assert bytes(letter.pdf).startswith(b"%PDF")
    assert "Dear Mr Mead," in docx_text(head)
    assert "Dear Chair of Governors," in docx_text(chair)
    assert "copy of this letter to the chair of governors" in docx_text(head)


def test_the_subject_is_bold_and_the_trigger_a_bullet(world: World) -> None:
    letter = letters_of(designated(world), Letter.Kind.DESIGNATION)[0]
    document = docx.Document(io.BytesIO(bytes(letter.docx)))
    subject = next(p for p in document.paragraphs if p.text == letter.subject)
    assert all(run.bold for run in subject.runs)
    bullet = next(p for p in document.paragraphs if p.text == "Judged requires improvement")
    assert bullet.style is not None and bullet.style.name == "List Bullet"


def test_a_school_without_a_head_in_gias_writes_to_the_headteacher(world: World) -> None:
    world.school.head_name = ""
    world.school.save()
    head = next(
        letter
        for letter in letters_of(designated(world), Letter.Kind.DESIGNATION)
        if letter.recipient == Letter.Recipient.HEADTEACHER
    )
    assert head.addressee == "The Headteacher"
    assert "Dear Headteacher," in docx_text(head)


def test_a_warning_notice_letter_states_the_ground_the_action_and_the_compliance_period(world: World) -> None:
    concern = designated(world)
    notice = notice_issued(world, concern)
    made = letters_of(concern, Letter.Kind.WARNING_NOTICE)
    assert len(made) == 2 and {letter.recipient for letter in made} == {"headteacher", "chair"}
    policy = concern_policy_named()
    for letter in made:
        assert letter.warning_notice == notice and letter.decision == notice.decision
        text = docx_text(letter)
        assert "section 60 of the Education and Inspections Act 2006" in text
        assert policy.grounds["breakdown"] in text  # the statutory ground
        assert "Commission an external review of governance" in text  # what the governing body must do
        assert notice.compliance_working_days == 15
        assert f"{notice.compliance_ends_on:%A %-d %B %Y}" in text  # when
        assert "15 working days" in text
        assert "eligible for intervention" in text
        assert "Appoint an interim executive board (EIA 2006 s.65)" in text
        # No HTML escaping in a letter.
        assert "hasn't engaged with the LA's support" in text and "&#x27;" not in text and "&amp;" not in text
        assert bytes(letter.pdf).startswith(b"%PDF")
    assert "This is your copy" in docx_text(next(x for x in made if x.recipient == "headteacher"))


def test_written_notice_of_eligibility_names_the_powers(world: World) -> None:
    concern = designated(world)
    notice = notice_issued(world, concern)
    after = notice.compliance_ends_on + dt.timedelta(days=3)
    services.warning_notice_outcome(notice=notice, complied=False, on=after, reason="No review.", by=world.officer)
    services.eligibility_notice_give(notice=notice, on=after, reason="Not complied with.", by=world.head_of_service)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.ELIGIBLE
    made = letters_of(concern, Letter.Kind.ELIGIBILITY)
    assert len(made) == 2
    for letter in made:
        assert letter.dated == after and letter.warning_notice == notice
        text = docx_text(letter)
        assert "Notice of eligibility for intervention" in letter.subject
        assert "eligible for intervention" in text and "written notice" in text
        for power in concern_policy_named().statutory_powers.values():
            assert f"{power.label} ({power.section})" in text


def test_removal_letters_follow_a_permitted_removal(world: World) -> None:
    concern = designated(world)
    w.inspect(world.school, dt.date(2026, 5, 12), 2)  # judged good later: removal is allowed
    on = dt.date(2026, 7, 1)
    services.remove(
        meeting=meeting(world, on),
        concern=concern,
        reasons="Judged good in May 2026; improvement is secure.",
        discussed_with_head_on=on - dt.timedelta(days=3),
        by=world.head_of_service,
    )
    made = letters_of(concern, Letter.Kind.REMOVAL)
    assert {letter.recipient for letter in made} == {"headteacher", "chair"}
    for letter in made:
        text = docx_text(letter)
        assert "removal from the register" in letter.subject
        assert "thank you" in text
        assert "Judged good in May 2026" in text
        assert "continue to receive the local authority's core school improvement offer" in text
    # The designation letters are still there: letters are never regenerated over.
    assert len(letters_of(concern, Letter.Kind.DESIGNATION)) == 2


def test_an_academy_designation_raises_the_concern_with_the_head_and_the_chair(world: World) -> None:
    concern = designated(world, school=world.academy)
    assert not letters_of(concern, Letter.Kind.DESIGNATION)
    made = letters_of(concern, Letter.Kind.ACADEMY_CONCERN)
    assert {letter.recipient for letter in made} == {"headteacher", "chair"}
    chair = next(letter for letter in made if letter.recipient == "chair")
    assert chair.addressee == "The Chair of the Local Governing Body"
    text = docx_text(chair)
    assert "The Priory Primary School" in text
    assert "no powers of intervention in academies" in text
    assert "trust" in text and "regional director" in text
    contacts = {c.raised_with: c for c in AcademyContact.objects.filter(concern=concern)}
    assert set(contacts) == {AcademyContact.RaisedWith.HEADTEACHER, AcademyContact.RaisedWith.CHAIR}
    assert all(c.what_was_sent == f"Letter: {chair.subject}" for c in contacts.values())


def test_one_template_per_kind_of_letter() -> None:
    found = {path.stem for path in letters.TEMPLATE_DIR.glob("*.txt")}
    assert found == set(Letter.Kind.values)
    for kind in Letter.Kind.values:
        first = letters.template_path(kind).read_text(encoding="utf-8")
        assert "Subject:" in first


def test_reading_a_rendered_template() -> None:
    rendered = letters.parse_letter(
        "\n\nSubject:  A school: designation\nDear Head,\n\nFirst line\nwraps on.\n## Heading\n- one\n- two\n"
        "continues\n\n\nLast."
    )
    assert rendered.subject == "A school: designation"
    assert [(b.kind, b.text) for b in rendered.blocks] == [
        ("text", "Dear Head,"),
        ("text", "First line wraps on."),
        ("heading", "Heading"),
        ("bullet", "one"),
        ("bullet", "two continues"),
        ("text", "Last."),
    ]
    assert rendered.body == "Dear Head,\n\nFirst line wraps on.\n\nHeading\n\n- one\n- two continues\n\nLast."


# The chair by name (GIAS's governance download) ---------------------------------------------------------------------


def test_a_letter_to_a_school_with_a_recorded_chair_names_the_chair(world: World) -> None:
    board = BoardFactory(establishment=world.school)
    chair(board, title="Mrs", forename_1="Jane", forename_2="Anne", surname="Smith", appointed_on=dt.date(2022, 9, 1))
    made = letters_of(designated(world), Letter.Kind.DESIGNATION)
    to_chair, head = made
    assert to_chair.addressee == "Mrs Jane Smith, Chair of Governors"
    text = docx_text(to_chair)
    assert "Mrs Jane Smith, Chair of Governors\nAlton Infant School" in text  # the address
    assert "Dear Mrs Smith," in text
    assert "copy of this letter to Mrs Jane Smith, the chair of governors" in docx_text(head)
    assert bytes(to_chair.pdf).startswith(b"%PDF")


def test_the_chair_named_is_the_chair_on_the_letters_date(world: World) -> None:
    board = BoardFactory(establishment=world.school)
    # The chair until the day before the letter, and the next chair from the day after: neither is the chair on
    # 15 October 2025, so the letter is to the chair by role.
    chair(board, title="Mr", surname="Before", appointed_on=dt.date(2021, 9, 1), term_ends_on=dt.date(2025, 10, 14))
    chair(board, title="Ms", surname="After", appointed_on=dt.date(2025, 10, 16))
    to_chair = letters_of(designated(world), Letter.Kind.DESIGNATION)[0]
    assert to_chair.addressee == "The Chair of Governors"
    assert "Dear Chair of Governors," in docx_text(to_chair)

    concern = SchoolCausingConcern.objects.get(establishment=world.school)
    w.inspect(world.school, dt.date(2026, 5, 12), 2)
    services.remove(
        meeting=meeting(world, dt.date(2026, 7, 1)),
        concern=concern,
        reasons="Judged good.",
        discussed_with_head_on=dt.date(2026, 6, 28),
        by=world.head_of_service,
    )
    removal = next(x for x in letters_of(concern, Letter.Kind.REMOVAL) if x.recipient == Letter.Recipient.CHAIR)
    # On 1 July 2026 Ms After, appointed on 16 October 2025, is the chair.
    assert removal.addressee.endswith(" After, Chair of Governors") and removal.addressee.startswith("Ms ")
    assert "Dear Ms After," in docx_text(removal)


def test_a_chair_without_a_title_is_greeted_by_their_full_name(world: World) -> None:
    chair(BoardFactory(establishment=world.school), title="", forename_1="Sam", surname="Okoro")
    to_chair = letters_of(designated(world), Letter.Kind.DESIGNATION)[0]
    assert to_chair.addressee == "Sam Okoro, Chair of Governors"
    assert "Dear Sam Okoro," in docx_text(to_chair)


def test_an_academys_letter_names_the_chair_of_the_local_governing_body(world: World) -> None:
    chair(
        BoardFactory(establishment=world.academy),
        role="Chair of local governing body",
        title="Dr",
        forename_1="Amira",
        surname="Hughes",
    )
    made = letters_of(designated(world, school=world.academy), Letter.Kind.ACADEMY_CONCERN)
    to_chair = next(x for x in made if x.recipient == Letter.Recipient.CHAIR)
    head = next(x for x in made if x.recipient == Letter.Recipient.HEADTEACHER)
    assert to_chair.addressee == "Dr Amira Hughes, Chair of the Local Governing Body"
    assert "Dear Dr Hughes," in docx_text(to_chair)
    assert "copy of this letter to Dr Amira Hughes, the chair of the local governing body" in docx_text(head)


def test_letters_name_people_by_full_name_and_job_title_never_username(world: World) -> None:
    from headway.accounts.models import User

    User.objects.filter(pk=world.officer.pk).update(first_name="Olu", last_name="Adebayo", job_title="Link adviser")
    User.objects.filter(pk=world.head_of_service.pk).update(job_title="Head of school effectiveness")
    world.officer.refresh_from_db()
    world.head_of_service.refresh_from_db()
    concern = designated(world)
    for letter in letters_of(concern, Letter.Kind.DESIGNATION):
        text = docx_text(letter)
        assert "Olu Adebayo (Link adviser) will be the school's lead officer" in text
        lines = text.splitlines()
        signed = lines.index("Yours sincerely") + 1
        assert lines[signed].startswith("Sam Service")
        assert "Head of school effectiveness" in "\n".join(lines[signed:])  # their own title, not a stock one
        assert "Head of school improvement" not in text
        assert "officer.alton" not in text and world.head_of_service.username not in text


def test_a_signatory_without_a_name_is_not_shown_by_username(world: World) -> None:
    from headway.accounts.models import User

    User.objects.filter(pk=world.head_of_service.pk).update(first_name="", last_name="", email="hos@hants.test")
    world.head_of_service.refresh_from_db()
    concern = designated(world)
    for letter in letters_of(concern, Letter.Kind.DESIGNATION):
        text = docx_text(letter)
        assert world.head_of_service.username not in text and "hos@hants.test" in text
