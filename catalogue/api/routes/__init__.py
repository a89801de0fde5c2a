"""The JSON API's routes, one module per resource; `ROUTERS` lists them in mounting order."""

from catalogue.api.routes import (
    assets,
    campaigns,
    delivery,
    health,
    jobs,
    partners,
    renditions,
    rights,
    subtitles,
    titles,
    tours,
    uploads,
    users,
)
from catalogue.routing import Router

ROUTERS: tuple[Router, ...] = tuple(
    module.router
    for module in (
        health, titles, campaigns, partners, users, jobs, uploads, assets, renditions,
        subtitles, rights, delivery, tours,
    )
)  # fmt: skip
