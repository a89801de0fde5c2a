import pytest

from catalogue.rights_core.languages import canonical_case, in_family, related


@pytest.mark.parametrize(
    ("tag", "canonical"),
    [
        ("ZH", "zh"),
        ("zh-hans", "zh-Hans"),
        ("ZH-HANT-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("SR-latn-rs", "sr-Latn-RS"),
        ("de-ch-1901", "de-CH-1901"),
        ("en-X-Private-AB", "en-x-private-ab"),  # after a singleton everything is lower case
        ("UND", "und"),
    ],
)
def test_canonical_case(tag: str, canonical: str) -> None:
    assert canonical_case(tag) == canonical


@pytest.mark.parametrize(
    ("tag", "family", "expected"),
    [
        ("zh", "zh", True),
        ("zh-Hans", "zh", True),
        ("zh-Hant-TW", "zh", True),
        ("zh-Hant-TW", "zh-Hant", True),
        ("zh", "zh-Hans", False),  # the family is the broader tag
        ("zh-Hant", "zh-Hans", False),
        ("zha", "zh", False),  # Zhuang is not Chinese
        ("yue", "zh", False),  # no macrolanguage folding here (the planner's languages do that)
        ("es-419", "es", True),
        ("pt-BR", "PT", True),  # BCP 47 tags ignore case
        ("und", "und", True),
    ],
)
def test_in_family(tag: str, family: str, expected: bool) -> None:
    assert in_family(tag, family) is expected


def test_related_works_both_ways() -> None:
    assert related("zh", "zh-Hans")
    assert related("zh-Hans", "zh")
    assert not related("zh-Hans", "zh-Hant")
    assert not related("sr-Latn", "sr-Cyrl")
