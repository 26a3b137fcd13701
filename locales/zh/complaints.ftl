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

complaints-status-new = 已受理
complaints-status-acknowledged = 已确认
complaints-status-in-progress = 处理中
complaints-status-resolved = 已办结
complaints-status-closed = 已关闭

complaints-value-none = —
complaints-place-location = 📍 共享的位置（{ $lat }, { $lon }）
complaints-place-placeholder = 道路、路口或地标

complaints-button-cancel = ❌ 取消
complaints-button-share-location = 📍 发送我的位置
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
    我们将在 { $acknowledge_by } 前确认受理（24 小时内），在 { $answer_by } 前答复（7 天内）。

complaints-deadline-acknowledge = 应于 { $at } 前确认受理
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
