from django.urls import path

from headway.concerns import power_views, views
from headway.concerns.rise_views import rise_end, rise_school

app_name = "concerns"
urlpatterns = [
    path("", views.register, name="register"),
    path("download.<str:file_format>", views.register_download, name="register_download"),
    path("schools/<int:urn>/", views.case, name="case"),
    path("schools/<int:urn>/lead-officer/", views.lead_officer, name="lead_officer"),
    path("schools/<int:urn>/judgements/", views.judgement, name="judgement"),
    path("schools/<int:urn>/plan/", views.plan, name="plan"),
    path("schools/<int:urn>/plan/record/", views.plan_record, name="plan_record"),
    path("schools/<int:urn>/plan/review/", views.plan_review, name="plan_review"),
    path("schools/<int:urn>/monitoring/", views.monitoring_meeting, name="monitoring"),
    path("schools/<int:urn>/powers/", views.power, name="power"),
    path("powers/<int:power_id>/end/", power_views.power_end, name="power_end"),
    path("schools/<int:urn>/statement-of-action/", views.statement_of_action, name="statement"),
    path("schools/<int:urn>/academy-contacts/", views.academy_contact, name="academy_contact"),
    path("schools/<int:urn>/rise/", rise_school, name="rise"),
    path("rise/<int:engagement_id>/end/", rise_end, name="rise_end"),
    path("academy-contacts/<int:contact_id>/response/", views.academy_response, name="academy_response"),
    path("warning-notices/<int:notice_id>/outcome/", views.notice_outcome, name="notice_outcome"),
    path("warning-notices/<int:notice_id>/eligibility/", views.eligibility_notice, name="eligibility"),
    path("letters/<int:letter_id>.docx", views.letter_docx, name="letter_docx"),
    path("letters/<int:letter_id>.pdf", views.letter_pdf, name="letter_pdf"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/pack/", views.pack, name="pack"),
    path("meetings/<int:meeting_id>/pack/pdf/", views.pack_pdf, name="pack_pdf"),
    path("meetings/<int:meeting_id>/pack/pdf/<int:pack_id>/", views.pack_made, name="pack_made"),
    path("meetings/<int:meeting_id>/pack/pdf/<int:pack_id>/download.pdf", views.pack_download, name="pack_download"),
    path("board/", views.board, name="board"),
    path("board.pdf", views.board_pdf, name="board_pdf"),
]
