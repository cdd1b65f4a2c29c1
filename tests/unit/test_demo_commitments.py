"""Demo commitments (data/demo/commitments.py) on a real SQLite state file and the demo warehouse: the mix
the accountability views need, seeding only once, and the verdicts the finished ones were placed for."""

import multiprocessing
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import date

import pytest
import sqlalchemy as sa

import config
import queries
from data.demo import generator
from data.demo.commitments import main, seed_commitments
from data.state import commitments, database
from queries.accountability import commitment_effect, metric_plans

AS_OF = date(2026, 11, 23)  # the last day of the `demo_warehouse` fixture

# The finished commitments, by (metric, touchpoint), and what `commitment_effect` should say of each.
VERDICTS = {
    ("complaints", "online_checkout"): "moved",  # the payment-step sprint before the checkout launch
    ("containment", "help_centre"): "moved",  # help articles, on the slow containment gains
    ("tnps", None): "no_change",
    ("ces", None): "no_change",
    ("rnps", None): "no_change",
    ("fcr", "chat"): "too_little_data",  # finished two weeks ago
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """(url, count) of a state database seeded from scratch, in a process of its own: `state.migrate`
    can create only one fresh database per process (test_one_process_can_migrate_two_fresh_databases)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo-state') / 'state.db'}"
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return url, pool.submit(seed_commitments, url, AS_OF).result(timeout=120)


@pytest.fixture(scope="module")
def register(seeded):
    return commitments.register(seeded[0], AS_OF)


def test_seeding_creates_the_mix_the_views_need(seeded, register):
    _url, count = seeded
    assert 14 <= count <= 18 and len(register) == count
    done = register[register["status"].eq("done")]
    assert register["overdue"].sum() >= 3
    assert register["status"].eq("dropped").sum() == 1
    assert done["on_time"].sum() >= 2 and (~done["on_time"]).sum() >= 2
    still_to_come = register["status"].isin(commitments.OPEN_STATUSES) & (register["due_on"] > AS_OF)
    assert still_to_come.sum() >= 5
    assert set(register["kind"]) == set(commitments.KINDS)


def test_commitments_belong_mostly_to_their_metric_owners(register):
    owners = {metric.metric_id: metric.owner_id for metric in generator.METRICS}
    assert (register["owner_id"] != register["metric_id"].map(owners)).sum() <= 2


def test_every_commitment_has_a_history_that_starts_planned(seeded, register):
    url, _count = seeded
    for commitment_id, version in zip(register["commitment_id"], register["version"], strict=True):
        entries = commitments.history(int(commitment_id), url)
        assert 2 <= len(entries) <= 4
        assert [entry["version"] for entry in entries] == list(range(1, version + 1))
        assert entries[0]["changes"]["status"] == [None, "planned"]


def test_a_second_seeding_adds_nothing(seeded, register):
    url, _count = seeded
    assert seed_commitments(url, AS_OF) == 0
    assert len(commitments.register(url, AS_OF)) == len(register)


def test_finished_commitments_get_the_verdicts_they_were_placed_for(demo_warehouse, seeded, register):
    assert queries.as_of() == AS_OF
    url, _count = seeded
    verdicts = {}
    for commitment_id in register.loc[register["status"].eq("done"), "commitment_id"]:
        row = commitments.get(int(commitment_id), url)
        effect = commitment_effect(row, AS_OF)
        verdicts[row["metric_id"], row["touchpoint_id"]] = (effect.verdict, effect.better)
    assert {key: verdict for key, (verdict, _better) in verdicts.items()} == VERDICTS
    assert all(better for verdict, better in verdicts.values() if verdict == "moved")


def test_an_off_track_metric_is_left_without_a_plan(demo_warehouse, register):
    """Relationship NPS has none open; handle time has one, for the contact centre only, which leaves it
    without a plan for all customers."""
    plans = metric_plans(queries.scorecard(queries.view()), register).set_index("metric_id")
    assert plans.loc["rnps", "status"] == "off_track" and plans.loc["rnps", "no_plan"]
    assert plans.loc["aht", "status"] == "off_track" and plans.loc["aht", "no_plan"]
    assert plans.loc["aht", "open_commitments"] == 1


def test_the_command_seeds_the_demo_once(demo_warehouse, tmp_path):
    """Run as `make demo` runs it (a process of its own: see `seeded`), twice."""
    path = tmp_path / "state.db"
    env = {**os.environ, "BEACON_WAREHOUSE": str(demo_warehouse), "BEACON_STATE_URL": f"sqlite:///{path}"}
    outputs = [
        subprocess.run(
            [sys.executable, "-m", "data.demo.commitments"],
            cwd=config.ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        for _ in range(2)
    ]
    with database.reading(f"sqlite:///{path}") as connection:
        opened = connection.execute(sa.select(sa.func.count()).select_from(database.cases)).scalar()
    assert opened > 0
    assert outputs == [
        f"{path}: 18 demo commitments seeded\n{path}: demo case rules and {opened} follow-up cases seeded\n",
        f"{path}: has commitments, left as is\n{path}: has case rules, left as is\n",
    ]


def test_the_command_leaves_a_warehouse_that_is_not_the_demo_alone(
    tiny_warehouse, tmp_path, monkeypatch, capsys
):
    path = tmp_path / "state.db"
    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{path}")
    main()
    assert "is not the demo" in capsys.readouterr().out
    assert not path.exists()
