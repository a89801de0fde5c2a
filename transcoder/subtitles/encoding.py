"""Decode subtitle bytes: byte-order marks first, then strict UTF-8, then a guess.

Legacy subtitle files carry no declaration of their encoding. A language hint settles the
usual ambiguities: a Russian file in Windows-1251 and a Chinese one in GB18030 decode
without error under several 8-bit or multi-byte codecs, and only the language tells which
one gives the text the author wrote.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer
import langcodes

from transcoder.subtitles.errors import SubtitleEncodingError

# UTF-32 first: its little-endian mark starts with the UTF-16 one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_CYRILLIC_LANGUAGES = frozenset({"ru", "kk", "uk", "be", "bg", "sr", "mk", "ky", "tg", "mn", "uz"})
_TRADITIONAL_CHINESE_REGIONS = frozenset({"TW", "HK", "MO"})
# Bytes where KZ-1048 puts Kazakh letters and Windows-1251 has Serbian or Ukrainian ones.
_KZ1048_ONLY = frozenset(b"\x8d\x8e\x9d\x9e\xa1\xa2\xa3\xa5\xaa\xaf\xb4\xba\xbc\xbd\xbe\xbf")
# charset-normalizer names subsets of GB18030; decoding with the superset loses nothing.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950"}
# Below this share of letters in the hinted script the hint is taken to be wrong.
_SCRIPT_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str


def _hinted_encoding(language: str) -> str | None:
    try:
        tag = langcodes.Language.get(language)
    except (ValueError, LookupError):
        return None
    if tag.language in _CYRILLIC_LANGUAGES:
        return "cp1251"
    if tag.language == "zh":
        traditional = tag.script == "Hant" or tag.territory in _TRADITIONAL_CHINESE_REGIONS
        return "cp950" if traditional else "gb18030"
    return None


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char >= "\U00020000"


def _mostly_in_script(text: str, encoding: str) -> bool:
    if encoding == "cp1251":
        letters = [c for c in text if c.isalpha() and not c.isascii()]
        test = _is_cyrillic
    else:
        letters = [c for c in text if not c.isascii() and not c.isspace()]
        test = _is_cjk
    if not letters:
        return False
    return sum(map(test, letters)) / len(letters) >= _SCRIPT_SHARE


def _decode_hinted(data: bytes, language: str) -> DecodedText | None:
    encoding = _hinted_encoding(language)
    if encoding is None:
        return None
    if (
        encoding == "cp1251"
        and langcodes.Language.get(language).language == "kk"
        and not _KZ1048_ONLY.isdisjoint(data)
    ):
        encoding = "kz1048"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    # Windows-1251 decodes any byte, so GB18030 bytes come out as Cyrillic-looking noise;
    # charset-normalizer's mess measure, asked about the hinted encoding alone, refuses it.
    if charset_normalizer.from_bytes(data, cp_isolation=[encoding]).best() is None:
        return None
    return DecodedText(text, encoding) if _mostly_in_script(text, encoding) else None


def decode_subtitle_bytes(data: bytes, language: str | None = None) -> DecodedText:
    """Decode a subtitle file; `language` (a BCP 47 tag such as "ru", "kk", "zh") guides guesses.

    Raises `SubtitleEncodingError` when the bytes are no text in any encoding we accept.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data[len(bom) :].decode(encoding), encoding)
            except UnicodeDecodeError as error:
                raise SubtitleEncodingError(
                    f"file starts with a {encoding} byte-order mark but byte {error.start + len(bom)}"
                    f" is not {encoding}"
                ) from None
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if language:
        hinted = _decode_hinted(data, language)
        if hinted is not None:
            return hinted
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise SubtitleEncodingError("bytes are not text in any known encoding")
    encoding = _SUPERSETS.get(best.encoding, best.encoding)
    try:
        return DecodedText(data.decode(encoding), encoding)
    except UnicodeDecodeError:
        return DecodedText(str(best), best.encoding)
