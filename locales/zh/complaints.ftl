## 投诉：提交、查询进度、我的投诉、评价（bot/routers/complaints.py）

complaints-menu-file = 📝 我要投诉
complaints-menu-mine = 📂 我的投诉
complaints-menu-find = 🔎 按投诉编号查询
complaints-menu-rate = ⭐ 评价处理结果

complaints-topic-road-facilities = 道路设施和信号灯
complaints-topic-illegal-parking = 违法停车
complaints-topic-congestion = 交通拥堵
complaints-topic-officer-conduct = 民警执法行为
complaints-topic-window-service = 窗口服务
complaints-topic-app-hotline = App 或服务热线
complaints-topic-other = 其他

complaints-status-new = 待受理
complaints-status-acknowledged = 已受理
complaints-status-in-progress = 处理中
complaints-status-resolved = 已办结
complaints-status-closed = 已关闭

complaints-value-none = —
complaints-place-location = 📍 共享的位置（{ $lat }, { $lon }）
complaints-place-placeholder = 道路、路口或地标

complaints-button-cancel = ❌ 取消
complaints-button-share-location = 📍 发送我的位置
complaints-location-label = 这是按钮上的文字，不是地点：当前 Telegram 客户端无法发送位置。请直接输入地点（道路、路口或标志性建筑），或在手机版 Telegram 中点击该按钮。
complaints-button-photos-done = ✅ 完成
complaints-button-photos-skip = ⏭ 不上传照片
complaints-button-submit = ✅ 提交
complaints-button-edit = ✏️ 修改内容
complaints-button-back-summary = ⬅️ 返回确认页
complaints-button-view = 📄 查看投诉
complaints-button-prev = ⬅️ 较新
complaints-button-next = 较早 ➡️
complaints-button-skip-comment = ⏭ 不填写意见
complaints-field-topic = 投诉类型
complaints-field-place = 地点
complaints-field-description = 情况描述
complaints-field-photos = 照片

complaints-intro =
    📝 <b>我要投诉</b>：只需回答几个简短问题；随时可用 /cancel 退出，确认之前不会提交任何内容。
    { $known }
complaints-known-topic = • 类型：{ $topic }
complaints-known-place = • 地点：{ $place }
complaints-known-plate = • 车牌：{ $plate }
complaints-known-photos = • 照片：已附 { $count } 张
complaints-known-description = • 情况：{ $description }
complaints-intro-described =
    📝 <b>这听起来是需要反映的问题。</b>我可以帮您登记：只需回答几个简短问题；随时可用 /cancel 退出，确认之前不会提交任何内容。
    { $known }

complaints-ask-topic = 请问投诉什么问题？请选择类型：
complaints-ask-place = 事情发生在哪里？请输入道路、路口或地标，或点击“📍 发送我的位置”。
complaints-ask-description = 请描述具体情况（{ $min } 到 { $max } 个字）：发生了什么、什么时间，以及有助于处理的信息。
complaints-ask-photos = { $count ->
        [0] 您可以上传最多 { $max } 张照片：现在发送，或跳过。
       *[other] 已收到第 { $count } 张照片（最多 { $max } 张）。可继续发送，或点击“完成”。
    }

complaints-topic-chosen = 投诉类型：<b>{ $topic }</b>
complaints-place-noted = 📍 地点：{ $place }
complaints-plate-noted = 🚗 已记录车牌：<b>{ $plate }</b>
complaints-plate-noted-ask-place = 🚗 已记录车牌：<b>{ $plate }</b>。请问事情发生在哪里？
complaints-photo-kept = 📷 照片已保存（{ $count }/{ $max }）。
complaints-form-kept = 这里无法使用{ $kind ->
        [sticker] 表情贴纸
        [voice] 语音消息
        [video] 视频
        [video_note] 视频消息
        [animation] 动图
        [document] 文件
       *[other] 这类消息
    }。您的投诉内容已保留，请回答下面的问题（或 /cancel 退出）。

complaints-error-topic = 请从下面选择一个类型（或用几个字说明，例如“违法停车”）。
complaints-error-place-short = 请用几个字说明地点，例如“建国路与东三环交叉口”，或发送您的位置。
complaints-error-place-long = 您输入了 { $length } 个字，地点最多 { $max } 个字，例如“建国路与东三环交叉口”。
complaints-error-description-short = 内容太短（{ $length } 个字）：请至少写 { $min } 个字，例如“每天晚上六点后有车辆占用非机动车道停车”。
complaints-error-description-long = 您输入了 { $length } 个字，最多 { $max } 个字。请精简后再发送——投诉内容已保留，下一步还可以上传照片。
complaints-error-photos = 请发送照片，或点击下面的按钮（目前 { $count }/{ $max } 张）。
complaints-error-photos-max = 您已上传 { $max } 张照片，已达上限。
complaints-error-confirm = 请用下面的按钮提交、修改或取消。
complaints-edit-choose = 您要修改哪一项？

complaints-summary =
    <b>请核对您的投诉</b>
    类型：{ $topic }
    地点：{ $place }
    车牌：{ $plate }
    照片：{ $photos } 张
    情况描述：{ $description }
complaints-cancelled = 投诉已取消，未提交任何内容。

complaints-filed =
    ✅ <b>您的投诉已登记。</b>
    投诉编号：<b>{ $ticket }</b>（请保存，用于查询进度）
    我们将在 { $acknowledge_by } 前受理，在 { $answer_by } 前答复。

