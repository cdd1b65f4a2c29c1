"""The words of alerts (components/alert_messages.py): each kind's sentence with the numbers as the
pages write them, a ratio's days instead of n, and a long digest section cut to DIGEST_LINES."""

import pytest
from babel import Locale

import config
import i18n
from components import alert_messages

NPS = {
    "metric_id": "nps",
    "metric_name": "Net promoter score",
    "unit": "pts",
    "kind": "nps",
    "higher_is_better": True,
    "touchpoint_name": "Website",
    "segment_name": "Small business",
    "value": -6.666,
    "low": -46.94,
    "high": 35.83,
    "n": 15.0,
    "target": 35.0,
    "tolerance": 5.0,
    "period_label": "Q4 2026 to date",
    "compare_label": "Q3 2026",
    "status": "off_track",
    "previous_status": "on_track",
    "change": 23.33,
    "link": "/metric/nps?touchpoint=web&segment=smb",
}
AHT = {
    "metric_name": "Average handle time",
    "unit": "s",
    "kind": "ratio",
    "higher_is_better": False,
    "value": 492.4,
    "low": 487.2,
    "high": 497.0,
    "n": 0.0,
    "days": 64.0,
    "target": 445.0,
    "tolerance": 20.0,
    "period_label": "Q4 2026 to date",
    "compare_label": "Q3 2026",
    "change": 14.2,
    "status": "off_track",
}


@pytest.mark.parametrize(
    ("kind", "facts", "said"),
    [
        (
            "status_worsened",
            NPS,
            "Net promoter score went from on track to off track for Website and Small business: −6.7 (95% "
            "interval −46.9 to 35.8, n = 15), target ≥ 35.0 (tolerance 5.0), Q4 2026 to date.",
        ),
        (
            "significant_change",
            AHT,
            "Average handle time changed by +14 s against Q3 2026 for all customers, beyond noise: 492 s (95% "
            "interval 487 to 497, 64 days), target ≤ 445 s (tolerance 20), Q4 2026 to date.",
        ),
        (
            "late_data",
            {"metric_name": "Churn", "latest_day": "2026-10-31", "cadence": "monthly", "as_of": "2026-12-03"},
            "Churn has had no new data since 2026-10-31 (expected monthly); as of 2026-12-03.",
        ),
        (
            "commitment_overdue",
            {"metric_name": "CSAT", "commitment_title": "Fix the invoice", "commitment_due_on": "2026-11-30"},
            "The commitment “Fix the invoice” on CSAT was due on 2026-11-30 and is not done.",
        ),
    ],
)
def test_each_kind_says_what_happened_with_the_pages_numbers(kind, facts, said):
    assert alert_messages.sentence(kind, facts) == said


def test_a_webhook_carries_the_sentence_and_the_exact_view(monkeypatch):
    monkeypatch.setattr(config, "PUBLIC_URL", "https://beacon.example.com")
    body = alert_messages.webhook_body(7, "status_worsened", NPS)
    assert body["text"] == (
        alert_messages.sentence("status_worsened", NPS)
        + " https://beacon.example.com/metric/nps?touchpoint=web&segment=smb"
    )
    assert (body["event_id"], body["kind"], body["event"]) == (7, "status_worsened", NPS)


