"""Intent rules (zh + en) and the small English emotion lexicon.

There is no labelled intent data, so intent is rules and word lists, weighed together with the
sentiment model: each matching cue adds its weight to an intent, negative sentiment strengthens
a complaint and weakens praise, and the highest score wins when it reaches ``THRESHOLD``
(ties go to the earlier intent in ``PRIORITY``). docs/classifiers.md lists the rules.
"""

from __future__ import annotations

import re
import unicodedata

from socialops.classify.features import URL, to_simplified

THRESHOLD = 0.45
PRIORITY = ("spam", "abuse", "complaint", "purchase", "question", "praise")


class Cue:
    """Words and phrases, matched on one Aho-Corasick automaton (see ``_Matcher``).

    Chinese items and emoji match anywhere; Latin items match whole words, or words starting
    with the item when it ends in ``*``.
    """

    def __init__(self, *items: str) -> None:
        self.items = items


def _words(*items: str) -> Cue:
    return Cue(*items)


# (intent, weight, cues): each distinct cue word adds the weight, at most twice; a regular
# expression adds it once.
# fmt: off
CUES: list[tuple[str, float, Cue | re.Pattern[str]]] = [
    (
        "spam",
        0.5,
        _words(
            "加微信", "加我微信", "加v", "加薇", "薇信", "威信", "vx", "wx", "v信", "扣扣", "qq群",
            "代购", "刷粉", "刷单", "刷赞", "涨粉", "兼职", "日赚", "日结", "招代理", "免费领",
            "点击链接", "私信领", "扫码", "互粉", "返利", "网赚", "彩票", "博彩", "free followers",
            "follow back", "dm me", "check my bio", "link in bio", "make money", "crypto",
            "giveaway", "promo code", "click here", "onlyfans", "whatsapp",
        ),
    ),
    ("spam", 0.25, URL),
    # a contact handle to move the talk elsewhere: "vx: abc12345", "加v 13800138000", "qq 12345678"
    ("spam", 0.5, re.compile(
        r"(?:vx|wx|v信|微信号?|薇信|威信|加v|qq|扣扣|tg|telegram|whatsapp)[:：\s]*[a-z0-9_-]{5,}"
    )),
    (
        "abuse",
        0.7,
        _words(
            "傻逼", "傻b", "煞笔", "沙比", "sb", "脑残", "去死", "废物", "狗东西", "你妈", "尼玛",
            "草泥马", "cnm", "nmsl", "智障", "白痴", "滚蛋", "滚吧", "贱人", "畜生", "王八蛋",
            "idiot*", "stupid", "moron*", "fuck you", "fuck off", "shut up", "loser*", "dumbass",
            "asshole*", "bitch*", "retard*", "scumbag*",
        ),
    ),
    (
        "complaint",
        0.6,
        _words(
            "投诉", "退款", "退货", "退钱", "差评", "垃圾", "坑", "骗", "假货", "太差", "太贵",
            "质量问题", "没人管", "没人回", "不回复", "客服呢", "维权", "消协", "12315", "赔偿",
            "漏发", "破损", "发错", "还没到", "还没发货", "没收到", "太慢", "故障", "坏了", "失望",
            "态度差", "不给退", "烂", "黑心", "恶心", "上当", "售后", "拒绝退", "越来越差",
            "质量差", "没解决", "还是没", "不靠谱", "给个说法", "是坏的", "尽快处理", "refund*",
            "complain*", "scam*", "broken", "terrible", "worst", "awful", "never arrived",
            "not working", "doesn't work", "does not work", "disappointed", "disappointing",
            "rip-off", "ripoff", "garbage", "useless", "waste of money", "still waiting",
            "customer service", "cancel my", "unacceptable", "fraud*", "never answer*",
            "no response", "no reply", "not fixed", "still not", "getting worse",
        ),
    ),
    (
        "purchase",
        0.6,
        _words(
            "多少钱", "价格", "价钱", "怎么买", "哪里买", "在哪买", "哪买", "购买链接", "链接",
            "下单", "想买", "有货", "补货", "优惠", "折扣", "包邮", "团购", "预订", "预约", "库存",
            "尺码", "优惠券", "什么时候上市", "发售", "怎么卖", "报价", "入手", "采购", "批量",
            "企业价", "购买", "how much", "price*", "where can i buy", "where to buy", "buy",
            "order", "ordered", "in stock", "discount*", "coupon*", "shipping", "purchase*",
            "pre-order", "preorder", "pricing", "link please", "take my money", "bulk",
        ),
    ),
    # a question mark, or 吗/呢/嘛/么 ending a clause ("营业吗", not "什么" or "多么")
    ("question", 0.5, re.compile(r"[?？]|(?:[吗呢嘛]|(?<![什怎那这多])么)(?=[\s。.!！,，~～…]|$)")),
    (
        "question",
        0.4,
        _words(
            "怎么", "如何", "为什么", "为啥", "什么时候", "哪里", "哪儿", "多久", "能不能",
            "可不可以", "是不是", "有没有", "请问", "求问", "几点", "咋", "how do", "how can",
            "how to", "what is", "when will", "where is", "why is", "why does", "can i", "can you",
            "could you", "is there", "does anyone", "any idea",
        ),
    ),
    (
        "praise",
        0.45,
        _words(
            "好评", "点赞", "赞", "棒", "喜欢", "爱了", "感谢", "谢谢", "支持", "厉害", "好用",
            "推荐", "给力", "满意", "良心", "太好了", "好吃", "好看", "优秀", "完美", "超值",
            "用心", "好评如潮", "love", "great", "awesome", "amazing", "thanks", "thank you",
            "excellent", "perfect", "recommend*", "well done", "kudos", "brilliant", "fantastic",
            "best", "impressed", "very happy", "so happy", "👍", "❤",
        ),
    ),
]
# fmt: on

