## 推送通知（push/render.py）与 /notifications 通知设置（bot/routers/notifications.py）

push-date = { $y }年{ $m }月{ $d }日
push-datetime = { $y }年{ $m }月{ $d }日 { $time }
push-today = 今天
push-on-date = 于{ $date }
push-license-mailed = 📮 您的新驾驶证已{ $when }寄出，{ $courier } <code>{ $tracking }</code>。
push-license-mailed-no-tracking = 📮 您的新驾驶证已{ $when }寄出。
push-license-delivered = ✅ 您的新驾驶证已送达{ $tracking ->
        [none] 。
       *[other] （{ $tracking }）。
    }请核对证件信息是否正确。
push-plate-materials_collected = 📦 快递员已收取 <b>{ $plate }</b> 换领号牌的材料。
push-plate-approved = ✅ 您为 <b>{ $plate }</b> 申请的新号牌已审核通过。
push-plate-plates_made = 🏭 <b>{ $plate }</b> 的新号牌已制作完成，即将寄出。
push-plate-out_for_delivery = 🚚 <b>{ $plate }</b> 的号牌今天派送{ $tracking ->
        [none] 。
       *[other] ，{ $tracking }。
    }请留意签收。
push-plate-delivered = ✅ <b>{ $plate }</b> 的号牌已送达。
push-elicense-approved = 🪪 { $office }已通过您的申请：电子驾驶证已核发，可以出示使用。
push-elicense-rejected = 🪪 { $office }未通过您的电子驾驶证申请。{ $reason ->
        [none] {""}
       *[other] 原因：{ $reason }
    }
push-complaint-updated = 📣 投诉 <b>{ $ticket }</b>：{ $status }。
push-complaint-rating = 📣 投诉 <b>{ $ticket }</b> 已办结。
push-complaint-rate-ask = 您对处理结果满意吗？请打 1 到 5 分。
push-complaint-reply = 办理答复：{ $text }
push-complaint-followed = 📣 您关注（+1）的问题 <b>{ $ticket }</b>：{ $status }。
push-complaint-status-new = 待受理
push-complaint-status-acknowledged = 已受理，正在核查
push-complaint-status-in_progress = 处理中
push-complaint-status-resolved = 已办结
push-complaint-status-closed = 已关闭
push-violation-recorded = 📷 <b>{ $plate }</b> 新增一条违法记录：{ $behaviour }，{ $place }，{ $time }。罚款 { $fine } 元，记 { $points } 分。
push-license-expiry = ⏳ 您的驾驶证将在 { $days } 天后（{ $date }）到期。现在即可邮寄换证，无需到窗口办理。
push-exam-due = 🩺 您的驾驶人身体条件证明须在 { $date } 前提交（还剩 { $days } 天）。
push-inspection-due = 🔧 <b>{ $plate }</b> 须在 { $date } 前完成定期检验（还剩 { $days } 天）。
push-account-rebound = 🔐 您的身份刚刚绑定到了另一个 Telegram 账号。如非本人操作，请联系交管部门。
push-appeal-accepted = ⚖️ 您的申诉已成立：<b>{ $plate }</b>的违法记录（{ $behaviour }）已撤销，无需缴款，也不记分。
push-appeal-rejected = ⚖️ 您对<b>{ $plate }</b>违法记录（{ $behaviour }）的申诉未成立。{ $reason ->
        [none] {""}
       *[other] 理由：{ $reason }
    }现在可以处理并缴款；申诉审核期间不计算滞纳金。
push-btn-track = 🚚 查看物流
push-btn-deliveries = 📦 我的邮寄
push-btn-elicense = 🪪 出示电子驾驶证
push-btn-elicense-check = 🪪 电子驾驶证
push-btn-complaint = 💬 查看投诉
push-btn-rate = ⭐ 评价办理结果
push-btn-violations = 📷 我的违法记录
push-btn-license = 🪪 我的驾驶证
push-btn-renew = 📝 邮寄换证
push-btn-vehicles = 🚗 我的车辆
push-btn-settings = 🔔 通知设置

push-prefs-button = 🔔 消息通知
push-prefs-title = 🔔 <b>消息通知</b>
    点击类型可开启或关闭。{ $quiet ->
        [on] 免打扰已开启：22:00 至次日 07:00 期间的非紧急消息将延后发送。
       *[off] 免打扰已关闭：消息随时发送。
    }
push-prefs-quiet-on = 🌙 免打扰 22:00–07:00：开
push-prefs-quiet-off = 🌙 免打扰：关
push-prefs-state-on = ✅
push-prefs-state-off = 🚫
push-type-license_mailed = 驾驶证寄出
push-type-license_delivered = 驾驶证送达
push-type-plate_delivery = 号牌派送
push-type-elicense_review_decided = 电子驾驶证审核
push-type-complaint_updated = 投诉进展
push-type-complaint_rating_request = 投诉评价
push-type-violation_recorded = 新增违法
push-type-license_expiry_reminder = 驾驶证到期
push-type-physical_exam_reminder = 体检提醒
push-type-inspection_reminder = 年检提醒
push-type-appeal_decided = 申诉结果
