"""Work queues for the other staff tasks: e-license special-case reviews, complaints and violation
appeals (`actions.appeals.decide`: accept cancels the violation, reject needs a reason).

The decisions themselves are the features' own actions (`actions.elicense.decide_review`,
`actions.complaints.change_status/resolve/reply_to_citizen/list_clusters`): they record who
and when, and notify the citizen through the outbox. Every label comes from the catalogs; the
citizen's name (masked) and language are shown wherever staff write to them; a complaint's
photos are thumbnails (staff/files.py) and its place has a map link; overdue answers stand out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from actions import appeals as appeal_actions
from actions import complaints as complaint_actions
from actions import elicense as elicense_actions
from core.identifiers import mask_id_number, mask_name, mask_phone
from core.language import Language, detect
from staff import departments
from staff.files import image_response, telegram_file
from staff.http import me, redirect, render, requires, runtime, translator
from storage.models import AppealState, Citizen, Complaint, ComplaintStatus, StaffRole

OPEN_COMPLAINTS = [
    ComplaintStatus.NEW,
    ComplaintStatus.ACKNOWLEDGED,
    ComplaintStatus.IN_PROGRESS,
    ComplaintStatus.RESOLVED,
]
DONE = (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)
CLUSTER_WINDOW = timedelta(days=30)


def who(citizen: Citizen | None, id_number: str) -> dict[str, Any]:
    """A citizen as the work queues show them: masked name and ID number, their language."""
    return {
        "name": mask_name(citizen.name) if citizen is not None else "",
        "id_number": mask_id_number(id_number),
        "language": citizen.telegram.language if citizen is not None and citizen.telegram else None,
        "chat_id": citizen.telegram.chat_id if citizen is not None and citizen.telegram else None,
    }


def due_state(complaint: Complaint, now: Any) -> str:
    """Overdue ("overdue") past the answer date (or, still new, past the acknowledgement date); "soon" within a day."""
    if complaint.status in DONE:
        return ""
    if complaint.answer_by < now or (complaint.status == ComplaintStatus.NEW and complaint.acknowledge_by < now):
        return "overdue"
    if complaint.answer_by - now < timedelta(days=1):
        return "soon"
    return ""


def setup(router: web.UrlDispatcher) -> None:
    """Register the work-queue pages on the staff app."""

    @requires(StaffRole.AGENT)
    async def reviews_page(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        reviews = await services.repos.elicense.pending()
        citizens = await services.repos.citizens.by_id_numbers([r.citizen_id_number for r in reviews])
        people = {r.id: who(citizens.get(r.citizen_id_number), r.citizen_id_number) for r in reviews}
        return render(request, "reviews.html", reviews=reviews, people=people)

    @requires(StaffRole.AGENT)
    async def decide_review(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        form = await request.post()
        decision = str(form.get("decision", ""))
        reason = str(form.get("reason", "")).strip() or None
        t = translator(request)
        if decision not in ("approve", "reject") or (decision == "reject" and not reason):
            raise redirect("/staff/reviews", t("staff-review-reason-needed"))
        review = await services.repos.elicense.by_id(request.match_info["id"])
        citizen = await services.repos.citizens.by_id_number(review.citizen_id_number) if review else None
        reads = citizen.telegram.language if citizen is not None and citizen.telegram is not None else None
        if reason and reads is not None and detect(reason) != reads and form.get("any_language") != "1":
            # The citizen gets the reason as it is written: not in a language they do not read, unless meant.
            raise redirect("/staff/reviews", t("staff-review-language-refused"))
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
        # Their department's queue for an agent of one; every department's, or the one asked, for others.
        department = departments.queue_department(me(request), request.query.get("department"))
        items = await services.repos.dispatch.queue(statuses, department, limit=100)
        clusters = await complaint_actions.list_clusters(services, services.clock() - CLUSTER_WINDOW)
        now = services.clock()
        return render(
            request,
            "complaints.html",
            items=items,
            due={c.ticket_id: due_state(c, now) for c in items},
            clusters=clusters,
            statuses=list(ComplaintStatus),
            current=status or "",
            department=department or "",
            **await departments.context(request, items),
        )

    async def complaint_view(
        request: web.Request, *, status: int = 200, error: str | None = None, chosen: str = "", text: str = ""
    ) -> web.Response:
        services = runtime(request).services
        complaint = await services.repos.complaints.by_ticket(request.match_info["ticket"])
        if complaint is None:
            raise web.HTTPNotFound(text="no such complaint")
        members = await services.repos.complaints.cluster_members(complaint.cluster_id) if complaint.cluster_id else []
        owner = complaint.citizen_id_number  # None: a report filed without a linked identity (issue 15)
        citizen = await services.repos.citizens.by_id_number(owner) if owner else None
        person = who(citizen, owner or "")
        person["language"] = complaint.language or person["language"] or Language.ZH
        # Filed without a linked identity: who can get the answer (a masked phone) or nobody.
        person["anonymous"] = complaint.anonymous
        person["phone"] = mask_phone(complaint.contact_phone) if complaint.contact_phone else ""
        return render(
            request,
            "complaint.html",
            status=status,
            c=complaint,
            targets=complaint_actions.TRANSITIONS.get(complaint.status, ()),
            members=members,
            person=person,
            due=due_state(complaint, services.clock()),
            **await departments.context(request, [complaint]),
            error=error,
            chosen=chosen,
            text=text,
        )

    @requires(StaffRole.AGENT)
    async def complaint_page(request: web.Request) -> web.StreamResponse:
        return await complaint_view(request)

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
        chosen, text = str(form.get("status", "")), str(form.get("text", "")).strip()
        try:
            status = ComplaintStatus(chosen)
            if status == ComplaintStatus.RESOLVED:
                await complaint_actions.resolve(services, ticket, me(request).username, text)
            else:
                await complaint_actions.change_status(services, ticket, status, me(request).username, text or None)
        except ValueError:
            return await complaint_view(request, status=422, error="staff-complaint-failed", chosen=chosen, text=text)
        except complaint_actions.ComplaintActionError as exc:
            if exc.code == "not_found":
                raise web.HTTPNotFound(text="no such complaint") from None
            # The form comes back as it was sent (the chosen status, the text) with the error by it.
            msg = "staff-complaint-resolve-needs-text" if exc.code == "empty_text" else complaint_error(exc)
            return await complaint_view(request, status=422, error=msg, chosen=chosen, text=text)
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

    @requires(StaffRole.AGENT)
    async def appeals_page(request: web.Request) -> web.StreamResponse:
        """Violation appeals waiting for a decision, the longest waiting first."""
        services = runtime(request).services
        items = await services.repos.appeals.by_state(AppealState.PENDING)
        citizens = await services.repos.citizens.by_id_numbers([a.citizen_id_number for a in items])
        people = {}
        for a in items:
            person = who(citizens.get(a.citizen_id_number), a.citizen_id_number)
            person["language"] = a.language or person["language"]
            people[a.id] = person
        violations = {a.id: await services.repos.violations.by_id(a.violation_id) for a in items}
        return render(request, "appeals.html", appeals=items, people=people, violations=violations)

    @requires(StaffRole.AGENT)
    async def decide_appeal(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        form = await request.post()
        decision = str(form.get("decision", ""))
        reason = str(form.get("reason", "")).strip() or None
        t = translator(request)
        if decision not in ("accept", "reject"):
            raise redirect("/staff/appeals", t("staff-appeal-choose"))
        appeal = await services.repos.appeals.by_id(request.match_info["id"])
        if appeal is None:
            raise web.HTTPNotFound(text="no such appeal")
        if reason and detect(reason) != appeal.language and form.get("any_language") != "1":
            # The citizen gets the reason as it is written: not in a language they do not read, unless meant.
            raise redirect("/staff/appeals", t("staff-review-language-refused"))
        try:
            decided = await appeal_actions.decide(
                services, appeal.id, accept=decision == "accept", staff=me(request).username, reason=reason
            )
        except appeal_actions.AppealError as exc:
            raise redirect("/staff/appeals", t(f"staff-appeal-error-{exc.code.replace('_', '-')}")) from None
        raise redirect("/staff/appeals", t("staff-appeal-already" if decided.already else "staff-appeal-done"))

    @requires(StaffRole.AGENT)
    async def appeal_photo(request: web.Request) -> web.StreamResponse:
        """An appeal's photo (a Telegram file id from the chat's form), only through the console."""
        services = runtime(request).services
        appeal = await services.repos.appeals.by_id(request.match_info["id"])
        try:
            index = int(request.match_info["n"])
        except ValueError:
            raise web.HTTPNotFound(text="no such photo") from None
        if appeal is None or not 0 <= index < len(appeal.photos):
            raise web.HTTPNotFound(text="no such photo")
        return image_response(await telegram_file(request, appeal.photos[index]))

    router.add_get("/appeals", appeals_page)
    router.add_post("/appeals/{id}/decide", decide_appeal)
    router.add_get("/appeals/{id}/photo/{n}", appeal_photo)
    router.add_get("/reviews", reviews_page)
    router.add_post("/reviews/{id}/decide", decide_review)
    router.add_get("/complaints", complaints_page)
    router.add_get("/complaints/{ticket}", complaint_page)
    router.add_post("/complaints/{ticket}/status", complaint_status)
    router.add_post("/complaints/{ticket}/reply", complaint_reply)
