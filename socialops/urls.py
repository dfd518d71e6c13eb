from __future__ import annotations

from django.urls import include, path

from socialops.api import api
from socialops.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("socialops.accounts.urls")),
    path("", include("socialops.connectors.wechat.urls")),
    path("", include("socialops.channels.urls")),
    path("", include("socialops.platforms.urls")),  # before core: it owns /w/<slug>/platform/
    path("", include("socialops.campaigns.urls")),  # before content: /w/<slug>/content/topics/
    path("", include("socialops.publishing.urls")),  # /w/<slug>/content/report/, metrics
    path("", include("socialops.content.urls")),
    path("", include("socialops.inbox.urls")),  # before core: it owns /w/<slug>/interaction/
    path("", include("socialops.contacts.urls")),
    path("", include("socialops.sla.urls")),
    path("", include("socialops.guidebook.urls")),
    path("", include("socialops.listening.urls")),  # before core: it owns /w/<slug>/content/
    path("", include("socialops.core.urls_notifications")),
    path("", include("socialops.core.urls")),
]

handler400 = "socialops.core.views.bad_request"
handler403 = "socialops.core.views.forbidden"
handler404 = "socialops.core.views.not_found"
