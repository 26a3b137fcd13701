"""Study to reduce points (学法减分): who may, why not (every reason, each with its remedy), and the
study itself: a short reading and an exam drawn from the question bank in the repository
(storage/data/points_study_questions.json); a pass takes points off the current cycle, once per exam.

Rules (Ministry of Public Security Order No. 163, 道路交通安全违法行为记分管理办法, arts. 24-26, as the
12123 app applies them; the probation period, 实习期, the 12 months after a license is first issued,
is in Order No. 162, 机动车驾驶证申领和使用规定; the 12123 app's 学法减分 page applies both):

* the license has points in the current 12-point cycle, and fewer than 12 (art. 24: 累积记分未满12分;
  at 12 the full-points education applies instead);
* every violation handled first (art. 24: 处理完交通违法行为记录后): none of the citizen's vehicles
  has an unprocessed violation;
* not during the probation period, the first 12 months after the license was first issued
  (art. 25 (3), with Order No. 162);
* no drink-driving and no hit-and-run on record in the cycle (art. 25 (2) looks back three cycles;
  the bureau's rule here is the current one);
* at most 6 points a cycle (art. 24), 1 point per online study passed with its exam (art. 26);
  the exam is passed at 90 % (the 12123 exam). These numbers are settings
  (POINTS_STUDY_MAX_PER_CYCLE, POINTS_STUDY_POINTS_PER_PASS, POINTS_STUDY_QUESTIONS,
  POINTS_STUDY_PASS_MARK).

Every reason that applies is listed, like the e-license check. The exam is checked here against
the bank (never against what a button claims), and a pass is recorded on the license with the
exam's id: a replayed last answer, or the same exam finished twice, reduces once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import structlog

from actions.licenses import POINTS_PER_CYCLE, cycle_end
from actions.services import Services, today_of
from core.config import Settings
from core.dates import add_years
from core.identifiers import mask_id_number
from storage.data import StudyBank, StudyQuestion, points_study_bank
from storage.models import DriverLicense, OffenceKind, PointsReduction, new_id

log = structlog.get_logger(__name__)

PROBATION_YEARS = 1  # Order No. 162 (实习期): the first 12 months after the license was first issued


@dataclass(frozen=True)
class StudyRules:
    """The numbers of the rules (settings; defaults from Order No. 163 and the 12123 exam)."""

    max_per_cycle: int = 6
    points_per_pass: int = 1
    questions: int = 10
    pass_mark: int = 9
    points_limit: int = POINTS_PER_CYCLE  # 12: the full-points education instead

    @classmethod
    def of(cls, settings: Settings) -> StudyRules:
        return cls(
            max_per_cycle=settings.points_study_max_per_cycle,
            points_per_pass=settings.points_study_points_per_pass,
            questions=settings.points_study_questions,
            pass_mark=settings.points_study_pass_mark,
        )


class Reason(StrEnum):
    """Why a citizen may not study to reduce points now (catalog ``points-study-reason-<value>``)."""

    NO_LICENSE = "no_license"
    NO_POINTS = "no_points"
    POINTS_LIMIT = "points_limit"
    PROBATION = "probation"
    DRINK_DRIVING = "drink_driving"
    HIT_AND_RUN = "hit_and_run"
    UNHANDLED_VIOLATIONS = "unhandled_violations"
    CYCLE_LIMIT = "cycle_limit"


@dataclass(frozen=True)
class Blocker:
    """One reason, with what its remedy needs (``args``) and a button to ``feature``."""

    reason: Reason
    args: dict[str, str | int | date] = field(default_factory=dict)
    feature: str | None = None


@dataclass(frozen=True)
class Eligibility:
    license: DriverLicense | None
    blockers: list[Blocker]
    points: int = 0
    reduced_in_cycle: int = 0
    cycle_end: date | None = None
    rules: StudyRules = StudyRules()

    @property
    def eligible(self) -> bool:
        return self.license is not None and not self.blockers

    @property
    def reasons(self) -> list[Reason]:
        return [b.reason for b in self.blockers]

    @property
    def reducible(self) -> int:
        """Points a study could still take off in this cycle (0 when not eligible)."""
        if not self.eligible:
            return 0
        return max(0, min(self.points, self.rules.max_per_cycle - self.reduced_in_cycle))

    @property
    def per_pass(self) -> int:
        """Points the next pass takes off."""
        return min(self.rules.points_per_pass, self.reducible)


def reduced_in_cycle(lic: DriverLicense) -> int:
    """Points already taken off by study in the license's current cycle."""
    return sum(r.points for r in lic.points_reductions if r.on >= lic.cycle_start)


def probation_end(lic: DriverLicense) -> date:
    """The last day of the probation period (12 months from the first issue)."""
    return add_years(lic.first_issued, PROBATION_YEARS) - timedelta(days=1)


