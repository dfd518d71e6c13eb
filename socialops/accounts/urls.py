from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from socialops.accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("language/", views.set_language, name="set_language"),
    path("profile/", views.profile, name="profile"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("workspaces/", views.workspaces, name="workspaces"),
    path("workspaces/new/", views.create_workspace, name="create_workspace"),
    path("w/<slug:slug>/", views.dashboard, name="dashboard"),
    path("w/<slug:slug>/settings/", views.workspace_settings, name="workspace_settings"),
    path("w/<slug:slug>/settings/members/", views.members, name="members"),
    path(
        "w/<slug:slug>/settings/members/<int:member_id>/role/",
        views.change_role,
        name="change_role",
    ),
    path(
        "w/<slug:slug>/settings/members/<int:member_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("w/<slug:slug>/settings/invitations/", views.invitations, name="invitations"),
    path(
        "w/<slug:slug>/settings/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("w/<slug:slug>/settings/tokens/", views.tokens, name="tokens"),
    path(
        "w/<slug:slug>/settings/tokens/<int:token_id>/revoke/",
        views.revoke_token,
        name="revoke_token",
    ),
    path("w/<slug:slug>/settings/roles/", views.roles, name="roles"),
]
