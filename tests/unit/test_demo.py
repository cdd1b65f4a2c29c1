"""The demo warehouse generator: determinism, shape, the default view's statuses, and the comments.

Every build here is drawn in several batches (a range of days each), as a large build is, so the story
tests hold for what streaming writes."""

from datetime import date

import duckdb
import pytest

from data.demo import comments as corpus
from data.demo.generator import build_demo, first_day
from data.warehouse.snapshot import write_snapshot

SIZE = 20_000
BATCH = 3_000  # answers a batch: about seven batches a build
MID_QUARTER = date(2026, 11, 23)
LAST_MONTH_OF_QUARTER = date(2026, 6, 20)
FIRST_DAY_OF_QUARTER = date(2027, 1, 1)
STATUS_WORDS = {"on_track", "at_risk", "off_track", "insufficient", "no_target", "no_data"}

# The default view (all customers, quarter to date as of $end_day) computed from the raw facts by the
# rules of DESIGN.md, independently of the app's queries.
DEFAULT_VIEW_STATUSES = """
WITH period AS (
    SELECT CAST(date_trunc('quarter', CAST($end_day AS DATE)) AS DATE) AS first_day,
           CAST($end_day AS DATE) AS last_day
),
survey AS (
    SELECT metric_id, count(*) AS n, count_if(score >= 9) AS promoters, count_if(score <= 6) AS detractors,
           count_if(score >= m.scale_max - 1) AS top2, avg(score) AS mean_score
    FROM responses JOIN metrics AS m USING (metric_id), period
    WHERE CAST(responded_at AS DATE) BETWEEN first_day AND last_day
    GROUP BY metric_id
),
operational AS (
    SELECT metric_id, count(*) AS n, sum(numerator) AS numerator, sum(denominator) AS denominator
    FROM measurements, period
    WHERE day BETWEEN first_day AND last_day
    GROUP BY metric_id
),
goal AS (
    SELECT metric_id, any_value(target) AS target, any_value(tolerance) AS tolerance
    FROM targets, period
    WHERE touchpoint_id IS NULL AND segment_id IS NULL AND last_day BETWEEN period_start AND period_end
    GROUP BY metric_id
),
valued AS (
    SELECT m.metric_id, m.kind, m.higher_is_better, m.min_sample, g.target, g.tolerance,
           coalesce(s.n, o.n, 0) AS rows_in_period, s.n,
           CASE m.kind
               WHEN 'nps' THEN 100.0 * (s.promoters - s.detractors) / s.n
               WHEN 'top2box' THEN 100.0 * s.top2 / s.n
               WHEN 'mean' THEN s.mean_score
               ELSE o.numerator / o.denominator
                    * CASE m.unit WHEN '%' THEN 100 WHEN 'per1000' THEN 1000 ELSE 1 END
           END AS value
    FROM metrics AS m
    LEFT JOIN survey AS s USING (metric_id)
    LEFT JOIN operational AS o USING (metric_id)
    LEFT JOIN goal AS g USING (metric_id)
)
SELECT metric_id,
       CASE
           WHEN rows_in_period = 0 THEN 'no_data'
           WHEN kind <> 'ratio' AND n < min_sample THEN 'insufficient'
           WHEN target IS NULL THEN 'no_target'
           WHEN CASE WHEN higher_is_better THEN target - value ELSE value - target END <= 0 THEN 'on_track'
           WHEN CASE WHEN higher_is_better THEN target - value ELSE value - target END <= tolerance
               THEN 'at_risk'
           ELSE 'off_track'
       END AS status
FROM valued
"""


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    """One 20 000-response warehouse per end date, built once for the module."""
    folder = tmp_path_factory.mktemp("demo")
    paths = {}
    for end in (MID_QUARTER, LAST_MONTH_OF_QUARTER, FIRST_DAY_OF_QUARTER):
        paths[end] = folder / f"demo-{end}.duckdb"
        build_demo(paths[end], SIZE, end, seed=42, batch_rows=BATCH)
    return paths