_LATIN_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


class _Matcher:
    """Every cue item of every group on one automaton over ``text + "\n" + " word word "``."""

    def __init__(self, groups: list[Cue]) -> None:
        import ahocorasick_rs

        patterns: list[str] = []
        self.owner: list[tuple[int, str]] = []  # pattern -> (group, item)
        for group, cue in enumerate(groups):
            for item in cue.items:
                item = item.lower()
                if item.isascii() and item[:1].isalnum():
                    words = " ".join(_LATIN_WORD.findall(item))
                    pattern = f" {words}" if item.endswith("*") else f" {words} "
                else:
                    pattern = item
                patterns.append(pattern)
                self.owner.append((group, item))
        self.automaton = ahocorasick_rs.AhoCorasick(
            patterns, matchkind=ahocorasick_rs.MatchKind.Standard
        )
        self.size = len(groups)

    def matches(self, lowered: str) -> list[set[str]]:
        haystack = f"{lowered}\n {' '.join(_LATIN_WORD.findall(lowered))} "
        found: list[set[str]] = [set() for _ in range(self.size)]
        for pattern, _start, _end in self.automaton.find_matches_as_indexes(
            haystack, overlapping=True
        ):
            group, item = self.owner[pattern]
            found[group].add(item)
        return found


_CUE_GROUPS = [cue for _, _, cue in CUES if isinstance(cue, Cue)]
_matcher: _Matcher | None = None
_emotion_matcher: _Matcher | None = None


def _cue_matches(lowered: str) -> list[set[str]]:
    global _matcher
    if _matcher is None:
        _matcher = _Matcher(_CUE_GROUPS)
    return _matcher.matches(lowered)


def intent_scores(text: str, sentiment: dict[str, float]) -> dict[str, float]:
    """Intent -> confidence in [0, 1], ``other`` included."""
    lowered = to_simplified(unicodedata.normalize("NFKC", text).lower())
    scores = dict.fromkeys(PRIORITY, 0.0)
    found = iter(_cue_matches(lowered))
    for intent, weight, cue in CUES:
        if isinstance(cue, Cue):
            matches = next(found)
        else:  # a pattern counts once, however often it matches
            matches = {"pattern"} if cue.search(lowered) else set()
        if matches:
            scores[intent] += weight * min(len(matches), 2)
    negative = sentiment.get("negative", 0.0)
    positive = sentiment.get("positive", 0.0)
    if scores["purchase"] and scores["question"]:
        scores["purchase"] += 0.4  # "怎么预订？", "how much is it?": a buying question
    if scores["complaint"]:
        scores["complaint"] += 0.4 * negative
    elif negative > 0.8 and scores["question"]:
        scores["complaint"] = 0.3 + 0.6 * negative  # "这就是你们的态度？": an angry question
    if scores["praise"]:
        scores["praise"] = scores["praise"] * (1.0 - negative) + 0.3 * positive
    if scores["spam"] and scores["spam"] < THRESHOLD:
        scores["spam"] = 0.0  # a link alone is not spam
    result = {intent: min(score, 1.0) for intent, score in scores.items()}
    best = max(result.values())
    result["other"] = max(0.0, 1.0 - best) if best >= THRESHOLD else 1.0 - best / 2
    return result


def pick_intent(scores: dict[str, float]) -> str:
    best = max(PRIORITY, key=lambda intent: (scores[intent], -PRIORITY.index(intent)))
    return best if scores[best] >= THRESHOLD else "other"


# fmt: off
_EMOTION_EN: dict[str, Cue] = {
    "happy": _words(
            "happy", "glad", "love*", "great", "awesome", "yay", "excited", "fun", "enjoy*", "lol",
            "😂", "😍", "😊", "😀", "😁", "🥰", "🎉", "❤",
        ),
    "angry": _words(
            "angry", "furious", "hate*", "mad", "annoyed", "annoying", "pissed", "outraged",
            "disgust*", "wtf", "😡", "😠", "🤬",
        ),
    "sad": _words(
            "sad", "cry", "crying", "cried", "miss", "missing", "depressed", "heartbroken",
            "lonely", "unhappy", "sorry", "rip", "😢", "😭", "💔", "😞",
        ),
    "fear": _words(
            "afraid", "scared", "fear*", "worried", "worry", "terrified", "anxious", "nervous",
            "panic*", "😨", "😰", "😱",
        ),
    "surprise": _words(
            "wow", "omg", "shocked", "shocking", "surprise*", "unbelievable", "unexpected",
            "can't believe", "😮", "😲", "🤯",
        ),
}
# fmt: on


def emotion_en(text: str) -> tuple[str, dict[str, float]]:
    """The English emotion lexicon: the emotion with most cue words, "" when none matches."""
    global _emotion_matcher
    if _emotion_matcher is None:
        _emotion_matcher = _Matcher(list(_EMOTION_EN.values()))
    found = _emotion_matcher.matches(unicodedata.normalize("NFKC", text).lower())
    hits = {emotion: len(items) for emotion, items in zip(_EMOTION_EN, found, strict=True)}
    total = sum(hits.values())
    if not total:
        return "", {}
    scores = {emotion: round(count / (total + 1), 4) for emotion, count in hits.items() if count}
    return max(hits, key=hits.__getitem__), scores
