"""The partner catalogue: titles licensed to a partner over a period, with their windows,
renditions and the audio and subtitle languages on offer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Integer, bindparam
from sqlmodel import Session, col, select

from catalogue.errors import InvalidInput
from catalogue.media.languages import subtitle_languages
from catalogue.models import (
    Asset,
    AssetState,
    Partner,
    RenditionSet,
    RightsWindow,
    Title,
    TitleLocalization,
    User,
)
from catalogue.models.delivery import (
    CatalogueEntry,
    CatalogueRenditions,
    CatalogueWindow,
    PartnerCatalogue,
)
from catalogue.partners.service import get_partner
from catalogue.rights import access
from catalogue.rights_core.periods import Period


def partner_for(session: Session, user: User, partner_id: int | None) -> Partner:
    """A partner asks for itself; staff name the partner they look through the eyes of."""
    if access.is_partner(user):
        return access.partner_of(session, user)
    if partner_id is None:
        raise InvalidInput("partner_id: staff name the partner whose view they want")
    return get_partner(session, partner_id)


def licensed_titles(session: Session, licensed: list[int]) -> list[Title]:
    """The titles that the windows of the `licensed` titles cover."""
    return list(session.execute(_COVERED, {"licensed": licensed}).scalars())


def _windows(session: Session, partner: Partner, period: Period) -> dict[int, list[RightsWindow]]:
    found: dict[int, list[RightsWindow]] = defaultdict(list)
    for row in session.execute(_WINDOWS, access.licensed_params(partner, period)).scalars():
        found[row.title_id].append(row)
    return found


# Built once (see access.LICENSED): the statements of a catalogue cost more to build than to run.
_WINDOWS = select(RightsWindow).where(col(RightsWindow.id).in_(access.LICENSED_WINDOW_IDS))
_COVERED = (
    select(Title)
    .where(access.covered_by(bindparam("licensed", type_=Integer, expanding=True)))
    .order_by(col(Title.original_title), col(Title.id))
)


def audio_languages(row: RenditionSet) -> list[str]:
    return sorted({a["language"] for a in row.audio_renditions if a.get("language")})


def renditions(
    session: Session, title_ids: Sequence[int]
) -> dict[int, list[tuple[Asset, RenditionSet]]]:
    found: dict[int, list[tuple[Asset, RenditionSet]]] = defaultdict(list)
    for asset, row in session.exec(
        select(Asset, RenditionSet)
        .join(RenditionSet, col(RenditionSet.asset_id) == col(Asset.id))
        .where(col(Asset.title_id).in_(list(title_ids)), Asset.state == AssetState.ready)
        .order_by(col(Asset.id))
    ):
        found[asset.title_id].append((asset, row))
    return found


def build(session: Session, partner: Partner, period: Period) -> PartnerCatalogue:
    assert partner.id is not None
    # The windows name the licensed titles: asking for them once spares building and running
    # the licensing subquery a second time.
    windows = _windows(session, partner, period)
    titles = licensed_titles(session, list(windows))
    ids = [t.id for t in titles if t.id is not None]
    media = renditions(session, ids)
    subtitles = subtitle_languages(session, ids)
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for loc in session.exec(
        select(TitleLocalization).where(col(TitleLocalization.title_id).in_(ids))
    ):
        names[loc.title_id][loc.language] = loc.title
    items = []
    for title in titles:
        assert title.id is not None
        # Episodes use their series' windows, promos those of the title they promote.
        own = (
            windows.get(title.id)
            or windows.get(title.parent_id or -1)
            or windows.get(title.promotes_id or -1, [])
        )
        sets = [
            CatalogueRenditions(
                asset_id=asset.id,  # type: ignore[arg-type]
                kind=asset.kind,
                duration_s=row.duration_s,
                formats=["hls", "mp4"],
                variants=row.variants,
                audio_languages=audio_languages(row),
                subtitle_languages=subtitles[title.id],
                total_bytes=row.total_bytes,
            )
            for asset, row in media.get(title.id, [])
        ]
        items.append(
            CatalogueEntry(
                title_id=title.id,
                kind=title.kind,
                original_title=title.original_title,
                original_language=title.original_language,
                localized_titles=dict(sorted(names[title.id].items())),
                production_year=title.production_year,
                runtime_minutes=title.runtime_minutes,
                eidr_title_id=title.eidr_title_id,
                windows=[
                    CatalogueWindow.model_validate(w, from_attributes=True)
                    for w in sorted(own, key=lambda w: w.starts_on)
                ],
                renditions=sets,
                audio_languages=sorted({lang for s in sets for lang in s.audio_languages}),
                subtitle_languages=subtitles[title.id],
            )
        )
    return PartnerCatalogue(
        partner_id=partner.id,
        countries=sorted(partner.countries),
        starts_on=period.start,
        ends_on=period.end,
        items=items,
    )


def as_seen_by(
    session: Session, user: User, partner_id: int | None, period: Period
) -> PartnerCatalogue:
    """The catalogue of the calling partner, or for staff of the partner they name."""
    return build(session, partner_for(session, user, partner_id), period)
