"""Choosing the interface language and formatting for it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from catalogue.web import i18n


@pytest.mark.parametrize(
    ("user", "cookie", "header", "chosen"),
    [
        ("ar", "ru", "zh-CN,zh;q=0.9", "ar"),  # the user's own setting wins
        (None, "es", "zh-CN", "es"),  # then the language picked before signing in
        (None, None, "de-DE,de;q=0.9,ru;q=0.8,en;q=0.5", "ru"),  # then the browser's first we have
        (None, None, "en;q=0.2, zh-Hant-TW;q=0.9", "zh"),
        (None, None, "ru;q=0, fr", "en"),  # q=0 means "not this"
        ("kk", None, None, "en"),
    ],
)
def test_web_language_is_chosen_by_user_cookie_then_browser(user, cookie, header, chosen) -> None:  # type: ignore[no-untyped-def]
    assert i18n.choose(user, cookie, header) == chosen


def test_web_every_shipped_language_has_a_complete_catalogue() -> None:
    for language in i18n.LANGUAGES[1:]:
        catalogue = i18n.translations(language)
        assert catalogue.gettext("Catalogue") != "Catalogue", language
        assert "%(num)s" in catalogue.ngettext("%(num)s title", "%(num)s titles", 5)


def test_web_formats_follow_the_locale() -> None:
    moment = datetime(2025, 3, 8, 14, 5, tzinfo=UTC)
    assert i18n.Formatter("ar").direction == "rtl"
    assert i18n.Formatter("zh").direction == "ltr"
    assert i18n.Formatter("ru").number(1234.5) == "1\xa0234,5"
    assert i18n.Formatter("es").date(moment) == "8 mar 2025"
    assert i18n.Formatter("en").size(1_500_000) == "1.5 MB"
    assert i18n.Formatter("zh").languages(["eng", "kk"]) == "英语和哈萨克语"
    assert i18n.Formatter("ar").countries(["KZ", "CN"]) == "كازاخستان والصين"
    assert i18n.Formatter("ru").language_name("not a tag!") == "not a tag!"
