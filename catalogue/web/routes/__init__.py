"""The pages' routes, one module per area; `router` holds them all."""

from fastapi import APIRouter

from catalogue.web.routes import auth, browse, jobs, media, partner, planner, upload

router = APIRouter()
for _module in (auth, browse, upload, jobs, planner, partner, media):
    router.include_router(_module.router)
