"""Hand-labelled intent examples: the documented behaviour of the rules, not an accuracy figure."""

from __future__ import annotations

import pytest

from socialops.classify import INTENTS, classify
from socialops.classify.rules import THRESHOLD, intent_scores, pick_intent

TABLE = [
    # complaint
    ("我要投诉，退款一个月了还没到账，客服也不回复", "complaint"),
    ("质量太差了，用了两天就坏了", "complaint"),
    ("为什么还没发货？？都一周了", "complaint"),  # negative question + complaint words
    ("买到假货了，你们就是骗子", "complaint"),
    ("買到假貨了，我要投訴", "complaint"),  # traditional characters
    ("Worst customer service ever, I want a refund", "complaint"),
    ("My order never arrived and nobody answers", "complaint"),
    # question
    ("怎么修改密码？", "question"),
    ("你们周末营业吗", "question"),
    ("请问会员积分在哪里查看", "question"),
    ("How do I reset my password?", "question"),
    ("Is there a student plan?", "question"),
    # purchase
    ("请问这款耳机多少钱？在哪里买？", "purchase"),
    ("有购买链接吗，想下单", "purchase"),
    ("How much is the pro version?", "purchase"),
    ("Where can I buy the blue one?", "purchase"),
    # praise
    ("这个产品太好用了，强烈推荐！", "praise"),
    ("谢谢客服，很满意[赞]", "praise"),
    ("I love this phone, thank you!", "praise"),
    ("Great update, well done team", "praise"),
    # spam
    ("加微信 vx123 代购正品 http://t.cn/abc", "spam"),
    ("兼职日结，日赚500，扫码进群", "spam"),
    ("Free followers! click here http://spam.io/x", "spam"),
    ("正品低价 vx: abc12345", "spam"),  # a contact handle
    ("see https://a.example/1 and https://b.example/2", "other"),  # links alone are not spam
    # abuse
    ("你个傻逼", "abuse"),
    ("脑残公司，去死吧", "abuse"),
    ("shut up you idiot", "abuse"),
    # other
    ("今天下午三点开会", "other"),
    ("转发微博", "other"),
    ("The meeting is at 3pm.", "other"),
    ("see https://example.com/report", "other"),  # a link alone is not spam
    ("", "other"),
]


@pytest.mark.parametrize(("text", "intent"), TABLE)
def test_it_finds_the_hand_labelled_intent(text: str, intent: str) -> None:
    assert classify(text).intent == intent


def test_the_table_covers_every_intent() -> None:
    assert {intent for _, intent in TABLE} == set(INTENTS)


def test_it_keeps_latin_cues_to_whole_words() -> None:
    # "sb" is an insult, "website" is not; "buy" is a purchase cue, "buyer" not a word of it
    assert intent_scores("check our website", {})["abuse"] == 0.0
    assert intent_scores("你是sb吧", {})["abuse"] > 0.0
    assert intent_scores("the buyer guide", {})["purchase"] == 0.0
    assert intent_scores("refunds please", {})["complaint"] > 0.0  # "refund*" is a prefix


def test_negative_sentiment_turns_praise_down_and_complaints_up() -> None:
    calm = intent_scores("太棒了，又坏了", {"positive": 0.9, "negative": 0.1})
    angry = intent_scores("太棒了，又坏了", {"positive": 0.05, "negative": 0.95})
    assert angry["praise"] < calm["praise"]
    assert angry["complaint"] > calm["complaint"]
    assert pick_intent(angry) == "complaint"


def test_it_says_other_below_the_threshold_with_its_confidence() -> None:
    scores = intent_scores("今天天气不错", {})
    assert pick_intent(scores) == "other"
    assert max(scores[intent] for intent in INTENTS if intent != "other") < THRESHOLD
    assert scores["other"] > 0.5
