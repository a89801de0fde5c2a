"""Line splitting that agrees with a text editor's line numbers."""

from __future__ import annotations

import re

# Only CR, LF and CRLF end a line in subtitle formats; str.splitlines() also splits on
# form feeds and Unicode separators, which would shift the line numbers in our errors.
_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines
