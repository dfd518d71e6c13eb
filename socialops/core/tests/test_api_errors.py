"""One error shape for every 4xx of the API, documented on every route."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from socialops.api import api
from socialops.conftest import error_of

SPEC = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, operations in SPEC["paths"].items()
    for method, operation in operations.items()
]
IDS = [f"{method} {path}" for method, path, _operation in OPERATIONS]
ERROR_SCHEMA = "#/components/schemas/ErrorOut"


def _concrete(path: str) -> str:
    return (
        path.replace("{member_id}", "1")
        .replace("{invitation_id}", "1")
        .replace("{token_id}", "1")
        .replace("{code}", "weibo")
        .replace("{channel_id}", "1")
        .replace("{item}", "avatar")
        .replace("{rule_id}", "1")
        .replace("{topic_id}", "1")
        .replace("{set_id}", "1")
        .replace("{pillar_id}", "1")
        .replace("{post_id}", "1")
        .replace("{publication_id}", "1")
        .replace("{link_id}", "1")
        .replace("{notification_id}", "1")
        .replace("{asset_id}", "1")
        .replace("{slot_id}", "1")
        .replace("{contact_id}", "1")
        .replace("{identity_id}", "1")
        .replace("{task_id}", "1")
        .replace("{reply_id}", "1")
        .replace("{policy_id}", "1")
        .replace("{calendar_id}", "1")
        .replace("{conversation_id}", "1")
        .replace("{label_id}", "1")
        .replace("{message_id}", "1")
        .replace("{view_id}", "1")
        .replace("{assignment_rule_id}", "1")
        .replace("{query_id}", "1")
        .replace("{source_id}", "1")
        .replace("{mention_id}", "1")
        .replace("{alert_id}", "1")
        .replace("{destination_id}", "1")
    )


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_it_documents_the_error_shape_for_every_4xx(method, path, operation):
    responses = operation["responses"]
    errors = {int(code): body for code, body in responses.items() if 400 <= int(code) < 500}

    assert {400, 401, 413, 422} <= set(errors)
    if method == "POST":
        assert 409 in errors  # Idempotency-Key still in flight
    for body in errors.values():
        ((media_type, content),) = body["content"].items()
        assert media_type.startswith("application/json")
        assert _is_error_shape(content["schema"])


def _is_error_shape(schema: dict[str, Any]) -> bool:
    """The shared ErrorOut, or one that only adds to its detail (a query error's position)."""
    if schema == {"$ref": ERROR_SCHEMA}:
        return True
    components = SPEC["components"]["schemas"]
    named = components[schema["$ref"].rsplit("/", 1)[1]]
    detail = components[named["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    return named["required"] == ["error"] and {"code", "message", "fields"} <= set(
        detail["required"]
    )


def test_it_describes_the_error_shape_in_the_spec():
    schemas: dict[str, Any] = SPEC["components"]["schemas"]

    assert schemas["ErrorOut"]["required"] == ["error"]
    assert set(schemas["ErrorDetail"]["required"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_it_answers_401_in_the_error_shape_on_every_route_without_a_token(
    db, method, path, operation
):
    response = Client().generic(method, _concrete(path), b"{}", content_type="application/json")

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_it_serves_the_spec_and_the_browsable_docs_without_a_token(db):
    client = Client()

    spec = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert spec.status_code == 200
    assert spec.json()["info"]["title"] == "SocialOps API"
    assert spec.json()["components"]["securitySchemes"]
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content


def test_it_keeps_chinese_readable_in_errors_and_bodies(team):
    alice = team.api("alice")

    body = alice.get("/workspace")

    assert "Acme 示例品牌".encode() in body.content
    assert body["Content-Type"].startswith("application/json")


def test_it_gives_django_made_4xx_the_error_shape_and_keeps_allow(team):
    alice = team.api("alice")

    response = alice.put("/me")

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]