def test_a_long_digest_section_lists_eight_and_says_how_many_more(monkeypatch):
    monkeypatch.setattr(config, "PUBLIC_URL", "http://beacon.test")
    changes = [
        {"kind": "significant_change", "facts": {**AHT, "link": f"/metric/aht?n={i}"}} for i in range(9)
    ]
    worse = {"kind": "status_worsened", "facts": {**NPS}}
    content = {
        "counts": {"on_track": 1, "at_risk": 0, "off_track": 2, "other": 0},
        "period_label": "Q4 2026 to date",
        "as_of": "2026-12-03",
        "week": "2026-W49",
        "changes": [*changes, worse],
        "no_plan": [],
        "overdue": [],
        "due_soon": [],
    }
    _subject, text, _page = alert_messages.digest_mail(content)
    section = text.split("What changed for real this week:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(section) == 9
    assert section[0].startswith("- Net promoter score went from on track to off track")  # worst first
    assert section[-1] == "- … and 2 more. http://beacon.test/alerts"


def test_an_alert_email_in_finnish_has_a_finnish_subject_and_decimal_commas(monkeypatch):
    """Composed inside i18n.language("fi") (as the notifier does for a recipient who chose Finnish):
    the subject is the Finnish sentence, NPS −6.666 written −6,7 and its interval −46,9–35,8 (CLDR fi:
    decimal comma, en dash for a range), the footer and the HTML part in Finnish with <html lang="fi">."""
    monkeypatch.setattr(config, "PUBLIC_URL", "http://beacon.test")
    with i18n.language("fi"):
        subject, text, page = alert_messages.event_mail(
            "status_worsened", NPS, "http://beacon.test/unsubscribe/t"
        )
    assert subject == (
        "Net promoter score (Website ja Small business) siirtyi tilasta ”tavoitteessa” tilaan ”tavoitteesta "
        "jäljessä”: −6,7 (95 %:n luottamusväli −46,9–35,8, n = 15), tavoite ≥ 35,0 (toleranssi 5,0), "
        "Q4 2026 to date."
    )
    assert "Avaa Beaconissa: http://beacon.test/metric/nps?touchpoint=web&segment=smb" in text
    assert "Lopeta nämä viestit: http://beacon.test/unsubscribe/t" in text
    assert page.startswith('<!doctype html><html lang="fi" dir="ltr">') and ">Lopeta nämä viestit</a>" in page
    # A date of the facts in the locale's writing: 30.11.2026, not 2026-11-30.
    with i18n.language("fi"):
        overdue = alert_messages.sentence(
            "commitment_overdue",
            {"metric_name": "CSAT", "commitment_title": "Fix the invoice", "commitment_due_on": "2026-11-30"},
        )
    assert overdue == "Sitoumuksen ”Fix the invoice” (CSAT) määräpäivä oli 30.11.2026, eikä sitä ole tehty."


def test_an_alert_email_in_persian_writes_persian_digits_right_to_left():
    """CLDR's Persian numbers are Persian digits (numbering system arabext) with the Persian decimal
    separator ٫: −6,666 is ‎−۶٫۷, n = 15 is ۱۵; the HTML part runs right to left; a summary's subject
    counts in Persian digits too."""
    assert Locale.parse("fa").default_numbering_system == "arabext"
    with i18n.language("fa"):
        subject, _text, page = alert_messages.event_mail("status_worsened", NPS, None)
        summary = alert_messages.summary_mail([("status_worsened", NPS)] * 3, None)[0]
    assert subject.startswith(
        "Net promoter score برای Website و Small business از «در مسیر هدف» به «دور از هدف» رسید"
    )
    assert "۶٫۷" in subject and "n = ۱۵" in subject and "هدف ≥ ۳۵٫۰" in subject
    assert not any(digit in subject.removesuffix("Q4 2026 to date.") for digit in "0123456789")
    assert page.startswith('<!doctype html><html lang="fa" dir="rtl">')
    assert summary == "Beacon: ۳ هشدار"


def test_english_mail_keeps_its_iso_days_and_plain_html():
    """English, the messages' own language, is as it always was: ISO days, <html> without lang/dir."""
    with i18n.language("en"):
        subject, _text, page = alert_messages.event_mail(
            "commitment_overdue",
            {"metric_name": "CSAT", "commitment_title": "Fix the invoice", "commitment_due_on": "2026-11-30"},
            None,
        )
    assert subject == "The commitment “Fix the invoice” on CSAT was due on 2026-11-30 and is not done."
    assert page.startswith("<!doctype html><html><body")
