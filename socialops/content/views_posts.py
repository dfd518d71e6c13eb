"""Pages for posts: the list, the composer, a post's review and performance page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm

from .models import Post


@workspace_view(Perm.CONTENT_VIEW)
def post_detail(request: HttpRequest, access: Access, post_id: int, section: str) -> HttpResponse:
    post = get_object_or_404(Post, workspace=access.workspace, pk=post_id)
    return render(request, "content/post_detail.html", {"post": post})
