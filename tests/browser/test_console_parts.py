"""The console's pure parts: the sealed session, the choice of language, the charts and
the way figures are written."""

import base64
import string
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from starlette.responses import Response

from app.config import Settings
from app.console import charts, i18n
from app.console.published import _span
from app.console.rendering import Formats, cents
from app.console.session import new_session, open_sealed, seal, set_cookie
from app.store.console import ClearanceRate, _months

SECRET = "a-secret-of-more-than-32-characters-0123"
KEY = "sw_e_the-enterprises-key-0123456789abcdef"


def test_a_session_opens_only_unaltered_unexpired_and_under_its_secret() -> None:
    session = new_session(KEY, now=1_000)
    sealed = seal(session, SECRET)
    assert open_sealed(sealed, SECRET, now=1_001) == session
    assert open_sealed(sealed, SECRET, now=session.expires) is None
    assert open_sealed(sealed, "another-secret-of-more-than-32-chars", now=1_001) is None
    raw = bytearray(base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4)))
    raw[20] ^= 1
    altered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    assert open_sealed(altered, SECRET, now=1_001) is None
    for junk in ("", "x", "%%%", "A" * 5000):
        assert open_sealed(junk, SECRET, now=1_001) is None
    # Sealed, not merely encoded: the key cannot be read from the cookie.
    assert KEY.encode() not in bytes(raw)
    assert KEY not in sealed


def test_each_session_has_its_own_token() -> None:
    assert new_session(None).csrf != new_session(None).csrf
    session = new_session(KEY)
    assert session.csrf_matches(session.csrf)
    assert not session.csrf_matches(None)
    assert not session.csrf_matches(session.csrf[:-1])


@pytest.mark.parametrize("production", [False, True])
def test_the_cookie_is_http_only_strict_and_secure_outside_development(production: bool) -> None:
    settings = Settings.model_construct(
        environment="production" if production else "development", audit_signing_key=SECRET
    )
    response = Response()
    set_cookie(response, new_session(KEY), settings)
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header
    assert "samesite=strict" in header
    assert "path=/console" in header
    assert ("secure" in header.split("; ")) is production


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", "zh"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("fr-FR,en;q=0.5,zh;q=0.7", "zh"),
        ("en;q=0.8,zh;q=0.8", "en"),
        ("zh;q=0,en;q=0.1", "en"),
        ("de, fr", "zh"),
        ("en;q=nonsense,zh-TW", "zh"),
    ],
)
def test_the_language_is_the_browsers_first_of_ours(header: str, language: str) -> None:
    assert i18n.from_accept_language(header) == language


def test_every_text_is_in_both_languages() -> None:
    for key, (english, chinese) in i18n.MESSAGES.items():
        assert english.strip(), key
        assert chinese.strip(), key
        # The same blanks to fill in each.
        assert sorted(_names(english)) == sorted(_names(chinese)), key
    for kind, names in i18n.VALUES.items():
        for value, (english, chinese) in names.items():
            assert english, (kind, value)
            assert chinese, (kind, value)


def _names(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def test_a_chart_draws_one_bar_per_figure_and_escapes_its_labels() -> None:
    points = [charts.Point("<script>", 3, "3"), charts.Point("b&c", 0, "0")]
    for draw in (charts.columns, charts.rows):
        svg = str(draw(points, 'title "quoted"'))
        assert svg.count('<rect class="bar"') == 2
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        assert 'data-value="3"' in svg
        assert 'aria-label="title &#34;quoted&#34;"' in svg
    empty = str(charts.columns([], "nothing"))
    assert "<rect" not in empty


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (3, 5), (8, 10), (11, 20), (0.3, 0.5), (4200, 5000)]
)
def test_the_axis_ends_at_a_round_number(value: float, top: float) -> None:
    assert charts.nice_ceiling(value) == pytest.approx(top)


def test_money_has_two_decimals_everywhere() -> None:
    f = Formats("en")
    assert f.money(Decimal("339.00000")) == "339.00"
    assert f.money("1234567.005") == "1,234,567.01"
    assert f.money(0) == "0.00"
    assert f.money("not a number") == "not a number"
    assert cents(Decimal("60.785")) == "60.79"
    assert Formats("zh").duration(30) == "30.0 秒"
    assert Formats("en").duration(600) == "10.0 min"
    assert Formats("en").when("2026-05-01T08:30:00+08:00") == "2026-05-01 00:30:00"


def test_months_and_rates() -> None:
    first, end = _span(12, datetime(2026, 12, 15, tzinfo=UTC))
    assert (first, end) == (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert _months(first, end)[0] == "2026-01"
    assert len(_months(first, end)) == 12
    first, end = _span(3, datetime(2026, 2, 1, tzinfo=UTC))
    assert _months(first, end) == ["2025-12", "2026-01", "2026-02"]
    assert ClearanceRate(2, 3).percent == Decimal("66.7")
    assert ClearanceRate(0, 0).percent is None
