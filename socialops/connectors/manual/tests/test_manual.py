"""Manual platforms: a task for a person, a pasted link checked, metrics imported from CSV."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialops.connectors import registry
from socialops.connectors.base import (
    Article,
    Capability,
    ConnectorError,
    Media,
    PublishRequest,
    Unsupported,
)
from socialops.connectors.manual.connector import ManualConnector

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def xhs() -> ManualConnector:
    return ManualConnector(credentials={}, config={"platform": "xiaohongshu"})


def test_it_is_registered_as_a_manual_publishing_connector() -> None:
    cls = registry.get("manual")

    assert cls is ManualConnector
    assert cls.capabilities == {Capability.MANUAL_PUBLISH}


def test_it_connects_an_account_by_platform_and_name() -> None:
    credentials = ManualConnector(credentials={}).connect(
        {"platform": " Douban ", "handle": "示例品牌", "url": "https://www.douban.com/people/demo/"}
    )

    assert credentials == {
        "platform": "douban",
        "handle": "示例品牌",
        "url": "https://www.douban.com/people/demo/",
    }


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"platform": "myspace", "handle": "x"}, "invalid_platform"),
        ({"platform": "douban", "handle": "  "}, "invalid_handle"),
        (
            {"platform": "douban", "handle": "x", "url": "https://evil.example/douban"},
            "invalid_link",
        ),
    ],
)
def test_it_refuses_a_bad_connect_form(fields: dict[str, str], code: str) -> None:
    with pytest.raises(ConnectorError) as raised:
        ManualConnector(credentials={}).connect(fields)

    assert (raised.value.permanent, raised.value.code) == (True, code)


def test_it_prepares_a_copy_ready_task_with_all_media() -> None:
    cover = Media(kind="image", path="library/cover.jpg", mime_type="image/jpeg")
    photo = Media(kind="image", path="library/1.jpg", mime_type="image/jpeg", alt="新品")
    request = PublishRequest(
        text="秋冬新品上架，评论区抽三位送试用装 #护肤#",
        media=[photo],
        article=Article(title="秋冬护肤指南", html="<p>…</p>", cover=cover),
        first_comment="活动规则见置顶",
    )

    task = xhs().prepare_task(request)

    assert task.platform == "xiaohongshu"
    assert task.title == "秋冬护肤指南"
    assert task.text == request.text
    assert task.media == (photo, cover)
    assert task.first_comment == "活动规则见置顶"


def test_it_never_publishes_by_itself() -> None:
    with pytest.raises(Unsupported):
        xhs().publish(PublishRequest(text="hi"), idempotency_key="k")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.xiaohongshu.com/explore/6540f1c2000000001e02b3c4",
        "http://xhslink.com/a/AbCdEf",
    ],
)
def test_it_records_a_pasted_link_from_the_platform(url: str, time_machine) -> None:
    time_machine.move_to(NOW, tick=False)

    ref = xhs().record_published(f"  {url} ")

    assert (ref.remote_id, ref.url, ref.published_at) == (url, url, NOW)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.douyin.com/video/7300000000000000000",
        "https://xiaohongshu.com.evil.example/explore/1",
        "javascript:alert(1)",
        "",
    ],
)
def test_it_refuses_a_pasted_link_from_elsewhere(url: str) -> None:
    with pytest.raises(ConnectorError) as raised:
        xhs().record_published(url)

    assert raised.value.code == "invalid_link"


def test_it_imports_metrics_from_csv_with_a_bom_and_thousands(time_machine) -> None:
    time_machine.move_to(NOW, tick=False)
    data = (
        "\ufeffURL,Impressions,Likes,Comments\n"
        'https://www.xiaohongshu.com/explore/1,"12,408",356,41\n'
        "https://xhslink.com/a/2,900,,3\n"
    ).encode()

    rows, problems = xhs().import_metrics_csv(data)

    assert problems == []
    assert [
        (r.line, r.metrics.remote_id, r.metrics.impressions, r.metrics.likes) for r in rows
    ] == [
        (2, "https://www.xiaohongshu.com/explore/1", 12408, 356),
        (3, "https://xhslink.com/a/2", 900, None),
    ]
    assert rows[0].metrics.comments == 41 and rows[0].metrics.collected_at == NOW


def test_it_reports_each_bad_csv_cell_with_its_line_and_column() -> None:
    data = (
        "url,likes,reposts\n"
        "https://www.xiaohongshu.com/explore/1,12,3\n"
        "https://www.douban.com/note/1,5,1\n"
        "https://www.xiaohongshu.com/explore/3,很多,-2\n"
    ).encode()

    rows, problems = xhs().import_metrics_csv(data)

    assert [r.line for r in rows] == [2]
    assert [(p.line, p.column) for p in problems] == [(3, "url"), (4, "likes"), (4, "reposts")]


@pytest.mark.parametrize(
    ("data", "column"),
    [
        (b"link,likes\nhttps://xhslink.com/a/1,1\n", "url"),
        ("url\n".encode("utf-16"), ""),
    ],
)
def test_it_refuses_a_csv_it_cannot_read(data: bytes, column: str) -> None:
    rows, problems = xhs().import_metrics_csv(data)

    assert rows == []
    assert len(problems) == 1 and problems[0].column == column