complaints-deadline-acknowledge = 应于 { $at } 前受理
complaints-deadline-answer = 应于 { $at } 前答复
complaints-deadline-done = 完成于 { $at }

complaints-history-created = { $at } · 提交投诉
complaints-history-status = { $at } · { $status }
complaints-history-status-text = { $at } · { $status }：{ $text }
complaints-history-reply = { $at } · 答复：{ $text }
complaints-history-rated = { $at } · 您的评价 { $stars }

complaints-view =
    📄 <b>投诉 { $ticket }</b>：{ $status }
    类型：{ $topic }
    地点：{ $place }
    车牌：{ $plate } · 照片：{ $photos } 张
    提交：{ $filed } · { $deadline }
    情况描述：{ $description }
    <b>处理记录</b>
    { $history }
    { $rating }
complaints-view-rating = 您的评价：{ $stars }
complaints-not-found = 没有找到您名下编号为 { $ticket } 的投诉。请核对编号，或在下面查看您的投诉。
complaints-ask-ticket = 请发送投诉编号，例如 C261121-0042。

complaints-list-title = 📂 <b>我的投诉</b>（第 { $page } 页，最新的在前）
complaints-list-item =
    <b>{ $ticket }</b> · { $topic } · { $status }
    提交 { $filed } · { $deadline }
    最新：{ $latest }（共 { $entries } 条记录）
complaints-list-empty = 您还没有提交过投诉。

complaints-rate-button = { $stars } ⭐
complaints-rate-ask = 您对投诉 { $ticket } 的处理结果满意吗？1 = 很不满意，5 = 非常满意。
complaints-rate-ask-comment = 您选择了 { $stars }。如有意见可以写下来（最多 { $max } 个字），或点击“不填写意见”。
complaints-rate-comment-text = 请用文字填写意见，或点击“不填写意见”。
complaints-error-comment-long = 您输入了 { $length } 个字，意见最多 { $max } 个字，请精简。
complaints-rate-thanks = 谢谢！您对投诉 { $ticket } 的评价 { $stars } 已记录。
complaints-rate-already = 您已评价过投诉 { $ticket }：{ $stars }。谢谢！
complaints-rate-not-yet = 投诉 { $ticket } 目前{ $status }，办结后才能评价。

## 未绑定身份也可以反映问题（issue 15）
complaints-contact-ask =
    任何人都可以反映问题，无需身份证或护照。我们如何答复您？
    • <b>验证手机号</b>：发送一次验证码，答复将发到本对话。
    • <b>匿名反映</b>：不保留您的任何信息，<b>您将不会收到答复</b>。
complaints-button-contact-phone = 📱 验证手机号
complaints-button-contact-anonymous = 🕶 匿名反映（不答复）
complaints-contact-choose = 请点击按钮选择：验证手机号，或匿名反映。
complaints-contact-phone-ask = 请输入您的手机号（11 位，如 13812345678）。我们将发送 6 位验证码确认，号码仅用于答复本次反映。
complaints-contact-code-sent = 验证码（6 位）已发送至 { $phone }，{ $minutes } 分钟内有效。请在此输入，或发送 /cancel 退出。
complaints-contact-too-soon = 验证码刚发送不到一分钟，请 { $seconds } 秒后重新输入手机号。
complaints-contact-code-expired = 验证码已过期，请重新输入手机号获取新的验证码。
complaints-contact-sms = 【交通管理】您反映问题的手机号验证码为 { $code }，{ $minutes } 分钟内有效。请勿告诉他人。
complaints-contact-verified = ✅ 手机号 { $phone } 已确认：答复将发到本对话。
complaints-contact-anonymous = 🕶 匿名反映：不保留您的任何信息，您将不会收到答复。
complaints-summary-contact-phone = 答复方式：本对话（手机号 { $phone }）
complaints-summary-contact-anonymous = 匿名：不会答复
complaints-filed-contact =
    ✅ <b>您反映的问题已登记。</b>
    编号：<b>{ $ticket }</b>（请保存）
    我们将在 { $acknowledge_by } 前受理，在 { $answer_by } 前在本对话中答复。
complaints-filed-anonymous =
    ✅ <b>您的匿名反映已登记。</b>
    编号：<b>{ $ticket }</b>
    将转交负责部门处理；按您的选择，不会向您答复。
complaints-limit = 您目前反映问题的次数已达上限，请 { $minutes } 分钟后再试；如情况紧急，请拨打 12345 热线。

## 附近已有人反映（issue 15）
complaints-existing-offer =
    🔁 <b>附近似乎已有人反映过这个问题</b>：<b>{ $ticket }</b> — { $topic }，{ $place }，登记于 { $filed }，{ $status }；已有 { $count } 人在等待处理结果。
    关注该问题（+1）并在答复时收到通知，还是仍然提交您自己的反映？
complaints-button-follow = 👍 +1：关注该问题
complaints-button-file-anyway = 📝 仍然提交我的反映
complaints-existing-choose = 请选择：关注已登记的问题，或仍然提交您的反映。
complaints-followed = 👍 已关注问题 <b>{ $ticket }</b>（目前 { $count } 人）。答复时会在本对话通知您。未重复登记。
complaints-followed-anonymous = 👍 您对问题 <b>{ $ticket }</b> 的 +1 已计入（目前 { $count } 人）。您选择了匿名，因此不会收到答复。
complaints-follow-already = 您已关注过这个问题。
complaints-follow-gone = 找不到该问题了，请提交您自己的反映。
