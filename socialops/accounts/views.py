"""Pages for signing in, workspaces, members, invitations, API tokens and roles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socialops.accounts import actions, queries
from socialops.accounts.decorators import workspace_view
from socialops.accounts.forms import (
    InvitationForm,
    ProfileForm,
    RoleForm,
    SignUpForm,
    TokenForm,
    WorkspaceForm,
)
from socialops.accounts.models import Invitation, User
from socialops.accounts.queries import Access
from socialops.accounts.roles import ROLE_DESCRIPTIONS, ROLE_PERMISSIONS, Perm, Role
from socialops.core import audit, crypto


def _apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put an action's ValidationError on the form, by field where the form has that field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True}),
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def get_success_url(self) -> str:
        return reverse("profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(action="user.password_changed", request=self.request, target=form.user)
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(
            action="user.password_reset", request=self.request, actor=form.user, target=form.user
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    response = redirect(_safe_next(request, reverse("home")))
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Unknown language."))
        return response
    if request.user.is_authenticated:
        actions.update_profile(user=request.user, language=language, request=request)  # type: ignore[arg-type]
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(request.POST or None, initial={"name": user.name, "language": user.language})
    if request.method == "POST" and form.is_valid():
        actions.update_profile(
            user=user,
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
            request=request,
        )
        messages.success(request, _("Profile saved."))
        response = redirect("profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    memberships = list(queries.user_memberships(user))
    slugs = {m.workspace.slug for m in memberships}
    if user.last_workspace and user.last_workspace.slug in slugs:
        return redirect("dashboard", slug=user.last_workspace.slug)
    if memberships:
        return redirect("dashboard", slug=memberships[0].workspace.slug)
    return redirect("workspaces")


@login_required
def workspaces(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/workspaces.html",
        {
            "memberships": queries.user_memberships(request.user),  # type: ignore[arg-type]
            "form": WorkspaceForm(initial={"time_zone": settings.DEFAULT_WORKSPACE_TIME_ZONE}),
        },
    )


@login_required
@require_POST
def create_workspace(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST)
    if form.is_valid():
        try:
            workspace = actions.create_workspace(
                actor=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],  # type: ignore[arg-type]
                time_zone=form.cleaned_data["time_zone"],
                request=request,
                starter_kit=True,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Workspace %(name)s created.") % {"name": workspace.name})
            return redirect("dashboard", slug=workspace.slug)
    return render(
        request,
        "accounts/workspaces.html",
        {
            "memberships": queries.user_memberships(request.user),  # type: ignore[arg-type]
            "form": form,
        },
        status=422,
    )


@workspace_view()
def dashboard(request: HttpRequest, access: Access) -> HttpResponse:
    members_count = queries.workspace_members(access.workspace).count()
    return render(
        request,
        "accounts/dashboard.html",
        {
            "members_count": members_count,
            "pending_invitations": queries.pending_invitations(access.workspace).count(),
            "token_count": queries.user_tokens(access).filter(revoked_at__isnull=True).count(),
        },
    )


@workspace_view()
def workspace_settings(request: HttpRequest, access: Access) -> HttpResponse:
    form = WorkspaceForm(request.POST or None, instance=access.workspace)
    status = 200
    if request.method == "POST":
        access.require(Perm.WORKSPACE_MANAGE, request)
        if form.is_valid():
            try:
                actions.update_workspace(
                    access=access,
                    name=form.cleaned_data["name"],
                    time_zone=form.cleaned_data["time_zone"],
                    request=request,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Workspace settings saved."))
                return redirect("workspace_settings", slug=access.workspace.slug)
        status = 422
        access.workspace.refresh_from_db()
    return render(
        request,
        "accounts/workspace_settings.html",
        {"form": form, "can_edit": access.can(Perm.WORKSPACE_MANAGE)},
        status=status,
    )


SHOW_ONCE_SESSION_KEY = "socialops_show_once"


def _show_once(request: HttpRequest, kind: str, secret: str) -> None:
    """Hold a new secret, encrypted, for the next page only; a reload will not show it again."""
    request.session[SHOW_ONCE_SESSION_KEY] = {"kind": kind, "secret": crypto.encrypt(secret)}


def _take_shown_once(request: HttpRequest, kind: str) -> str:
    held = request.session.get(SHOW_ONCE_SESSION_KEY)
    if not held or held.get("kind") != kind:
        return ""
    del request.session[SHOW_ONCE_SESSION_KEY]
    try:
        return crypto.decrypt(str(held.get("secret", "")))
    except crypto.DecryptionError:
        return ""


def _members_page(
    request: HttpRequest,
    access: Access,
    invite_form: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "accounts/members.html",
        {
            "members": queries.workspace_members(access.workspace),
            "can_manage": access.can(Perm.MEMBERS_MANAGE),
            "can_manage_owners": access.can(Perm.OWNERS_MANAGE),
            "invite_form": invite_form or InvitationForm(),
            "role_choices": Role.choices,
            "pending": queries.pending_invitations(access.workspace)
            if access.can(Perm.MEMBERS_MANAGE)
            else [],
            "new_link": _take_shown_once(request, "invitation"),
        },
        status=status,
    )


@workspace_view(Perm.MEMBERS_VIEW)
def members(request: HttpRequest, access: Access) -> HttpResponse:
    return _members_page(request, access)


@workspace_view(Perm.MEMBERS_MANAGE)
@require_POST
def change_role(request: HttpRequest, access: Access, member_id: int) -> HttpResponse:
    membership = queries.member(access.workspace, member_id, request)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            actions.change_member_role(
                access=access,
                membership=membership,
                role=form.cleaned_data["role"],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Role of %(who)s changed to %(role)s.")
                % {"who": membership.user, "role": Role(form.cleaned_data["role"]).label},
            )
    return redirect("members", slug=access.workspace.slug)


@workspace_view(Perm.MEMBERS_VIEW)
@require_POST
def remove_member(request: HttpRequest, access: Access, member_id: int) -> HttpResponse:
    membership = queries.member(access.workspace, member_id, request)
    leaving = membership.user_id == access.user.pk
    try:
        actions.remove_member(access=access, membership=membership, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("members", slug=access.workspace.slug)
    if leaving:
        messages.success(request, _("You left %(name)s.") % {"name": access.workspace.name})
        return redirect("home")
    messages.success(request, _("%(who)s was removed.") % {"who": membership.user})
    return redirect("members", slug=access.workspace.slug)


@workspace_view(Perm.MEMBERS_MANAGE)
def invitations(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method != "POST":
        return render(
            request,
            "accounts/invitations.html",
            {
                "invitations": queries.workspace_invitations(access.workspace)[:200],
            },
        )
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            _invitation, raw = actions.invite_member(
                access=access,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            link = request.build_absolute_uri(reverse("accept_invitation", args=[raw]))
            _show_once(request, "invitation", link)
            return redirect("members", slug=access.workspace.slug)
    return _members_page(request, access, invite_form=form, status=422)


@workspace_view(Perm.MEMBERS_MANAGE)
@require_POST
def revoke_invitation(request: HttpRequest, access: Access, invitation_id: int) -> HttpResponse:
    invitation = queries.invitation(access.workspace, invitation_id, request)
    try:
        actions.revoke_invitation(access=access, invitation=invitation, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Invitation for %(email)s revoked.") % {"email": invitation.email}
        )
    return redirect(_safe_next(request, reverse("members", args=[access.workspace.slug])))


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = queries.invitation_by_token(token)
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        audit.record(
            action="invitation.refused",
            request=request,
            workspace=invitation.workspace if invitation else None,
            after={"status": invitation.status if invitation else "unknown"},
        )
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"invitation": invitation},
            status=404 if invitation is None else 410,
        )
    context: dict[str, Any] = {"invitation": invitation}
    if request.user.is_authenticated:
        if request.method == "POST":
            return _accept(request, invitation, request.user)  # type: ignore[arg-type]
        return render(request, "accounts/invitation.html", context)
    existing = User.objects.filter(email=invitation.email).exists()
    form = SignUpForm(request.POST or None, email=invitation.email)
    if not existing and request.method == "POST" and form.is_valid():
        try:
            membership = actions.sign_up_by_invitation(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
                language=getattr(request, "LANGUAGE_CODE", "zh-hans"),
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome to %(name)s.") % {"name": membership.workspace.name}
            )
            return redirect("dashboard", slug=membership.workspace.slug)
    context.update(
        {
            "existing_user": existing,
            "form": form,
            "login_url": reverse("login") + "?next=" + request.path,
        }
    )
    return render(
        request,
        "accounts/invitation.html",
        context,
        status=422 if request.method == "POST" else 200,
    )


def _accept(request: HttpRequest, invitation: Invitation, user: User) -> HttpResponse:
    try:
        membership = actions.accept_invitation(invitation=invitation, user=user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("home")
    messages.success(request, _("Welcome to %(name)s.") % {"name": membership.workspace.name})
    return redirect("dashboard", slug=membership.workspace.slug)


@workspace_view(Perm.TOKENS_OWN)
def tokens(request: HttpRequest, access: Access) -> HttpResponse:
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, raw = actions.create_api_token(
                    access=access,
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                    request=request,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                _show_once(request, "token", raw)
                return redirect("tokens", slug=access.workspace.slug)
        status = 422
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": queries.user_tokens(access),
            "form": form,
            "new_token": _take_shown_once(request, "token"),
            "api_base": request.build_absolute_uri("/api/v1/"),
        },
        status=status,
    )


@workspace_view(Perm.TOKENS_OWN)
@require_POST
def revoke_token(request: HttpRequest, access: Access, token_id: int) -> HttpResponse:
    token = actions.revoke_api_token(
        access=access, token=queries.user_token(access, token_id, request), request=request
    )
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("tokens", slug=access.workspace.slug)


@workspace_view()
def roles(request: HttpRequest, access: Access) -> HttpResponse:
    all_perms = [str(p) for p in Perm]
    matrix = [
        {"perm": perm, "roles": [perm in {str(p) for p in ROLE_PERMISSIONS[r]} for r in Role]}
        for perm in all_perms
    ]
    return render(
        request,
        "accounts/roles.html",
        {
            "roles": [(role, ROLE_DESCRIPTIONS[role]) for role in Role],
            "matrix": matrix,
        },
    )
