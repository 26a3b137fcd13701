## Study to reduce points (学法减分: bot/routers/points_study.py, actions/points_study.py)

points-study-menu = 📚 Study to reduce points
points-study-points = Points in this cycle: { $points } (taken off by study so far: { $reduced } of { $max }; the cycle ends { $cycle_end }).
points-study-blocked = { $count ->
        [one] ❌ You cannot study to reduce points now, for this reason:
       *[other] ❌ You cannot study to reduce points now, for these { $count } reasons:
    }
points-study-reason-no-license = There is no driver's license on file for your identity, so there are no points to reduce.
points-study-reason-no-points = your license has no points in this cycle, so there is nothing to reduce. Points are cleared when the cycle ends on { $cycle_end }.
points-study-reason-points-limit = { $limit } points are reached: study cannot reduce them. Take the full-points education and exam at the vehicle management office first.
points-study-reason-probation = your license is in its probation period (the first 12 months after it was first issued) until { $until }. You can study to reduce points after that.
points-study-reason-drink-driving = drink-driving is on your record in this cycle ({ $on }). Study to reduce points is not open in this cycle (it ends { $cycle_end }).
points-study-reason-hit-and-run = leaving the scene of an accident is on your record in this cycle ({ $on }). Study to reduce points is not open in this cycle (it ends { $cycle_end }).
points-study-reason-unhandled-violations = { $count ->
        [one] 1 violation of your vehicles is not handled yet. Handle it first (accept the decision and pay the fine, or appeal it); then you can study.
       *[other] { $count } violations of your vehicles are not handled yet. Handle them first (accept the decisions and pay the fines, or appeal them); then you can study.
    }
points-study-reason-cycle-limit = study has already taken off { $max } points in this cycle, the most allowed. You can study again from { $next }.
points-study-eligible = ✅ You can study to reduce points: read the text below and pass the exam, and { $per_pass ->
        [one] 1 point is
       *[other] { $per_pass } points are
    } taken off your license ({ $left } more can be taken off in this cycle).
points-study-source = <i>Sources: { $source }</i>
points-study-exam-intro = The exam has { $questions } questions; answer at least { $pass_mark } correctly to pass. Press Start when you have read the text.
points-study-button-start = 📝 Start the exam
points-study-button-again = 🔁 Try the exam again
points-study-question = Question { $n } of { $total }
points-study-answer-old = That question was already answered, or the exam is over.
points-study-right = ✅ Right: { $answer }. { $why }
points-study-wrong = ❌ Not right. The answer is { $answer }. { $why }
points-study-passed = 🎉 You passed: { $correct } of { $total } correct. { $reduced ->
        [one] 1 point was
       *[other] { $reduced } points were
    } taken off your license; it now has { $points } points in this cycle.
points-study-failed = You answered { $correct } of { $total } correctly; { $pass_mark } are needed to pass. Nothing was changed. Read the text again and retry whenever you like.
points-study-passed-not-reduced = You answered { $correct } of { $total } correctly, but no points can be taken off now:
points-study-already-recorded = ✅ This exam was passed and its points have already been taken off your license.
points-study-exam-over = That exam is over. Start a new one whenever you like.
points-study-use-buttons = Please answer with the buttons under the question (A, B, C...). /cancel leaves the exam.
