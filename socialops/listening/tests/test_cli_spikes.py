from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from socialops.cli import main

FIVE = timedelta(minutes=5)


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "series.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def nab(
    values: list[float], *, start: str = "2015-02-26 21:42:53", fmt: str = "%Y-%m-%d %H:%M:%S"
) -> str:
    first = datetime.fromisoformat(start)
    rows = [f"{(first + n * FIVE).strftime(fmt)},{value:g}" for n, value in enumerate(values)]
    return "timestamp,value\n" + "\n".join(rows) + "\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["spikes", *args])
    return result.exit_code, result.output


def spiky() -> list[float]:
    """A day of 40 per 5 minutes with a burst at row 100 and another at row 200."""
    values = [40.0] * 288
    values[100:103] = [300.0, 500.0, 250.0]
    values[200] = 150.0
    return values


def test_it_prints_the_start_of_each_spike_in_the_input_format(tmp_path: Path) -> None:
    code, output = run(write(tmp_path, nab(spiky())))
    assert code == 0
    assert output.splitlines() == ["2015-02-27 06:02:53", "2015-02-27 14:22:53"]


def test_it_reads_iso_timestamps_with_t_and_fractions(tmp_path: Path) -> None:
    text = nab(spiky(), fmt="%Y-%m-%dT%H:%M:%S.000000")
    code, output = run(write(tmp_path, text))
    assert (code, output.splitlines()) == (0, ["2015-02-27 06:02:53", "2015-02-27 14:22:53"])


def test_its_options_change_the_detector(tmp_path: Path) -> None:
    path = write(tmp_path, nab(spiky()))
    assert run(path, "--ratio", "5")[1].splitlines() == ["2015-02-27 06:02:53"]
    assert run(path, "--floor", "1000")[1] == ""
    no_cooldown = run(path, "--cooldown-minutes", "0")[1].splitlines()
    assert no_cooldown == [
        "2015-02-27 06:02:53",
        "2015-02-27 06:07:53",
        "2015-02-27 06:12:53",
        "2015-02-27 14:22:53",
    ]
    # told the rows are 1 minute apart, the gaps between rows become four empty minutes
    one_minute = run(path, "--bucket-minutes", "1")
    assert one_minute[0] == 0 and one_minute[1] != run(path)[1]


def test_it_explains_itself() -> None:
    code, output = run("--help")
    assert code == 0
    for option in ("--ratio", "--floor", "--cooldown-minutes", "--bucket-minutes", "FILE"):
        assert option in output


def test_it_refuses_bad_input_with_the_line(tmp_path: Path) -> None:
    assert run(str(tmp_path / "absent.csv"))[0] == 2
    cases = {
        "": "line 1",
        "time,count\n2015-01-01 00:00:00,1\n": "line 1",
        "timestamp,value\n2015-01-01 00:00:00,1\nyesterday,2\n": "line 3",
        "timestamp,value\n2015-01-01 00:00:00,1\n2015-01-01,2\n": "line 3",
        "timestamp,value\n2015-01-01 00:00:00,lots\n": "line 2",
        "timestamp,value\n2015-01-01 00:00:00,-1\n": "line 2",
        "timestamp,value\n2015-01-01 00:00:00,1,2\n": "line 2",
        "timestamp,value\n2015-01-01 00:05:00,1\n2015-01-01 00:00:00,1\n": "line 3",
    }
    for text, where in cases.items():
        code, output = run(write(tmp_path, text))
        assert code == 1, text
        assert where in output and "Traceback" not in output, text
    code, output = run(write(tmp_path, nab([1, 2])), "--bucket-minutes", "10")
    assert code == 1 and "bucket" in output


def test_an_empty_series_has_no_spikes(tmp_path: Path) -> None:
    assert run(write(tmp_path, "timestamp,value\n")) == (0, "")