@pytest.fixture(scope="module")
def con(warehouses):
    connection = duckdb.connect(str(warehouses[MID_QUARTER]), read_only=True)
    yield connection
    connection.close()


def fetch(con, sql, params=None):
    return con.execute(sql, params or {}).fetchall()


def checksum(path):
    with duckdb.connect(str(path), read_only=True) as con:
        responses = con.execute(
            "SELECT count(*), sum(hash(response_id, metric_id, responded_at, touchpoint_id, segment_id,"
            " score, comment)) FROM responses"
        ).fetchone()
        measurements = con.execute(
            "SELECT count(*), sum(hash(metric_id, day, touchpoint_id, segment_id, numerator, denominator))"
            " FROM measurements"
        ).fetchone()
        targets = con.execute(
            "SELECT sum(hash(metric_id, period_start, target, touchpoint_id)) FROM targets"
        ).fetchone()
    return responses, measurements, targets


def test_same_seed_same_content_and_another_seed_differs(warehouses, tmp_path):
    build_demo(tmp_path / "again.duckdb", SIZE, MID_QUARTER, seed=42, batch_rows=BATCH)
    build_demo(tmp_path / "other.duckdb", SIZE, MID_QUARTER, seed=7, batch_rows=BATCH)
    original = checksum(warehouses[MID_QUARTER])
    assert checksum(tmp_path / "again.duckdb") == original
    other = checksum(tmp_path / "other.duckdb")
    assert other[0] != original[0]
    assert other[1] != original[1]


def test_one_batch_or_many_tell_the_same_story(con, tmp_path):
    """The surveys per day and cell are drawn before the batches: only the answers' draws differ."""
    build_demo(tmp_path / "whole.duckdb", SIZE, MID_QUARTER, seed=42)  # one batch
    cells = (
        "SELECT responded_at::DATE, touchpoint_id, segment_id, count(DISTINCT response_id)"
        " FROM responses GROUP BY ALL ORDER BY ALL"
    )
    with duckdb.connect(str(tmp_path / "whole.duckdb"), read_only=True) as whole:
        assert fetch(whole, cells) == fetch(con, cells)
        assert fetch(whole, "SELECT * FROM measurements ORDER BY ALL") == fetch(
            con, "SELECT * FROM measurements ORDER BY ALL"
        )


def test_survey_ids_are_unique_across_batches_and_follow_time(con):
    surveys = fetch(
        con,
        "SELECT response_id, min(responded_at), max(responded_at), count(*) FROM responses"
        " GROUP BY 1 ORDER BY 1",
    )
    assert len(surveys) > SIZE / 3  # several questions a survey, so ids repeat only within one
    # R000000001 onwards without a gap, every answer of a survey at one time, and numbers in time order.
    assert [row[0] for row in surveys] == [f"R{number:09d}" for number in range(1, len(surveys) + 1)]
    assert all(first == last and count <= 3 for _, first, last, count in surveys)
    times = [first for _, first, _, _ in surveys]
    assert times == sorted(times)


def test_the_publish_keeps_to_its_memory_limit(tmp_path):
    seen = []
    write_snapshot(
        tmp_path / "w.duckdb",
        lambda con: seen.append(con.execute("SELECT current_setting('memory_limit')").fetchone()[0]),
        memory_limit="256MB",
    )
    assert seen == ["244.1 MiB"]  # DuckDB states it in binary units


def test_sizes_and_dates(con):
    (responses,) = con.execute("SELECT count(*) FROM responses").fetchone()
    assert abs(responses - SIZE) <= 0.02 * SIZE
    start = first_day(MID_QUARTER)
    assert start == date(2024, 11, 24)  # 24 months ending at --end, inclusive
    days = (MID_QUARTER - start).days + 1
    assert fetch(con, "SELECT min(day), max(day), count(DISTINCT day) FROM measurements") == [
        (start, MID_QUARTER, days)
    ]
    assert fetch(con, "SELECT min(responded_at)::DATE, max(responded_at)::DATE FROM responses") == [
        (start, MID_QUARTER)
    ]
    # Every day has survey answers, not only operational counts.
    assert fetch(con, "SELECT count(DISTINCT responded_at::DATE) FROM responses") == [(days,)]


