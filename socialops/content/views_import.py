"""The CSV import page: upload or paste, preview (a dry run), then import all rows or none."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.campaigns.models import Topic
from socialops.channels.models import Channel

from . import actions
from .imports import COLUMNS, MAX_BYTES, MAX_ROWS, PostPlan, decode
from .models import ContentPillar

SAMPLE = (
    "title,body,accounts,scheduled_at,pillar,topics,link,first_comment,state\n"
    "新品预告,新品下周上市，敬请期待,acme_weibo、acme_x,2026-12-01 10:00,产品,新品,"
    "https://example.com,,draft\n"
)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"), required=False)
    csv = forms.CharField(
        label=gettext_lazy("Or paste the CSV"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def data_to_import(self) -> str:
        """The uploaded file (decoded) or the pasted text."""
        upload = self.cleaned_data.get("file")
        if upload is not None:
            if upload.size > MAX_BYTES:
                raise ValidationError({"csv": _("The file is too large.")})
            return decode(upload.read())
        text = str(self.cleaned_data.get("csv") or "")
        if not text.strip():
            raise ValidationError({"csv": _("Choose a file or paste the CSV.")})
        return text


def _row_key(key: str) -> tuple[int, str]:
    found = re.match(r"row (\d+)", key)
    return (int(found.group(1)) if found else 0, key)


def _preview(access: Access, plans: list[PostPlan]) -> list[dict[str, Any]]:
    channels = {c.pk: str(c) for c in Channel.objects.filter(workspace=access.workspace)}
    pillars = {p.pk: p.name for p in ContentPillar.objects.filter(workspace=access.workspace)}
    topics = {t.pk: t.name for t in Topic.objects.filter(workspace=access.workspace)}
    return [
        {
            "plan": plan,
            "channels": [channels.get(i, str(i)) for i in plan.channel_ids],
            "pillar": pillars.get(plan.pillar_id) if plan.pillar_id else "",
            "topics": [topics.get(i, str(i)) for i in plan.topic_ids],
        }
        for plan in plans
    ]


@workspace_view(Perm.CONTENT_EDIT)
def import_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "form": form,
        "columns": list(COLUMNS),
        "max_rows": MAX_ROWS,
        "sample": SAMPLE,
    }
    if request.method == "POST" and form.is_valid():
        dry_run = "preview" in request.POST
        try:
            text = form.data_to_import()
            plans = actions.import_posts(access=access, data=text, dry_run=dry_run, request=request)
        except ValidationError as exc:
            problems = exc.message_dict if hasattr(exc, "error_dict") else {"csv": exc.messages}
            context["problems"] = sorted(
                ((key, " ".join(msgs)) for key, msgs in problems.items()),
                key=lambda item: _row_key(item[0]),
            )
        else:
            if not dry_run:
                messages.success(request, _("Imported %(count)d posts.") % {"count": len(plans)})
                return redirect("content_posts", slug=access.workspace.slug)
            context["preview"] = _preview(access, plans)
            context["form"] = ImportForm(initial={"csv": text})
    return render(request, "content/import.html", context)
