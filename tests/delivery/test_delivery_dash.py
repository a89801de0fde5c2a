"""The MPEG-DASH manifest is linked and served like the HLS master playlist: a partner's signed
link names it, it comes through the link as application/dash+xml, and every init segment and
segment it names resolves under the same signed prefix."""

from __future__ import annotations

from urllib.parse import urljoin

import httpx
from _delivery_fixtures import Deliver
from mpegdash.parser import MPEGDASHParser

from tests.conftest import Actors


def test_a_partners_link_names_a_dash_manifest_that_resolves_under_the_link(
    server: str, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ"])
    issued = httpx.post(
        f"{server}/assets/{item.asset_id}/links", headers=actors.partner, timeout=30
    )
    assert issued.status_code == 201, issued.text
    link = issued.json()
    assert link["dash_manifest_url"] == link["base_url"] + "manifest.mpd"
    answer = httpx.get(link["dash_manifest_url"], timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/dash+xml")
    mpd = MPEGDASHParser.parse(answer.text)
    fetched, representations = 0, 0
    for adaptation in mpd.periods[0].adaptation_sets:
        for rep in adaptation.representations:
            representations += 1
            template = rep.segment_templates[0]
            first = template.media.replace("$Number%05d$", f"{template.start_number:05d}")
            for relative in (template.initialization, first):
                part = httpx.get(urljoin(link["dash_manifest_url"], relative), timeout=30)
                assert part.status_code == 200, relative
                assert part.content[4:8] in (b"ftyp", b"styp", b"moof")
                fetched += 1
    # two rungs and three languages (the fixture's master), each an init and a first segment
    assert (representations, fetched) == (5, 10)


def test_the_staff_renditions_answer_names_the_dash_manifest_and_each_rungs_vmaf(
    server: str, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ"])
    answer = httpx.get(
        f"{server}/assets/{item.asset_id}/renditions", headers=actors.editor, timeout=30
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["dash_manifest_key"] == f"{item.prefix.rstrip('/')}/manifest.mpd"
    scores = [(v["vmaf_mean"], v["vmaf_p5"]) for v in body["variants"]]
    assert len(scores) == 2 and all(0 < p5 <= mean <= 100 for mean, p5 in scores)
    assert scores[0][0] > scores[-1][0]  # the top rung looks better than the bottom one
