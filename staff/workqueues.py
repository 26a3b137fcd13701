"""Work queues for the other staff tasks: e-license special-case reviews and complaints.

The decisions themselves are the features' own actions (`actions.elicense.decide_review`,
`actions.complaints.change_status/resolve/reply_to_citizen/list_clusters`): they record who
and when, and notify the citizen through the outbox.
"""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from actions import complaints as complaint_actions
from actions import elicense as elicense_actions
from core.identifiers import mask_id_number
from staff.http import me, redirect, render, requires, runtime, translator
from storage.models import ComplaintStatus, StaffRole

OPEN_COMPLAINTS = [
    ComplaintStatus.NEW,
    ComplaintStatus.ACKNOWLEDGED,
    ComplaintStatus.IN_PROGRESS,
    ComplaintStatus.RESOLVED,
]
CLUSTER_WINDOW = timedelta(days=30)


def setup(router: web.UrlDispatcher) -> None:
    """Register the work-queue pages on the staff app."""

    @requires(StaffRole.AGENT)
    async def reviews_page(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        reviews = await services.repos.elicense.pending()
        return render(request, "reviews.html", reviews=reviews, mask=mask_id_number)

    @requires(StaffRole.AGENT)
    async def decide_review(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        form = await request.post()
        decision = str(form.get("decision", ""))
        reason = str(form.get("reason", "")).strip() or None
        t = translator(request)
        if decision not in ("approve", "reject") or (decision == "reject" and not reason):
            raise redirect("/staff/reviews", t("staff-review-reason-needed"))
        decided = await elicense_actions.decide_review(
            services, request.match_info["id"], decision == "approve", me(request).username, reason
        )
        if decided is None:
            raise redirect("/staff/reviews", t("staff-review-already"))
        raise redirect("/staff/reviews", t("staff-review-done"))

    @requires(StaffRole.AGENT)
    async def complaints_page(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        status = request.query.get("status")
        statuses = [ComplaintStatus(status)] if status in {s.value for s in ComplaintStatus} else OPEN_COMPLAINTS
        items = await services.repos.complaints.by_status(statuses, limit=100)
        clusters = await complaint_actions.list_clusters(services, services.clock() - CLUSTER_WINDOW)
        return render(
            request,
            "complaints.html",
            items=items,
            clusters=clusters,
            statuses=list(ComplaintStatus),
            current=status or "",
        )

    @requires(StaffRole.AGENT)
    async def complaint_page(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        complaint = await services.repos.complaints.by_ticket(request.match_info["ticket"])
        if complaint is None:
            raise web.HTTPNotFound(text="no such complaint")
        members = await services.repos.complaints.cluster_members(complaint.cluster_id) if complaint.cluster_id else []
        targets = complaint_actions.TRANSITIONS.get(complaint.status, ())
        return render(request, "complaint.html", c=complaint, targets=targets, members=members, mask=mask_id_number)

    def back_to_complaint(request: web.Request, msg_id: str) -> web.HTTPException:
        """The redirect to the complaint's page with the notice ``msg_id``."""
        return redirect(f"/staff/complaints/{request.match_info['ticket']}", translator(request)(msg_id))

    def complaint_error(exc: complaint_actions.ComplaintActionError) -> str:
        return f"staff-complaint-error-{exc.code.replace('_', '-')}"

    @requires(StaffRole.AGENT)
    async def complaint_status(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        ticket = request.match_info["ticket"]
        form = await request.post()
        try:
            status = ComplaintStatus(str(form.get("status", "")))
            text = str(form.get("text", "")).strip()
            if status == ComplaintStatus.RESOLVED:
                await complaint_actions.resolve(services, ticket, me(request).username, text)
            else:
                await complaint_actions.change_status(services, ticket, status, me(request).username, text or None)
        except ValueError:
            raise back_to_complaint(request, "staff-complaint-failed") from None
        except complaint_actions.ComplaintActionError as exc:
            raise back_to_complaint(request, complaint_error(exc)) from None
        raise back_to_complaint(request, "staff-complaint-updated")

    @requires(StaffRole.AGENT)
    async def complaint_reply(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        ticket = request.match_info["ticket"]
        form = await request.post()
        try:
            await complaint_actions.reply_to_citizen(services, ticket, me(request).username, str(form.get("text", "")))
        except complaint_actions.ComplaintActionError as exc:
            raise back_to_complaint(request, complaint_error(exc)) from None
        raise back_to_complaint(request, "staff-complaint-replied")

    router.add_get("/reviews", reviews_page)
    router.add_post("/reviews/{id}/decide", decide_review)
    router.add_get("/complaints", complaints_page)
    router.add_get("/complaints/{ticket}", complaint_page)
    router.add_post("/complaints/{ticket}/status", complaint_status)
    router.add_post("/complaints/{ticket}/reply", complaint_reply)
