"""Users, their roles and their API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from catalogue.models.patch import CLEARS, PatchModel
from catalogue.models.types import UTCDateTime, str_enum, utcnow
from catalogue.validation import Id


class Role(StrEnum):
    admin = "admin"
    editor = "editor"
    programmer = "programmer"
    partner = "partner"


Username = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=80, pattern=r"^[A-Za-z0-9._@-]{2,80}$"),
]


FullName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Password = Annotated[str, StringConstraints(min_length=12, max_length=200)]
TokenName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class UserBase(SQLModel):
    """Who the user is; the role, the partner and the password are set by privileged inputs."""

    username: Username = Field(sa_type=String(80), unique=True, index=True)
    full_name: FullName = Field(default="", sa_type=String(200))


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    role: Role = Field(sa_type=str_enum(Role, 16))
    partner_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("partner.id", ondelete="CASCADE"))
    )
    password_hash: str | None = Field(default=None, sa_type=String(300))
    locale: str | None = Field(default=None, sa_type=String(35))
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiTokenBase(SQLModel):
    name: TokenName = Field(sa_type=String(100))


class ApiToken(ApiTokenBase, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    # SHA-256 of the secret: tokens are 256-bit random strings, so a fast hash is enough and a
    # leaked table yields no usable token.
    token_hash: str = Field(sa_type=String(64), unique=True, index=True)
    prefix: str = Field(sa_type=String(16), description="first characters, to recognise a token")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    """One sign-in to the pages. The cookie carries a random secret; only its SHA-256 is stored,
    so a leaked table opens no session. A row ends by expiry, sign-out, revoking the token that
    signed it in, disabling the user (or changing the password) and an admin's sign-out."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    secret_hash: str = Field(sa_type=String(64), unique=True, index=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    api_token_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("api_token.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    client_address: str | None = Field(default=None, sa_type=String(64))
    user_agent: str | None = Field(default=None, sa_type=String(300))


class UserCreate(UserBase):
    """An administrator's input: it alone may set a role."""

    model_config = {"extra": "forbid"}

    role: Role
    partner_id: Id | None = Field(default=None, description="required for (and only for) partners")
    password: Password | None = None


class UserUpdate(PatchModel):
    full_name: FullName | None = None
    is_active: bool | None = None
    password: Annotated[Password | None, CLEARS] = Field(
        default=None, description="null: password sign-in is off for this user"
    )


class UserPublic(SQLModel):
    id: int
    username: str
    full_name: str
    role: Role
    partner_id: int | None
    is_active: bool
    created_at: datetime


class TokenCreate(ApiTokenBase):
    model_config = {"extra": "forbid"}

    expires_in_days: Annotated[int, Field(ge=1, le=3650)] | None = None


class TokenPublic(SQLModel):
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenPublic):
    token: str = Field(description="the secret; shown once, store it now")


class WebSessionPublic(SQLModel):
    id: int
    user_id: int
    api_token_id: int | None = Field(description="the API token used to sign in, if any")
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None
    client_address: str | None
    user_agent: str | None


class SignedOut(SQLModel):
    user_id: int
    sessions_ended: int = Field(description="web sessions revoked by this call")
