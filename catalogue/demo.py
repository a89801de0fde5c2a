"""The demo catalogue shipped in assets/demo: loaded idempotently through the same services as the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from catalogue.accounts import service as accounts
from catalogue.models import ApiToken, Campaign, Partner, Role, Title, TitleStatus, User, Venue
from catalogue.models.accounts import UserCreate
from catalogue.models.campaigns import CampaignCreate
from catalogue.models.partners import PartnerCreate, VenueCreate
from catalogue.models.subtitles import SubtitleKind, SubtitleTrack, TrackStatus
from catalogue.models.titles import EpisodeCreate, TitleCreate, TitleUpdate
from catalogue.models.types import utcnow
from catalogue.rights import demo as rights_demo
from catalogue.settings import Settings
from catalogue.storage import make_storage
from catalogue.subtitles import tracks
from catalogue.titles import service as titles

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "demo"
DEMO_TOKEN_NAME = "demo"
DEMO_USERS: tuple[tuple[str, Role, str | None], ...] = (
    ("demo-admin", Role.admin, None),
    ("demo-editor", Role.editor, None),
    ("demo-programmer", Role.programmer, None),
    ("partner-almaty", Role.partner, "almaty-film-centre"),
    ("partner-paris", Role.partner, "lumiere-paris"),
)


@dataclass(frozen=True)
class Summary:
    titles: int
    campaigns: int
    partners: int
    venues: int


def _read(name: str, assets: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((assets / name).read_text(encoding="utf-8"))
    return data


def load(session: Session, assets: Path = ASSETS) -> Summary:
    for raw in _read("campaigns.json", assets):
        data = CampaignCreate.model_validate(raw)
        if not session.exec(select(Campaign).where(Campaign.slug == data.slug)).first():
            session.add(Campaign(**data.model_dump()))
    partners: dict[str, Partner] = {}
    for raw in _read("partners.json", assets):
        pdata = PartnerCreate.model_validate(raw)
        partner = session.exec(select(Partner).where(Partner.slug == pdata.slug)).first()
        if partner is None:
            partner = Partner(**pdata.model_dump())
            session.add(partner)
        partners[pdata.slug] = partner
    session.flush()
    for raw in _read("venues.json", assets):
        fields = {k: v for k, v in raw.items() if k != "partner"}
        vdata = VenueCreate.model_validate({**fields, "partner_id": partners[raw["partner"]].id})
        if not session.exec(select(Venue).where(Venue.slug == vdata.slug)).first():
            session.add(Venue(**vdata.model_dump()))
    session.commit()

    by_key: dict[str, Title] = {}
    for raw in _read("titles.json", assets):
        by_key[raw["key"]] = _upsert_title(session, raw, by_key)
    rights_demo.load_rights(session, assets)
    return Summary(
        titles=len(session.exec(select(Title.id)).all()),
        campaigns=len(session.exec(select(Campaign.id)).all()),
        partners=len(partners),
        venues=len(session.exec(select(Venue.id)).all()),
    )


def _upsert_title(session: Session, raw: dict[str, Any], by_key: dict[str, Title]) -> Title:
    fields = {k: v for k, v in raw.items() if k not in {"key", "status", "episodes", "promotes"}}
    if "promotes" in raw:
        fields["promotes_id"] = by_key[raw["promotes"]].id
    existing = session.exec(
        select(Title).where(
            Title.kind == raw["kind"],
            Title.original_title == raw["original_title"],
            Title.parent_id.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    if existing is None:
        title = titles.create_title(session, TitleCreate.model_validate(fields), parent=None)
    else:
        update = {k: v for k, v in fields.items() if k != "kind"}
        title = titles.update_title(session, existing, TitleUpdate.model_validate(update))
    for episode in raw.get("episodes", []):
        found = session.exec(
            select(Title).where(
                Title.parent_id == title.id,
                Title.season_number == episode["season_number"],
                Title.episode_number == episode["episode_number"],
            )
        ).first()
        if found is None:
            titles.create_title(session, EpisodeCreate.model_validate(episode), parent=title)
    wanted = TitleStatus(raw.get("status", TitleStatus.draft))
    if title.status == TitleStatus.draft and wanted == TitleStatus.published:
        titles.change_status(session, title, wanted)
    return title


def attach_subtitles(session: Session, settings: Settings, assets: Path = ASSETS) -> int:
    """Attach and publish the demo subtitle files (subtitles/<title key>.<language>.srt) through
    the subtitle service, as an editor would; returns how many tracks were new."""
    storage = make_storage(settings)
    keys = {raw["key"]: raw for raw in _read("titles.json", assets)}
    added = 0
    for path in sorted((assets / "subtitles").glob("*.srt")):
        key, language = path.stem.rsplit(".", 1)
        raw = keys[key]
        title = session.exec(
            select(Title).where(
                Title.kind == raw["kind"],
                Title.original_title == raw["original_title"],
                Title.parent_id.is_(None),  # type: ignore[union-attr]
            )
        ).one()
        exists = session.exec(
            select(SubtitleTrack).where(
                SubtitleTrack.title_id == title.id, SubtitleTrack.language == language
            )
        ).first()
        if exists is not None:
            continue
        source = tracks.parse_upload(path.read_bytes(), path.name, language)
        track = tracks.create_track(
            session, storage, settings, None, title, language, SubtitleKind.subtitles, None, source
        )
        tracks.change_status(session, storage, settings, track, TrackStatus.published)
        added += 1
    return added


def issue_demo_tokens(session: Session) -> list[tuple[str, str, str]]:
    """Create the demo users if missing, revoke their old demo tokens and issue fresh ones."""
    issued = []
    for username, role, partner_slug in DEMO_USERS:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            partner_id = None
            if partner_slug:
                partner = session.exec(select(Partner).where(Partner.slug == partner_slug)).one()
                partner_id = partner.id
            user = accounts.create_user(
                session, UserCreate(username=username, role=role, partner_id=partner_id)
            )
        for old in session.exec(
            select(ApiToken).where(
                ApiToken.user_id == user.id,
                ApiToken.name == DEMO_TOKEN_NAME,
                ApiToken.revoked_at.is_(None),  # type: ignore[union-attr]
            )
        ):
            old.revoked_at = utcnow()
            session.add(old)
        session.commit()
        token = accounts.issue_token(session, user, DEMO_TOKEN_NAME, expires_in_days=30)
        issued.append((username, str(role), token.token))
    return issued
