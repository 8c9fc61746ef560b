from django.urls import path

from headway.visits import note_views

app_name = "notes"
urlpatterns = [
    path("", note_views.note_list, name="list"),
    path("notices/", note_views.notice_list, name="notices"),
    path("visits/<int:visit_id>/new/", note_views.note_create, name="create"),
    path("visits/<int:visit_id>/self-evaluation/", note_views.self_evaluation, name="self_evaluation"),
    path("<int:pk>/", note_views.note_detail, name="detail"),
    path("<int:pk>.pdf", note_views.note_pdf_download, name="pdf"),
    path("<int:pk>/edit/", note_views.note_edit, name="edit"),
    path("<int:pk>/send/", note_views.note_send, name="send"),
    path("<int:pk>/respond/", note_views.note_respond, name="respond"),
    path("<int:pk>/finalise/", note_views.note_finalise, name="finalise"),
    path("<int:pk>/share/", note_views.note_share, name="share"),
    path("<int:pk>/correct/", note_views.note_correct, name="correct"),
]
