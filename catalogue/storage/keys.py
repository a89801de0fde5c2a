"""Where things live in storage: the one definition of the key layout, shared by every writer and
by the deletions that must find everything again."""

from __future__ import annotations


def asset_prefix(asset_id: int) -> str:
    """An uploaded master and its upload-time files."""
    return f"assets/{asset_id}"


def renditions_prefix(asset_id: int) -> str:
    """The published rendition set of a master (HLS ladder, MP4s, poster, storyboard)."""
    return f"renditions/{asset_id}"


def subtitles_prefix(title_id: int) -> str:
    """Every subtitle track of a title (originals, WebVTT revisions, burn-ins)."""
    return f"subtitles/{title_id}"
