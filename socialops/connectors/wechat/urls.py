from __future__ import annotations

from django.urls import path

from . import callbacks

urlpatterns = [
    path("callbacks/wechat/<slug:key>/", callbacks.wechat_callback, name="wechat_callback"),
]