def test_catalogue(con):
    stages = fetch(con, "SELECT DISTINCT stage_order, journey_stage FROM touchpoints ORDER BY 1")
    assert [s for _, s in stages] == ["discover", "buy", "onboard", "use", "get help", "renew"]
    assert 10 <= fetch(con, "SELECT count(*) FROM touchpoints")[0][0] <= 14
    assert {c for (c,) in fetch(con, "SELECT DISTINCT channel FROM touchpoints")} == {
        "web",
        "app",
        "contact centre",
        "store",
        "field",
    }
    assert fetch(con, "SELECT count(*) FROM segments WHERE description <> ''")[0][0] >= 4
    owners = fetch(con, "SELECT email, title FROM owners")
    assert len(owners) >= 6 and all(email.endswith("@example.com") and title for email, title in owners)
    assert {k for (k,) in fetch(con, "SELECT DISTINCT kind FROM metrics")} == {
        "nps",
        "top2box",
        "mean",
        "ratio",
    }
    assert {b for (b,) in fetch(con, "SELECT DISTINCT higher_is_better FROM metrics")} == {True, False}
    assert fetch(con, "SELECT count(*) FROM metrics WHERE owner_id IS NULL") == [(0,)]


def test_facts_are_well_formed(con):
    assert fetch(
        con, "SELECT count(*) FROM (SELECT DISTINCT response_id, metric_id FROM responses)"
    ) == fetch(con, "SELECT count(*) FROM responses")
    assert fetch(
        con,
        "SELECT count(*) FROM responses JOIN metrics USING (metric_id)"
        " WHERE score < scale_min OR score > scale_max OR score <> round(score)",
    ) == [(0,)]
    # Answers spread over the day, mostly in business hours.
    hours = dict(fetch(con, "SELECT hour(responded_at), count(*) FROM responses GROUP BY 1"))
    assert len(hours) >= 20
    assert sum(n for h, n in hours.items() if 8 <= h < 21) > 0.75 * sum(hours.values())
    # Ratio metrics are measured only where they make sense.
    places = dict(
        fetch(
            con,
            "SELECT metric_id, list(DISTINCT touchpoint_id ORDER BY touchpoint_id) FROM measurements"
            " GROUP BY 1",
        )
    )
    assert places["fcr"] == ["chat", "contact_centre"]
    assert places["churn"] == ["renewal_desk"]
    ces_places = {
        t for (t,) in fetch(con, "SELECT DISTINCT touchpoint_id FROM responses WHERE metric_id = 'ces'")
    }
    assert "online_checkout" not in ces_places and "contact_centre" in ces_places


def test_targets_are_quarterly_and_scoped(con):
    assert fetch(
        con,
        "SELECT count(*) FROM targets WHERE period_start <> date_trunc('quarter', period_start)"
        " OR period_end <> last_day(period_start + INTERVAL 2 MONTH)",
    ) == [(0,)]
    scopes = dict(
        fetch(
            con,
            "SELECT (touchpoint_id IS NOT NULL)::INT + 2 * (segment_id IS NOT NULL)::INT, count(*)"
            " FROM targets GROUP BY 1",
        )
    )
    assert set(scopes) == {0, 1, 2, 3}  # all customers, touchpoint, segment, touchpoint + segment
    assert scopes[0] > max(scopes[1], scopes[2], scopes[3])
    titles = {t for (t,) in fetch(con, "SELECT title FROM annotations")}
    assert "Checkout redesign launched" in titles


