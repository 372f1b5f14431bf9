"""The alert gate over a real SQLite file: duplicates, re-arm, cooldown, hysteresis, restarts.

Sequences come from the issue's "Done when": flapping prices (step back and forth) raise one
alert, a repeat of the same alert raises none, and the state survives a new process (reopen).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.alerts.dedup import AlertState
from crawler.alerts.detect import Candidate, detect
from crawler.alerts.rules import compile_rules, facts_from_config
from tests.support.alerts import alerts_config, change, listing, price

DROP = {"name": "drop", "type": "price_drop", "percent": "5", "hysteresis": 600, "rearm": 3600}
RISE = {"name": "rise", "type": "price_rise", "percent": "5", "hysteresis": 600, "rearm": 3600}


class Steps:
    """Feeds a listing through successive prices the way runs do: detect → admit → observe."""

    def __init__(self, path: Path, rules: list[dict[str, Any]]) -> None:
        config = alerts_config(rules)
        self.rules, self.facts = compile_rules(config), facts_from_config(config)
        self.path = path
        self.state = AlertState(path)
        self.doc = listing(**price(20000))
        self.fired: list[str] = []

    def to(self, minor: int, at: float, **fields: Any) -> list[Candidate]:
        current = listing(**price(minor), **fields)
        batch = [change(self.doc, current)]
        candidates = detect(batch, self.rules, self.facts,
                            baselines=self.state.baselines(["jd:100"]))
        admitted, _ = self.state.admit(candidates, at)
        self.state.observe(batch, at, 0.8)
        self.doc = current
        self.fired += [f"{c.rule.name}:{c.new_value}" for c in admitted]
        return admitted

    def restart(self) -> None:
        self.state.close()
        self.state = AlertState(self.path)


def test_flapping_price_raises_one_alert(tmp_path: Path) -> None:
    steps = Steps(tmp_path / "a.sqlite", [DROP, RISE])
    for i, minor in enumerate([18000, 20000, 18000, 20000, 18000]):
        steps.to(minor, at=1000.0 + i * 10)
    assert steps.fired == ["drop:180.00 CNY"]


def test_after_the_hysteresis_window_a_move_alerts_again(tmp_path: Path) -> None:
    steps = Steps(tmp_path / "a.sqlite", [DROP, RISE])
    steps.to(18000, at=1000.0)
    steps.to(20000, at=1000.0 + 601)
    assert steps.fired == ["drop:180.00 CNY", "rise:200.00 CNY"]


def test_the_same_alert_is_refused_until_rearmed_even_after_a_restart(tmp_path: Path) -> None:
    rule = {**DROP, "hysteresis": 0}
    steps = Steps(tmp_path / "a.sqlite", [rule])
    steps.to(18000, at=1000.0)
    steps.restart()  # each crawl run is a new process
    steps.doc = listing(**price(20000))  # the same transition seen again
    assert steps.to(18000, at=2000.0) == []
    steps.doc = listing(**price(20000))
    assert len(steps.to(18000, at=1000.0 + 3601)) == 1


def test_cooldown_silences_other_values_of_the_same_rule(tmp_path: Path) -> None:
    steps = Steps(tmp_path / "a.sqlite", [{**DROP, "cooldown": 300, "hysteresis": 0}])
    steps.to(18000, at=1000.0)
    steps.to(16000, at=1100.0)
    steps.to(14000, at=1400.0)
    assert steps.fired == ["drop:180.00 CNY", "drop:140.00 CNY"]


def test_a_suspect_jump_and_its_return_raise_nothing(tmp_path: Path) -> None:
    steps = Steps(tmp_path / "a.sqlite", [DROP, RISE])
    steps.to(2000000, at=1000.0, price_suspect=True)  # stored as is by a careless index step
    steps.to(20000, at=1010.0)  # back to normal: not a 99% drop
    steps.to(2000000, at=1020.0, price_suspect=True)
    steps.to(20000, at=1030.0)
    assert steps.fired == []


def test_a_real_move_right_after_a_suspect_one_still_alerts(tmp_path: Path) -> None:
    steps = Steps(tmp_path / "a.sqlite", [DROP])
    steps.to(2000000, at=1000.0, price_suspect=True)
    batch = [change(steps.doc, listing(**price(17000)))]
    baselines = steps.state.baselines(["jd:100"])
    found = detect(batch, steps.rules, steps.facts, baselines=baselines)
    assert [c.new_value for c in found] == ["170.00 CNY"]


def test_two_processes_admit_the_same_alert_once(tmp_path: Path) -> None:
    one = Steps(tmp_path / "a.sqlite", [DROP])
    other = AlertState(tmp_path / "a.sqlite")
    batch = [change(listing(**price(20000)), listing(**price(18000)))]
    candidates = detect(batch, one.rules, one.facts)
    first, _ = one.state.admit(candidates, 1000.0)
    second, suppressed = other.admit(candidates, 1000.5)
    assert (len(first), len(second), [s.reason for s in suppressed]) == (1, 0, ["duplicate"])


def test_outbox_keeps_documents_until_removed(tmp_path: Path) -> None:
    state = AlertState(tmp_path / "a.sqlite")
    state.outbox_put([{"alert_id": "a1", "rule": "drop"}], 1.0)
    state.close()
    state = AlertState(tmp_path / "a.sqlite")
    assert [d["alert_id"] for d in state.outbox()] == ["a1"]
    state.outbox_remove(["a1"])
    assert state.outbox() == []
