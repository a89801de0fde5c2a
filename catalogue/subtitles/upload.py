"""Reading a multipart subtitle upload: streamed, capped before it is parsed or spooled."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from catalogue.errors import CatalogueError, InvalidInput

# Room for the multipart framing and the small text fields beside the file.
_FORM_OVERHEAD = 64 * 1024


class PayloadTooLarge(CatalogueError):
    status_code = 413


@dataclass(frozen=True, slots=True)
class SubtitleForm:
    data: bytes
    filename: str | None
    fields: dict[str, str]


async def read_subtitle_form(request: Request, max_bytes: int) -> SubtitleForm:
    """The `file` part and the text fields of a multipart/form-data body of at most `max_bytes`
    of file; larger bodies are refused as they arrive, before anything is written to disk."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput("send multipart/form-data with a `file` part and a `language` field")
    limit = max_bytes + _FORM_OVERHEAD
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(_too_large(max_bytes))

    async def capped() -> AsyncGenerator[bytes, None]:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise PayloadTooLarge(_too_large(max_bytes))
            yield chunk

    parser = MultiPartParser(request.headers, capped(), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except MultiPartException as error:
        raise InvalidInput(f"multipart body: {error.message}") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("file: missing; send the subtitle file as the `file` part")
        data = await upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise PayloadTooLarge(_too_large(max_bytes))
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        return SubtitleForm(data, upload.filename, fields)
    finally:
        await form.close()


def _too_large(max_bytes: int) -> str:
    return (
        f"file: larger than {max_bytes} bytes; a feature's subtitles are ~100 KB, so this is "
        "not a subtitle file (or raise CATALOGUE_SUBTITLE_MAX_BYTES)"
    )
