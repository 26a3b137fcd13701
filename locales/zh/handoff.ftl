# 转人工（issue 6）：群众一侧。
handoff-title = 👤 转人工客服
handoff-queued = 👤 您已进入人工客服排队：<b>第 { $position } 位</b>，预计约 { $minutes } 分钟。
    请先说明您要咨询的事项，客服会看到您发送的全部内容。发送 /cancel 可取消排队。
handoff-already-waiting = 👤 您已在排队中：第 { $position } 位，预计约 { $minutes } 分钟。
    发送 /cancel 可取消排队。
handoff-already-with-agent = 👤 您正在与人工客服对话。
handoff-waiting-hint = ⏳ 仍在等待人工客服（排队第 { $position } 位）。您的消息会转给客服。发送 /cancel 可取消排队。
handoff-stop-button = ✖️ 取消排队
handoff-stopped = 您已退出排队，现在由智能助手为您服务：
handoff-not-waiting = 您当前没有在排队等待人工客服。
handoff-buttons-paused = 当前由人工客服为您服务，请直接输入文字。
handoff-joined = 👤 客服 <b>{ $name }</b> 已接入对话。请直接在此留言，在客服结束前智能助手不会回复。
    随时可点击“✖️ 结束对话”（或发送 /cancel）结束对话。
handoff-transferred = 👤 您的对话已转给客服 <b>{ $name }</b>。
handoff-agent-says = 👤 <b>{ $name }</b>：
    { $text }
handoff-left = 👤 人工客服已结束对话，现在由智能助手继续为您服务。
handoff-rated = 感谢您的评价！
handoff-rated-low = 感谢您的评价，很抱歉没能帮到您。请问是哪里不满意？
handoff-low-not-solved = 问题没有解决
handoff-low-too-slow = 等待时间太长
handoff-low-unclear = 答复不清楚
handoff-low-other = 其他原因
handoff-low-noted = 谢谢，您的反馈将转给负责检查服务质量的主管。您可以再次转接人工客服、提交投诉，或返回菜单。
handoff-rate-already = 本次对话已评价过，谢谢！
handoff-closed-hours = 🕗 人工客服服务时间为 { $hours }（北京时间），目前无人值守。
    您可以留言：提交投诉，或预约回电。
handoff-long-wait = ⏳ 抱歉让您久等了。您可以继续等待，也可以留言：提交投诉，或预约回电。
handoff-complaint-button = 📝 提交投诉
handoff-callback-button = 📞 预约回电
handoff-callback-ask = 📞 请用一条消息说明事项以及方便联系您的时间。发送 /cancel 可退出。
handoff-callback-text-only = 请用文字输入留言（或发送 /cancel 退出）。
handoff-callback-done = ✅ 谢谢。您的留言已登记（编号 { $ref }），工作人员会回电至 { $phone }。
handoff-callback-done-chat = ✅ 谢谢。您的留言已登记（编号 { $ref }），工作人员会在本对话中回复您。
# 客服可发送的常用回复（按群众的语言）。
handoff-canned-greeting = 您好，这里是交通管理局，请问有什么可以帮您？
handoff-canned-moment = 请稍等，我正在为您查询。
handoff-canned-more-info = 请再提供一些信息，例如车牌号或决定书编号。
handoff-canned-anything-else = 请问还有其他可以帮您的吗？
handoff-canned-goodbye = 感谢您的来访，祝您出行平安！
# 结束人工对话、超时自动结束、回电（电话或在对话中答复）（issue 17）。
handoff-end-button = ✖️ 结束对话
handoff-rate-ask = 请为本次服务评分：
handoff-you-ended = ✅ 您已结束与人工客服的对话，现在由智能助手继续为您服务。
handoff-idle-closed = ⏳ 与{ $name }的对话已 { $minutes } 分钟无消息，已自动结束，现在由智能助手继续为您服务。如需人工服务，可随时再次申请。
handoff-callback-ask-phone = 📱 请问回电打哪个手机号？请直接发送号码（我们会发送验证码核实），或点击下方按钮改为在本对话中答复。
handoff-callback-chat-button = 💬 在本对话中答复我
handoff-callback-code-sent = 验证码（6 位数字）已发送至 { $phone }，{ $minutes } 分钟内有效。请在此输入，或发送 /cancel 退出。
handoff-callback-code-expired = 验证码已过期。请重新发送手机号获取新的验证码，或改为在本对话中答复。
handoff-callback-sms = 【交通管理】您预约回电的手机号验证码为 { $code }，{ $minutes } 分钟内有效，请勿告诉他人。
handoff-callback-answering = 👤 客服 <b>{ $name }</b> 正在本对话中答复您的回电预约 { $ref }。请直接在此留言，在客服结束前智能助手不会回复。
    随时可点击“✖️ 结束对话”（或发送 /cancel）结束对话。
handoff-callback-closed = ✅ 您的回电预约 { $ref } 已办结。
handoff-callback-closed-called-back = ✅ 您的回电预约 { $ref } 已办结：工作人员已给您回电。
handoff-callback-closed-answered-in-chat = ✅ 您的回电预约 { $ref } 已办结：已在本对话中答复您。
handoff-callback-closed-unreachable = 您的回电预约 { $ref } 已办结：未能通过电话（{ $phone }）联系上您。如有需要，可随时再次申请人工服务或重新留言。
handoff-callback-closed-duplicate = 您的回电预约 { $ref } 已办结：与您的另一条留言重复，我们正在处理那一条。
