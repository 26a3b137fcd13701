## Driver's license status and the next step for each status

license-menu = 🪪 Driver's license
license-none = There is no driver's license on file for your identity. If you have one, please contact the vehicle management office that issued it.
license-title = 🪪 <b>Your driver's license</b>
license-line-class = Class <b>{ $license_class }</b> · No. { $number }
license-line-validity = Valid { $valid_from } to { $valid_to } ({ $left })
license-days-left = { $days ->
        [one] 1 day left
       *[other] { $days } days left
    }
license-days-expired = { $days ->
        [one] expired 1 day ago
       *[other] expired { $days } days ago
    }
license-line-status = Status: <b>{ $statuses }</b>
license-line-points = Points: { $points } of 12 deducted in the cycle { $cycle_start } to { $cycle_end } ({ $left } left)
license-line-physical = Next physical exam: { $date }
license-line-periodic = Next periodic examination: { $date }
license-exam-not-required = not required for this class
license-line-office = Issued by: { $office }
license-line-exam-on-file = Physical exam result on file: { $date }
license-line-points-studied = Points taken off by study this cycle: { $points }
license-next-steps = <b>What to do next</b>
license-all-good = Nothing to do: your license is valid. Drive safely!

license-status-valid = valid
license-status-expired = expired
license-status-suspended = suspended
license-status-revoked = revoked
license-status-detained = detained
license-status-temporarily_detained = temporarily detained
license-status-exam_overdue = physical exam overdue
license-status-periodic_exam_overdue = periodic examination overdue
license-status-stop_use_announced = announced stop-use

license-reason-points_limit_reached = 12 points reached in the scoring cycle
license-reason-drunk_driving = drunk driving
license-reason-serious_speeding = serious speeding
license-reason-hit_and_run = leaving the scene of an accident
license-reason-fraudulent_application = a license obtained by fraud
license-reason-court_order = a court order
license-reason-accident_investigation = an accident under investigation
license-reason-unpaid_fines = unpaid fines
license-reason-health_condition = a health condition
license-reason-license_lost_replaced = the license was reported lost and replaced
license-reason-unknown = a reason given in the decision you received

license-step-expiring-renew = Your license expires on { $valid_to } (in { $days } days). You can renew it by mail now (from { $window } days before expiry), with the physical exam result of { $exam_date } on file: the new license is mailed to you.
license-step-expiring-exam-first = Your license expires on { $valid_to } (in { $days } days). To renew it by mail, first take a driver's physical exam { $known ->
        [yes] in { $city }, where your license was issued, at one of its { $community } community (township) hospitals or { $hospitals } larger hospitals
       *[no] at a designated hospital in { $city }, where your license was issued
    } (the result is sent online), then apply for renewal by mail.
license-step-expired-renew = Your license expired on { $valid_to }. Do not drive until it is renewed. You can renew it by mail (allowed after expiry, with a physical exam result on file; yours is from { $exam_date }): the new license is mailed to you.
license-step-expired-exam-first = Your license expired on { $valid_to }. Do not drive until it is renewed. Renewal by mail needs a physical exam result on file: take the exam { $known ->
        [yes] in { $city }, where your license was issued, at one of its { $community } community (township) hospitals or { $hospitals } larger hospitals
       *[no] at a designated hospital in { $city }, where your license was issued
    } (the result is sent online), then apply for renewal by mail.
license-step-suspended = Suspended from { $since } until <b>{ $until }</b> because of { $reason }. You may not drive until then; the license can be used again the day after. Questions: { $office }.
license-step-suspended-points = Suspended from { $since } until <b>{ $until }</b> because of { $reason }. You may not drive until then. To get the license back, complete the full-score education (study and a theory test) at { $office }; the points are then cleared.
license-step-revoked = Revoked on { $since } because of { $reason }. The license can no longer be used. A new license can be applied for only after the waiting period set in the revocation decision; { $office } can tell you when.
license-step-detained = Detained since { $since } because of { $reason }. Go to the traffic police unit named on the notice you received (or ask { $office }) with your ID card and that notice; once the matter is settled, the license is returned.
license-step-temporarily-detained = Temporarily detained since { $since } because of { $reason }. You may not drive during the period set in the decision; then collect the license at the traffic police unit named on it, with your ID card and the decision.
license-step-exam-overdue = The physical exam was due on { $due }. Take it { $known ->
        [yes] in { $city }, where your license was issued, at one of its { $community } community (township) hospitals or { $hospitals } larger hospitals
       *[no] at a designated hospital in { $city }, where your license was issued
    }; the result is sent online, no paperwork needed.
license-step-periodic-overdue = The periodic examination was due on { $due }. Go to { $office } with your ID card, your license and a physical exam result; a license not examined in time can be cancelled.
license-step-stop-use = Announced stop-use on { $since } because of { $reason }: this license can no longer be used. Apply for a new or replacement license at { $office }.
