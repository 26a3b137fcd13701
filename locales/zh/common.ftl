## 问候、菜单和通用命令

start-greeting =
    { $name }，您好！我是交通管理局的智能客服助手。
    我可以为您查询驾驶证和机动车、交通违法和罚款、电子驾驶证、驾驶证邮寄和号牌配送进度，也可以受理投诉。
    请选择下方的服务，或直接输入您的问题，例如：<i>“我能申领电子驾驶证吗？”</i>
menu-title = 请问需要办理什么业务？请选择服务类别：
menu-section-inquiry = 🔎 信息查询
menu-section-business = 📝 业务办理
menu-section-consult = 💬 咨询投诉
menu-section-changes = ✏️ 信息变更
menu-section-inquiry-title = 🔎 <b>信息查询</b>：您想查询什么？
menu-section-business-title = 📝 <b>业务办理</b>：您想办理什么业务？
menu-section-consult-title = 💬 <b>咨询投诉</b>：咨询问题或提交投诉。
menu-section-changes-title = ✏️ <b>信息变更</b>：身份绑定、联系方式和设置。
menu-back = ⬅️ 返回菜单
menu-language = 🌐 Language / 语言
menu-help = ❓ 使用帮助
help-text =
    <b>使用说明</b>
    • 点击菜单按钮，或用中文、英文直接描述您的需求。
    • 驾驶证、车辆、违法等个人信息，需先绑定身份后才能查看。
    命令：/menu 菜单，/cancel 退出当前表单，/language 切换语言，/help 查看本说明。
cancel-nothing = 当前没有需要取消的操作。以下是菜单：
cancel-done = 已取消，未提交任何内容。以下是菜单：
language-choose = 请选择语言：
language-set = 好的，之后我将用中文回复您。
button-expired = 此按钮已失效，请发送 /menu 重新开始。
unknown-command = 我不认识命令 { $command }。发送 /menu 查看服务，或发送 /help 查看使用说明。
unsupported-content = 暂时无法识别{ $kind ->
        [sticker] 表情贴纸
        [voice] 语音消息
        [video] 视频
        [video_note] 视频消息
        [animation] 动图
       *[other] 此类消息
    }，请用文字描述您的问题，或使用菜单。
unsupported-content-in-form = 您的表单仍在填写中：请用文字回答上面的问题（或发送 /cancel 退出）。
throttled = 您发送消息的速度太快了，请等待 { $seconds } 秒后再发送，届时我会继续为您服务。
error-internal = 抱歉，系统出现了问题，请稍后重试；如果问题持续，可以通过 /menu 中的其他方式联系我们。
error-service-down = 抱歉，部分系统暂时无法响应，请几分钟后再试。
error-form-kept = 您已填写的内容都已保留：请重新回答，或发送 /cancel 退出表单。
nlu-down = 暂时无法识别文字消息，请使用菜单按钮：所有服务都可以通过按钮办理。
cmd-start = 开始并显示主菜单
cmd-menu = 主菜单
cmd-help = 使用说明
cmd-cancel = 退出当前表单
cmd-language = 切换语言
menu-title-short = 📋 菜单
nlu-clarify = 我不太确定您的意思，请问您想办理的是哪一项？
nlu-not-understood = 抱歉，我没有理解您的意思。我可以办理驾驶证、机动车、交通违法、电子驾驶证、邮寄配送和投诉等业务：请在下方选择，或换个说法。
nlu-offer-human = 抱歉，我还是没能理解。需要为您转接人工客服吗？
smalltalk-greet = 您好！请问有什么可以帮您？
smalltalk-goodbye = 再见，祝您一路平安！
smalltalk-thanks = 不客气！还有其他需要帮忙的吗？
smalltalk-affirm = 好的。接下来您想办理什么？
smalltalk-deny = 好的。还有其他可以帮您的吗？
smalltalk-out-of-scope = 抱歉，这超出了我的服务范围。我负责交通管理业务：驾驶证、机动车、交通违法、电子驾驶证、邮寄配送和投诉。
bind-required = 查看个人信息前，请先绑定身份（姓名和身份证号，并通过预留手机号接收验证码确认）。
bind-start-button = 🔐 绑定身份
cmd-notifications = 设置接收哪些通知
cmd-unbind = 解除本账号的身份绑定
groups-private-only = 我只在私聊中提供服务，您的信息只给您本人看：请打开与我的私聊并发送 /start。

## The bot is answering many people at once (the outgoing scheduler queues replies at Telegram's limits)
overload-notice = ⏳ 当前咨询人数较多，您的答复正在路上，请勿重复发送。