def assess(lic: DriverLicense | None, today: date, unhandled: int, rules: StudyRules = StudyRules()) -> Eligibility:
    """Whether ``lic`` may study to reduce points on ``today`` (pure; every reason listed).
    ``unhandled``: unprocessed violations of the citizen's vehicles."""
    if lic is None:
        return Eligibility(None, [Blocker(Reason.NO_LICENSE)], rules=rules)
    blockers: list[Blocker] = []
    end = cycle_end(lic)
    reduced = reduced_in_cycle(lic)
    if lic.points >= rules.points_limit:
        blockers.append(Blocker(Reason.POINTS_LIMIT, {"limit": rules.points_limit}, "license"))
    elif lic.points <= 0:
        blockers.append(Blocker(Reason.NO_POINTS, {"cycle_end": end}))
    if today <= probation_end(lic):
        blockers.append(Blocker(Reason.PROBATION, {"until": probation_end(lic)}))
    in_cycle = [o for o in lic.offences if lic.cycle_start <= o.on <= today]
    for kind, reason in (
        (OffenceKind.DRINK_DRIVING, Reason.DRINK_DRIVING),
        (OffenceKind.HIT_AND_RUN, Reason.HIT_AND_RUN),
    ):
        found = sorted(o.on for o in in_cycle if o.kind == kind)
        if found:
            blockers.append(Blocker(reason, {"on": found[-1], "cycle_end": end}))
    if unhandled > 0:
        blockers.append(Blocker(Reason.UNHANDLED_VIOLATIONS, {"count": unhandled}, "violations"))
    if reduced >= rules.max_per_cycle and 0 < lic.points < rules.points_limit:
        blockers.append(Blocker(Reason.CYCLE_LIMIT, {"max": rules.max_per_cycle, "next": end + timedelta(days=1)}))
    return Eligibility(lic, blockers, points=lic.points, reduced_in_cycle=reduced, cycle_end=end, rules=rules)


async def unhandled_violations(services: Services, id_number: str) -> int:
    """Unprocessed violations of the vehicles registered to ``id_number``."""
    plates = [v.plate for v in await services.repos.vehicles.by_owner(id_number)]
    return await services.repos.violations.count_unprocessed(plates)


async def check(services: Services, id_number: str) -> Eligibility:
    lic = await services.repos.licenses.by_id_number(id_number)
    unhandled = await unhandled_violations(services, id_number) if lic is not None else 0
    return assess(lic, today_of(services), unhandled, StudyRules.of(services.settings))


# --- the exam ------------------------------------------------------------------------------------


def bank() -> StudyBank:
    return points_study_bank()


def draw(count: int, rng: random.Random | None = None, study_bank: StudyBank | None = None) -> list[str]:
    """``count`` different questions of the bank, in a random order (their ids)."""
    questions = (study_bank or bank()).questions
    chooser = rng or random.SystemRandom()
    return [q.id for q in chooser.sample(questions, min(count, len(questions)))]


def questions_of(ids: Sequence[str], study_bank: StudyBank | None = None) -> list[StudyQuestion]:
    """The questions named by ``ids`` (an id the bank no longer has is left out)."""
    source = study_bank or bank()
    return [q for qid in ids if (q := source.question(qid)) is not None]


def score(ids: Sequence[str], answers: Sequence[int], study_bank: StudyBank | None = None) -> int:
    """Correct answers: ``answers[i]`` is the option chosen for question ``ids[i]``."""
    source = study_bank or bank()
    correct = 0
    for qid, chosen in zip(ids, answers, strict=False):
        question = source.question(qid)
        if question is not None and chosen == question.answer:
            correct += 1
    return correct


def passed(correct: int, rules: StudyRules) -> bool:
    return correct >= rules.pass_mark


def new_quiz_id() -> str:
    return new_id()


class Outcome(StrEnum):
    REDUCED = "reduced"  # passed, points taken off (now, or by an earlier delivery of the same exam)
    FAILED = "failed"  # below the pass mark: nothing changes, try again
    NOT_ELIGIBLE = "not_eligible"  # passed, but the license may not be reduced any more (see eligibility)


@dataclass(frozen=True)
class ExamResult:
    outcome: Outcome
    correct: int
    total: int
    eligibility: Eligibility
    reduced: int = 0  # points taken off by this exam
    repeated: bool = False  # recorded by an earlier delivery of the same exam

    @property
    def license(self) -> DriverLicense | None:
        return self.eligibility.license


async def finish(
    services: Services, id_number: str, quiz_id: str, ids: Sequence[str], answers: Sequence[int]
) -> ExamResult:
    """Mark the exam ``quiz_id`` and, when passed and still eligible, take the points off (once)."""
    rules = StudyRules.of(services.settings)
    correct, total = score(ids, answers), len(ids)
    lic = await services.repos.licenses.by_id_number(id_number)
    earlier = next((r for r in lic.points_reductions if r.quiz_id == quiz_id), None) if lic else None
    if earlier is not None:
        found = await check(services, id_number)
        return ExamResult(Outcome.REDUCED, correct, total, found, reduced=earlier.points, repeated=True)
    found = await check(services, id_number)
    if not passed(correct, rules) or total < rules.questions:
        return ExamResult(Outcome.FAILED, correct, total, found)
    if not found.eligible or found.per_pass <= 0:
        return ExamResult(Outcome.NOT_ELIGIBLE, correct, total, found)
    reduction = PointsReduction(quiz_id=quiz_id, points=found.per_pass, on=today_of(services), at=services.clock())
    after, now = await services.repos.licenses.reduce_points(id_number, reduction)
    repeated = not now and after is not None and any(r.quiz_id == quiz_id for r in after.points_reductions)
    if not now and not repeated:
        return ExamResult(Outcome.NOT_ELIGIBLE, correct, total, await check(services, id_number))
    log.info("points reduced by study", id_number=mask_id_number(id_number), points=reduction.points, quiz=quiz_id)
    return ExamResult(
        Outcome.REDUCED, correct, total, await check(services, id_number), reduced=reduction.points, repeated=repeated
    )
