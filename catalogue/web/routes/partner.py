"""The partner portal: what is licensed to us now and soon, previews through signed links,
manifests with checksums, and webhook settings. The data is the delivery API's."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import HTMLResponse

from catalogue.delivery import catalogue as partner_catalogue
from catalogue.delivery import subscriptions
from catalogue.deps import SessionDep
from catalogue.models.delivery import WebhookEvent
from catalogue.rights import access
from catalogue.rights_core.periods import Period
from catalogue.routing import Router
from catalogue.tours import store as tours_store
from catalogue.web.pages import PREFIX, PageRoute, PartnerPage, language_of, render

router = Router(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
SOON_DAYS = 180


@router.get("/partner", response_class=HTMLResponse)
def partner_page(request: Request, session: SessionDep, user: PartnerPage) -> HTMLResponse:
    partner = access.partner_of(session, user)
    today = access.today()
    now = partner_catalogue.build(session, partner, Period(today, today))
    ahead = partner_catalogue.build(session, partner, Period(today, today + timedelta(SOON_DAYS)))
    licensed = {entry.title_id for entry in now.items}
    return render(
        request,
        "partner.html",
        user,
        partner=partner,
        now=now.items,
        soon=[entry for entry in ahead.items if entry.title_id not in licensed],
        soon_until=today + timedelta(SOON_DAYS),
        webhooks=subscriptions.of_partner(session, partner),
        screenings=tours_store.partner_screenings(session, partner.id, language_of(request, user)),
        events=list(WebhookEvent),
    )
