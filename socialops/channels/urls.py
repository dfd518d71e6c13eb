from __future__ import annotations

from django.urls import path

from . import views

PLATFORM = {"section": "platform"}  # highlights the Platform section in the navigation
ACCOUNTS = "w/<slug:slug>/platform/accounts/"

urlpatterns = [
    path(ACCOUNTS, views.channels, PLATFORM, name="channels"),
    path(ACCOUNTS + "connect/<str:connector>/", views.connect, PLATFORM, name="channel_connect"),
    path(
        ACCOUNTS + "connect/<str:connector>/start",
        views.oauth_start,
        PLATFORM,
        name="channel_oauth_start",
    ),
    path(
        ACCOUNTS + "<int:channel_id>/reconnect/",
        views.reconnect,
        PLATFORM,
        name="channel_reconnect",
    ),
    path(
        ACCOUNTS + "<int:channel_id>/disconnect/",
        views.disconnect,
        PLATFORM,
        name="channel_disconnect",
    ),
    path(ACCOUNTS + "<int:channel_id>/matrix/", views.matrix, PLATFORM, name="channel_matrix"),
    path(ACCOUNTS + "<int:channel_id>/refresh/", views.refresh, PLATFORM, name="channel_refresh"),
    path(
        ACCOUNTS + "<int:channel_id>/simulate/",
        views.simulate,
        PLATFORM,
        name="channel_simulate",
    ),
    path("w/<slug:slug>/platform/facade/", views.facade_page, PLATFORM, name="facade"),
    path(
        "w/<slug:slug>/platform/facade/<int:channel_id>/<str:item>/",
        views.facade_tick,
        PLATFORM,
        name="facade_tick",
    ),
    path("oauth/callback/<str:connector>/", views.oauth_callback, name="oauth_callback"),
]
