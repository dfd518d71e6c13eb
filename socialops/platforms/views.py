"""Pages of the Platform section: the catalog, one platform, and the platform-fit advisor."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.platforms import catalog
from socialops.platforms.advisor import advise
from socialops.platforms.catalog import Format, Status
from socialops.platforms.forms import EXAMPLE_BRIEF, BriefForm, CatalogFilterForm


@workspace_view(Perm.PLATFORM_VIEW)
def catalog_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None)
    valid = form.is_valid()
    status = form.cleaned_data.get("status") if valid else ""
    fmt = form.cleaned_data.get("format") if valid else ""
    found = catalog.platforms(
        status=Status(status) if status else None, fmt=Format(fmt) if fmt else None
    )
    counts = {s.value: len(catalog.platforms(status=s)) for s in Status}
    return render(
        request,
        "platforms/catalog.html",
        {
            "form": form,
            "platforms": found,
            "counts": counts,
            "total": len(catalog.catalog().platform),
            "version": catalog.catalog().version,
        },
        status=200 if valid or not request.GET else 422,
    )


@workspace_view(Perm.PLATFORM_VIEW)
def platform_detail(request: HttpRequest, access: Access, section: str, code: str) -> HttpResponse:
    platform = catalog.get(code)
    if platform is None:
        raise Http404("No such platform.")
    return render(request, "platforms/detail.html", {"platform": platform})


@workspace_view(Perm.PLATFORM_VIEW)
def advisor_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = BriefForm(request.GET) if request.GET else BriefForm(initial=EXAMPLE_BRIEF)
    advice = advise(form.brief()) if form.is_bound and form.is_valid() else None
    return render(
        request,
        "platforms/advisor.html",
        {"form": form, "advice": advice},
        status=422 if form.is_bound and not form.is_valid() else 200,
    )
