## 学法减分（bot/routers/points_study.py、actions/points_study.py）

points-study-menu = 📚 学法减分
points-study-points = 本记分周期记分：{ $points }分（已通过学法减分扣减{ $reduced }分，最多{ $max }分；周期至{ $cycle_end }结束）。
points-study-blocked = ❌ 您目前不能参加学法减分，原因如下（共{ $count }项）：
points-study-reason-no-license = 没有查到您名下的驾驶证，没有可以扣减的记分。
points-study-reason-no-points = 本记分周期内没有记分，无需扣减。记分周期于{ $cycle_end }结束时清零。
points-study-reason-points-limit = 累积记分已达{ $limit }分，不能通过学法减分扣减。请先到车管所参加满分教育并考试。
points-study-reason-probation = 驾驶证在实习期内（初次领证后12个月），至{ $until }结束。实习期满后才能参加学法减分。
points-study-reason-drink-driving = 本记分周期内有饮酒后驾驶记录（{ $on }），本周期不能参加学法减分（周期至{ $cycle_end }结束）。
points-study-reason-hit-and-run = 本记分周期内有肇事逃逸记录（{ $on }），本周期不能参加学法减分（周期至{ $cycle_end }结束）。
points-study-reason-unhandled-violations = 名下车辆还有{ $count }条交通违法未处理。请先处理（确认处罚并缴纳罚款，或提出申诉），再参加学法减分。
points-study-reason-cycle-limit = 本记分周期已通过学法减分扣减{ $max }分，达到上限。{ $next }起可以再次参加。
points-study-eligible = ✅ 您可以参加学法减分：阅读下面的学习内容并通过考试，即可扣减{ $per_pass }分（本周期还可扣减{ $left }分）。
points-study-source = <i>依据：{ $source }</i>
points-study-exam-intro = 考试共{ $questions }题，答对{ $pass_mark }题及以上为合格。阅读完毕后请点击“开始考试”。
points-study-button-start = 📝 开始考试
points-study-button-again = 🔁 重新考试
points-study-question = 第{ $n }题，共{ $total }题
points-study-answer-old = 这道题已经作答，或考试已经结束。
points-study-right = ✅ 回答正确：{ $answer }。{ $why }
points-study-wrong = ❌ 回答错误。正确答案是{ $answer }。{ $why }
points-study-passed = 🎉 考试合格：答对{ $correct }题，共{ $total }题。已为您的驾驶证扣减{ $reduced }分，本周期现记{ $points }分。
points-study-failed = 您答对{ $correct }题，共{ $total }题；需答对{ $pass_mark }题才算合格。记分没有变化。可以重新阅读学习内容后再考。
points-study-passed-not-reduced = 您答对{ $correct }题，共{ $total }题，但目前不能扣减记分：
points-study-already-recorded = ✅ 这次考试已合格，相应记分已经扣减。
points-study-exam-over = 这次考试已经结束，可以随时开始新的考试。
points-study-use-buttons = 请点击题目下方的按钮（A、B、C……）作答。发送 /cancel 可退出考试。