@pytest.mark.parametrize("end", [MID_QUARTER, LAST_MONTH_OF_QUARTER, FIRST_DAY_OF_QUARTER])
def test_default_view_shows_every_status(warehouses, end):
    with duckdb.connect(str(warehouses[end]), read_only=True) as con:
        statuses = dict(fetch(con, DEFAULT_VIEW_STATUSES, {"end_day": end}))
    assert set(statuses.values()) == STATUS_WORDS, statuses


def test_story_checkout_improves_small_business_lags_billing_worsens(con):
    nps = "100.0 * (count_if(score >= 9) - count_if(score <= 6)) / count(*)"
    (redesign,) = fetch(con, "SELECT day FROM annotations WHERE touchpoint_id = 'online_checkout'")[0]
    before, after = fetch(
        con,
        f"SELECT {nps} FROM responses WHERE metric_id = 'tnps' AND touchpoint_id = 'online_checkout'"
        " GROUP BY responded_at >= $day ORDER BY responded_at >= $day",
        {"day": redesign},
    )
    assert after[0] - before[0] > 15
    by_segment = dict(
        fetch(con, f"SELECT segment_id, {nps} FROM responses WHERE metric_id = 'tnps' GROUP BY 1")
    )
    assert by_segment["consumer"] - by_segment["smb"] > 5
    # Billing complaints jump after the price change.
    (price_change,) = fetch(con, "SELECT day FROM annotations WHERE touchpoint_id = 'billing'")[0]
    before, after = fetch(
        con,
        "SELECT sum(numerator) / sum(denominator) FROM measurements"
        " WHERE metric_id = 'complaints' AND touchpoint_id = 'billing'"
        " GROUP BY day >= $day ORDER BY day >= $day",
        {"day": price_change},
    )
    assert after[0] > 1.5 * before[0]


def test_comments_share_variety_and_languages(con):
    comments = fetch(con, "SELECT comment FROM responses WHERE comment IS NOT NULL")
    share = len(comments) / SIZE
    assert 0.10 <= share <= 0.20
    texts = {c for (c,) in comments}
    assert len(texts) >= 1000
    for language in corpus.LANGUAGES:
        sentences = [
            s for sentiment in corpus.SENTIMENTS for s in corpus.subject_sentences(language, sentiment)
        ]
        assert any(sentence in text for text in texts for sentence in sentences), language
    assert any(c in text for text in texts for c in '<&"')  # characters the app must escape
    persian = [t for t in texts if "\u200c" in t]
    assert persian and not any("_" in t for t in persian)


def test_comment_tone_follows_the_score(con):
    def subjects(sentiment):
        return [s for language in corpus.LANGUAGES for s in corpus.subject_sentences(language, sentiment)]

    negative, positive = subjects("negative"), subjects("positive")
    low = [c for (c,) in fetch(con, "SELECT comment FROM responses WHERE comment IS NOT NULL AND score <= 4")]
    high = [
        c for (c,) in fetch(con, "SELECT comment FROM responses WHERE comment IS NOT NULL AND score >= 9")
    ]
    assert len(low) > 100 and len(high) > 100
    assert all(any(s in c for s in negative) and not any(s in c for s in positive) for c in low)
    assert all(any(s in c for s in positive) and not any(s in c for s in negative) for c in high)


def test_the_corpus_file_has_every_language_slot_sentiment_and_topic():
    """comments.toml holds what compose picks from, and nothing it would silently leave unused."""
    assert list(corpus.CORPUS) == list(corpus.LANGUAGES)
    for language, sentences in corpus.CORPUS.items():
        assert set(sentences) == {*corpus.SLOTS, "subject"}, language
        for slot in corpus.SLOTS:
            assert set(sentences[slot]) == set(corpus.SENTIMENTS), (language, slot)
        assert tuple(sentences["subject"]) == corpus.TOPICS, language
        for topic, by_sentiment in sentences["subject"].items():
            assert set(by_sentiment) == set(corpus.SENTIMENTS), (language, topic)
            assert all(text for texts in by_sentiment.values() for text in texts), (language, topic)
