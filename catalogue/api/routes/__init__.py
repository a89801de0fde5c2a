"""The JSON API's routes, one module per resource; `ROUTERS` lists them in mounting order."""

from fastapi import APIRouter

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

ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router
    for module in (
        health, titles, campaigns, partners, users, jobs, uploads, assets, renditions,
        subtitles, rights, delivery, tours,
    )
)  # fmt: skip
