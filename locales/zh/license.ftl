## 驾驶证状态及各状态的下一步

license-menu = 🪪 驾驶证
license-none = 您的身份下没有驾驶证记录。如您持有驾驶证，请联系核发地车管所。
license-title = 🪪 <b>您的驾驶证</b>
license-line-class = 准驾车型 <b>{ $license_class }</b> · 证号 { $number }
license-line-validity = 有效期 { $valid_from } 至 { $valid_to }（{ $left }）
license-days-left = 剩余 { $days } 天
license-days-expired = 已过期 { $days } 天
license-line-status = 状态：<b>{ $statuses }</b>
license-line-points = 记分：本记分周期（{ $cycle_start } 至 { $cycle_end }）已记 { $points } 分，满分 12 分（剩余 { $left } 分）
license-line-physical = 下次体检日期：{ $date }
license-line-periodic = 下次审验日期：{ $date }
license-exam-not-required = 该准驾车型无需
license-line-office = 核发机关：{ $office }
license-line-exam-on-file = 已有体检结果：{ $date }
license-line-points-studied = 本周期已通过学法减分扣减{ $points }分
license-next-steps = <b>下一步</b>
license-all-good = 无需办理任何业务：您的驾驶证状态正常。祝您一路平安！

license-status-valid = 正常
license-status-expired = 已过期
license-status-suspended = 暂停使用
license-status-revoked = 吊销
license-status-detained = 扣押
license-status-temporarily_detained = 暂扣
license-status-exam_overdue = 逾期未体检
license-status-periodic_exam_overdue = 逾期未审验
license-status-stop_use_announced = 公告停止使用

license-reason-points_limit_reached = 本记分周期记满 12 分
license-reason-drunk_driving = 饮酒或醉酒驾驶
license-reason-serious_speeding = 严重超速
license-reason-hit_and_run = 肇事逃逸
license-reason-fraudulent_application = 以欺骗手段取得驾驶证
license-reason-court_order = 法院裁定
license-reason-accident_investigation = 交通事故正在调查
license-reason-unpaid_fines = 罚款未缴纳
license-reason-health_condition = 身体条件不符合要求
license-reason-license_lost_replaced = 驾驶证已挂失补领
license-reason-unknown = 决定书中载明的原因

license-step-expiring-renew = 您的驾驶证将于 { $valid_to } 到期（还有 { $days } 天）。现在即可办理邮寄换证（到期前 { $window } 天内可办理），使用您 { $exam_date } 的体检结果，新证将邮寄给您。
license-step-expiring-exam-first = 您的驾驶证将于 { $valid_to } 到期（还有 { $days } 天）。办理邮寄换证前，请先{ $known ->
        [yes] 到{ $city }（驾驶证核发地）的 { $community } 家社区（乡镇）医院或 { $hospitals } 家二级以上医院之一
       *[no] 到{ $city }（驾驶证核发地）的指定医疗机构
    }进行驾驶人体检（结果网上传输），然后申请邮寄换证。
license-step-expired-renew = 您的驾驶证已于 { $valid_to } 过期，换证前请勿驾车。可以办理邮寄换证（过期后也可办理，需有体检结果；您的体检结果为 { $exam_date }），新证将邮寄给您。
license-step-expired-exam-first = 您的驾驶证已于 { $valid_to } 过期，换证前请勿驾车。邮寄换证需要有体检结果：请先{ $known ->
        [yes] 到{ $city }（驾驶证核发地）的 { $community } 家社区（乡镇）医院或 { $hospitals } 家二级以上医院之一
       *[no] 到{ $city }（驾驶证核发地）的指定医疗机构
    }进行体检（结果网上传输），然后申请邮寄换证。
license-step-suspended = 因{ $reason }，自 { $since } 起暂停使用至 <b>{ $until }</b>。在此之前不得驾车，次日起可恢复使用。如有疑问请咨询{ $office }。
license-step-suspended-points = 因{ $reason }，自 { $since } 起暂停使用至 <b>{ $until }</b>。在此之前不得驾车。请到{ $office }参加满分教育（学习并通过理论考试），之后记分将被清除。
license-step-revoked = 因{ $reason }，已于 { $since } 被吊销，驾驶证不能再使用。须在吊销决定规定的期限届满后才能重新申领，具体时间可咨询{ $office }。
license-step-detained = 因{ $reason }，自 { $since } 起被扣押。请携带身份证和收到的扣押凭证，到凭证上载明的公安交管部门（或咨询{ $office }）处理；处理完毕后驾驶证将予以返还。
license-step-temporarily-detained = 因{ $reason }，自 { $since } 起被暂扣。暂扣期间不得驾车；期满后请携带身份证和决定书，到决定书载明的公安交管部门领回驾驶证。
license-step-exam-overdue = 体检应于 { $due } 前完成。可{ $known ->
        [yes] 到{ $city }（驾驶证核发地）的 { $community } 家社区（乡镇）医院或 { $hospitals } 家二级以上医院之一
       *[no] 到{ $city }（驾驶证核发地）的指定医疗机构
    }进行驾驶人体检，结果网上传输，无需提交纸质材料。
license-step-periodic-overdue = 审验应于 { $due } 前完成。请携带身份证、驾驶证和体检结果到{ $office }办理；逾期未审验的驾驶证可能被注销。
license-step-stop-use = 因{ $reason }，已于 { $since } 公告停止使用，该驾驶证不能再使用。请到{ $office }申领新证或补证。
