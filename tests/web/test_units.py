"""Pure pieces of the web package: the signed session, the SVG charts, dates and numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from meallog.web.charts import histogram_bins, histogram_svg, timeline_svg
from meallog.web.i18n import grams, locale_of, long_date, num
from meallog.web.pages import Target, amount_of
from meallog.web.session import MAX_AGE_S, Signer, WebSession

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def test_a_session_round_trips_and_any_change_to_it_is_refused() -> None:
    signer = Signer("secret")
    session = WebSession.anonymous(now=NOW).signed_in(user_id=7, token_hash="abcd", now=NOW)
    value = signer.dumps(session)
    assert signer.loads(value, now=NOW) == session
    body, mac = value.rsplit(".", 1)
    assert signer.loads(body[:-1] + ("A" if body[-1] != "A" else "B") + "." + mac, now=NOW) is None
    assert Signer("other").loads(value, now=NOW) is None
    assert signer.loads(value, now=NOW + timedelta(seconds=MAX_AGE_S + 1)) is None
    assert signer.loads("garbage", now=NOW) is None and signer.loads(None, now=NOW) is None


def test_csrf_tokens_are_bound_to_the_session_and_change_at_sign_in() -> None:
    signer = Signer("secret")
    anon = WebSession.anonymous(now=NOW)
    token = signer.csrf(anon)
    assert signer.check_csrf(anon, token) and not signer.check_csrf(anon, token[:-1])
    assert not signer.check_csrf(anon.signed_in(user_id=1, now=NOW), token)
    assert not signer.check_csrf(None, token) and not signer.check_csrf(anon, None)


def test_histogram_bins_put_the_threshold_at_half_the_axis() -> None:
    bins = histogram_bins([0, 10, 79.9, 80, 159, 500], threshold=80, bins=8)
    assert [b.count for b in bins] == [2, 0, 0, 1, 1, 0, 0, 1, 1]
    assert [b.over for b in bins] == [False] * 4 + [True] * 5 and bins[8].label == "≥160"


def test_charts_are_svg_with_escaped_labels() -> None:
    svg = histogram_svg(histogram_bins([1, 2], threshold=15), title="<b>|Δ fat|</b>", unit="g")
    assert svg.startswith("<svg") and "&lt;b&gt;" in svg and "<b>" not in svg
    line = timeline_svg([("11/19", 1, 10), ("11/20", 0, 0)], title="Breaches")
    assert line.count("<rect") == 2 + 4 and "11/20: 0 diffs" in line


def test_dates_numbers_and_amounts_read_naturally() -> None:
    assert long_date(date(2026, 11, 20), "ja") == "2026年11月20日（金）"
    assert long_date(date(2026, 11, 20), "en") == "Friday, 20 November 2026"
    assert (locale_of("ja-JP,ja;q=0.9"), locale_of("en-GB"), locale_of(None)) == ("ja", "en", "en")
    assert (num(1234.0), num(12.25, 1), num(None)) == ("1,234", "12.2", "–")
    assert (grams(22.5), grams(1066.0), grams(None)) == ("22.5", "1,066", "–")
    assert amount_of({"quantity": 1.0, "unit": "杯"}) == "1杯"
    assert amount_of({"quantity": 2.0, "unit": "slice"}) == "2 slice"
    assert amount_of({"quantity": None, "unit": "少し"}) == "少し" and amount_of({}) == ""
    assert Target.of(2000).macros == {"protein_g": 75, "fat_g": 56, "carbs_g": 300}


def test_each_estimate_names_its_own_reason_and_every_reason_has_words_in_both_locales() -> None:
    from meallog.web.i18n import STRINGS
    from meallog.web.pages import REASONS, reason_of
    from meallog.web.read import ItemNote

    assert reason_of(None) == "" and reason_of(ItemNote("ok", ("variant_match",))) == ""
    assert reason_of(ItemNote("estimated", ("atwater_mismatch", "variant_match"))) == "variant_match"
    assert reason_of(ItemNote("estimated", ("fuzzy_match", "piece_estimate"))) == "fuzzy_match"
    assert reason_of(ItemNote("estimated", ("never_zero_estimate",))) == "never_zero_estimate"
    assert reason_of(ItemNote("estimated", ())) == "estimated"
    assert reason_of(ItemNote("amount_unknown", ("unknown_portion",))) == "amount_unknown"
    assert reason_of(ItemNote("unmatched", ("unknown_food",))) == "unmatched"
    for locale in ("en", "ja"):
        assert all(STRINGS[locale][f"why_{r}"] for r in REASONS)
