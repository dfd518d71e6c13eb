from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from socialops.cli import main


def run(*args: str, input: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["classify", *args], input=input.encode("utf-8"))
    return result.exit_code, result.output


def test_it_prints_one_label_per_line_in_order() -> None:
    lines = [
        "这个产品太好用了，强烈推荐！",
        "",
        "我要投诉，退款一个月了还没到账",
        "How much is it?",
        "你个傻逼",
    ]
    code, output = run("intent", input="\n".join(lines) + "\n")
    assert code == 0
    assert output.splitlines() == ["praise", "other", "complaint", "purchase", "abuse"]


def test_it_labels_sentiment_and_emotion_and_answers_empty_lines() -> None:
    code, output = run("sentiment", input="太好了，非常满意\n\nThis is terrible, I hate it\n")
    assert (code, output.splitlines()) == (0, ["positive", "neutral", "negative"])
    code, output = run("emotion", input="吓死我了，好害怕\n\n")
    assert (code, output.splitlines()) == (0, ["fear", "unknown"])


def test_it_handles_crlf_and_a_last_line_without_newline() -> None:
    code, output = run("sentiment", input="太好了，非常满意\r\n质量太差了，气死我了")
    assert (code, output.splitlines()) == (0, ["positive", "negative"])


def test_it_uses_the_language_given() -> None:
    # English emotion comes from the lexicon, which has no Chinese words
    assert run("emotion", "--lang", "en", input="好开心\n") == (0, "unknown\n")
    assert run("emotion", "--lang", "zh", input="好开心\n") == (0, "happy\n")
    assert run("emotion", "--lang", "auto", input="好开心\n") == (0, "happy\n")


def test_it_prints_scores_on_request() -> None:
    code, output = run("sentiment", "--scores", input="太好了，非常满意\n")
    label, score = output.rstrip("\n").split("\t")
    assert (code, label) == (0, "positive")
    assert 0.5 < float(score) <= 1.0


def test_it_rejects_an_unknown_task_or_language_clearly() -> None:
    code, output = run("topic", input="")
    assert code == 2
    assert "'topic' is not one of 'sentiment', 'emotion', 'intent'" in output
    code, output = run("sentiment", "--lang", "fr", input="")
    assert code == 2
    assert "'fr' is not one of 'zh', 'en', 'auto'" in output


def test_it_has_help() -> None:
    result = CliRunner().invoke(main, ["classify", "--help"])
    assert result.exit_code == 0
    assert "one label per line" in result.output


def test_it_streams_each_label_before_the_input_ends() -> None:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "socialops.cli", "classify", "sentiment"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write("太好了，非常满意\n".encode())
        process.stdin.flush()
        assert process.stdout.readline() == b"positive\n"  # stdin still open
        process.stdin.write("质量太差了，气死我了\n".encode())
        process.stdin.close()
        assert process.stdout.read() == b"negative\n"
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
