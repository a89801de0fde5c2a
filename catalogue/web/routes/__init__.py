"""The pages' routes, one module per area; `router` holds them all."""

from catalogue.routing import Router
from catalogue.web.routes import (
    auth,
    browse,
    editing,
    errors,
    jobs,
    media,
    partner,
    planner,
    upload,
)

router = Router()
# editing before browse: /web/titles/new is not a title id.
for _module in (auth, editing, browse, upload, jobs, planner, partner, media, errors):
    router.include_router(_module.router)
