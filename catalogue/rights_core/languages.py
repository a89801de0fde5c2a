"""Language-family matching of BCP 47 tags, the Python form ('zh' holds 'zh-Hans' and
'zh-Hant-TW'; 'zh-Hans' does not hold 'zh'). `language_sql` holds the same match as SQL; a test
checks that the two agree.

Tags compare without regard to case, as BCP 47 says. Stored tags are in canonical case
(`catalogue.validation.language_tag` writes them so), which is what lets the SQL form compare
case-sensitively, and use an index, once the family is put in canonical case too."""

from __future__ import annotations

SEPARATOR = "-"


def canonical_case(tag: str) -> str:
    """BCP 47 canonical case (RFC 5646, 2.1.1): 'ZH-hant-tw' -> 'zh-Hant-TW'. Only case changes;
    after a singleton ('x', 'u', ...) every subtag is lower case."""
    subtags = tag.strip().split(SEPARATOR)
    out = [subtags[0].lower()]
    extension = False
    for subtag in subtags[1:]:
        extension = extension or len(subtag) == 1
        if not extension and len(subtag) == 4 and subtag.isalpha():
            out.append(subtag.title())  # script
        elif not extension and len(subtag) == 2 and subtag.isalpha():
            out.append(subtag.upper())  # region
        else:
            out.append(subtag.lower())
    return SEPARATOR.join(out)


def in_family(tag: str, family: str) -> bool:
    """`tag` is `family` or a more specific tag of it ('zh-Hans' is in 'zh', 'zhx' is not)."""
    tag, family = tag.lower(), family.lower()
    return tag == family or tag.startswith(family + SEPARATOR)


def related(a: str, b: str) -> bool:
    """One tag is in the other's family: a license for 'zh' serves 'zh-Hans', and a license for
    'zh-Hans' answers someone asking for 'zh'; 'zh-Hans' and 'zh-Hant' are not related."""
    return in_family(a, b) or in_family(b, a)
