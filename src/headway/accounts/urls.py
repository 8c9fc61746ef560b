from django.contrib.auth import views as auth_views
from django.urls import path

from headway.accounts import account_views, notice_views, views

app_name = "accounts"
urlpatterns = [
    path("", account_views.your_account, name="account"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/organisation/", views.SingleSignOnStartView.as_view(), name="sso_start"),
    path("sign-in/organisation/callback/", views.SingleSignOnCallbackView.as_view(), name="sso_callback"),
    path("people/", views.people_list, name="people"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/<int:pk>/", views.person_change, name="person"),
    path("people/<int:pk>/account/", views.person_account, name="person_account"),
    path("people/<int:pk>/password-link/", views.person_password_link, name="person_password_link"),
    path("choose-password/<uidb64>/<token>/", views.ChoosePasswordView.as_view(), name="choose_password"),
    path(
        "password-chosen/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_chosen.html"),
        name="password_chosen",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("notices/", notice_views.email_notices, name="notices"),
]
