"""The job queue for staff: queued, running and recent jobs with live progress, cancel, retry."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from catalogue.deps import SessionDep
from catalogue.jobs import service
from catalogue.models import JobStatus
from catalogue.routing import Router
from catalogue.web import i18n, job_messages, views
from catalogue.web.pages import PREFIX, PageRoute, StaffPage, language_of, render

router = Router(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
PAGE = 50


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    status: Annotated[str, Query(max_length=20)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    chosen = JobStatus(status) if status in JobStatus.__members__ else None
    rows, total = service.list_jobs(session, chosen, None, PAGE, offset)
    return render(
        request,
        "jobs.html",
        user,
        jobs=rows,
        subjects=views.job_subjects(session, rows, language_of(request, user)),
        messages=job_messages.translated(i18n.translations(language_of(request, user)).gettext),
        total=total,
        offset=offset,
        page_size=PAGE,
        status=chosen,
        statuses=list(JobStatus),
    )
