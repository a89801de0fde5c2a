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


def chunks_prefix(asset_id: int, run_id: int) -> str:
    """The pictures a long master's chunk jobs made, kept until their join has published (under
    the master's prefix: deleting the asset deletes what a failed run left)."""
    return f"{asset_prefix(asset_id)}/chunks/{run_id}"
