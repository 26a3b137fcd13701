"""`POST /api/v1/events`: the bureau's systems report events; each is applied by its use case
(`actions.deliveries.record_stage`, `actions.violations.record_violation`,
`actions.complaints.record_status`, `actions.elicense.decide_review`), which updates the records
and notifies the citizens concerned (through the outbox). This package only authenticates,
checks schemas and references, and stores each event once:

- `auth`: keys, timestamps and signatures (401);
- `validation`: schemas, real dates, valid identifiers (422) and the records an event names;
- `apply`: one event -> its use case, or ``Refused`` when the rules do not allow the change (409);
- `process`: a batch validated, stored once per (key, event_id) and applied under claims;
- `api`: the bounded body, JSON / NDJSON parsing and the routes.

A batch is applied per event (push/schemas.py, BATCH_SEMANTICS): one result per event, in order.
No body is answered with 500: what is not JSON is 400, an event with a wrong or impossible field
(30 February) is invalid with the field's path, a fault while applying one event is ``failed``
(stored; sending it again applies it).
"""

from push.events.api import setup
from push.events.apply import Refused, apply_event
from push.events.auth import AuthError, authenticate, sign, signed_headers
from push.events.process import EventResult, process_events
from push.events.validation import check_references, parse_time, validate

__all__ = [
    "AuthError",
    "EventResult",
    "Refused",
    "apply_event",
    "authenticate",
    "check_references",
    "parse_time",
    "process_events",
    "setup",
    "sign",
    "signed_headers",
    "validate",
]
