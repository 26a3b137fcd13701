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
    命令：/menu 菜单，/cancel 退出当前表单，/language 切换语言，/notifications 设置接收哪些通知，/unbind 解除本账号绑定的身份，/help 查看本说明。
cancel-nothing = 当前没有需要取消的操作。以下是菜单：
cancel-done = 已取消，未提交任何内容。以下是菜单：
cancel-done-short = 已取消，未提交任何内容。
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
bind-required-for = “{ $what }”涉及您的个人信息，请先绑定身份（姓名和身份证号，并通过预留手机号接收验证码确认）。
cmd-notifications = 设置接收哪些通知
cmd-unbind = 解除本账号的身份绑定
groups-private-only = 我只在私聊中提供服务，您的信息只给您本人看：请打开与我的私聊并发送 /start。

## The bot is answering many people at once (the outgoing scheduler queues replies at Telegram's limits)
overload-notice = ⏳ 当前咨询人数较多，您的答复正在路上，请勿重复发送。

## 在 NLU 识别之前按规则回复的文字：单独的证件号码等，或按钮上的文字
typed-id-number = 这看起来是身份证号。单独发送身份证号无法办理业务：如需查看驾驶证、车辆和违法信息，请先绑定身份（姓名和身份证号，并通过预留手机号接收验证码确认）。
typed-id-number-linked = 这看起来是身份证号。本账号已绑定身份，无需再输入：请选择要查询的内容。
typed-code = 这看起来是验证码，但目前没有待核验的验证码。只有在绑定身份或更换手机号时才需要输入验证码，每个验证码 5 分钟内有效。
typed-phone = 这看起来是手机号。如需更换预留手机号，请点击下方按钮（新号码需通过验证码确认）。
typed-stale-location = 该按钮所属的投诉表单已关闭，未记录任何内容。
typed-stale-location-next = 如需反映某个地点的问题，请重新提交投诉：可以发送位置，也可以直接输入地点。
typed-stale-end-chat = 与人工客服的对话已经结束，现在由智能助手为您服务。
photo-offer-report = 我无法单独识别照片内容。需要用这张照片提交举报（投诉）吗？照片会附在举报中，接下来请选择类型、填写地点和具体情况。
photo-offer-report-button = 📝 用这张照片举报
