"""The media workflow's tests upload through tus like the ingest tests: their fixtures, shared."""

from tests.ingest.conftest import hostile, masters, media_cfg, title_id  # noqa: F401
