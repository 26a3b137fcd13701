## 一键挪车（bot/routers/move_car.py, actions/move_car.py, push/render.py）

move-menu = 🚗 一键挪车
move-intro = 🚗 <b>一键挪车</b>
    有车挡住您了？请提供车牌号、所在位置、1至3张照片和原因：本服务会通知车主，对方看不到您的姓名和电话，您也看不到对方的。本月剩余次数：{ $left }/{ $per_month }。
move-ask-plate = 挡住您的车辆车牌号是多少？例如 京A12345（新能源：京AD12345）。发送 /cancel 可退出。
move-ask-place = { $plate } 停在哪里？请输入地点（街道、门牌号、停车场、楼层等），或点击“📍 发送我的位置”。
move-button-share-location = 📍 发送我的位置
move-place-coordinates = 位置 { $lat }, { $lon }
move-error-place-short = 请把地点描述得详细一些（至少 { $min } 个字）。
move-error-place-long = 地点太长了，请控制在 { $max } 个字以内。
move-place-noted = 📍 已记下位置。
move-ask-photos = 请发送1至{ $max }张照片，拍清车辆及其挡住您的情况，一次一张。
move-photo-kept = 📷 已收到第 { $count } 张照片（最多 { $max } 张）。可以继续发送，或点击“完成”。
move-error-photos-needed = 至少需要一张车辆照片：请发送照片（最多 { $max } 张）。
move-error-not-photo = 这不是照片。请以照片形式发送车辆图片（不要发送文件、贴纸或语音）。
move-error-photos-max = 您已添加 { $max } 张照片，已达上限。请点击“完成”继续。
move-ask-reason = 为什么需要挪车？请选择或简单输入原因。
move-reason-exit = 挡住了我的出路
move-reason-garage = 挡住了我的车库或车位
move-reason-lane = 堵住了车道或消防通道
move-error-reason-short = 请多说几个字（至少 { $min } 个字）。
move-error-reason-long = 原因太长了，请控制在 { $max } 个字以内。
move-summary = 🚗 <b>您的挪车请求</b>
    车牌：<b>{ $plate }</b>
    地点：{ $place }
    照片：{ $photos } 张
    原因：{ $reason }
    确认通知车主吗？
move-button-submit = 📨 发送请求
move-button-cancel = ✖️ 取消
move-button-photos-done = ✅ 完成
move-button-status = 🔄 查看进度
move-button-again = 🔔 再次通知
move-button-photos = 📷 查看照片
move-button-coming = 🚶 马上来
move-button-not-mine = 🚫 不是我的车
move-button-abuse = ⚠️ 举报恶意请求
move-cancelled = 已取消请求，没有发送任何通知。
move-cancelled-menu = 还需要办理什么？
move-form-kept = 您的挪车请求还没填完，请回答上面的问题，或发送 /cancel 退出。
move-form-incomplete = 请求内容不完整，未发送任何通知。请重新开始。
move-sent = ✅ 请求已记录：已通知 <b>{ $plate }</b> 的车主。车主回复后会在这里告诉您。如无回应，{ $minutes } 分钟后可再次通知。
move-unreachable = ✅ 已记录 <b>{ $plate }</b> 的挪车请求。本服务无法联系到该车车主。请拨打交警电话 <b>{ $phone }</b>，交警可以联系车主或派人协助。
move-status-waiting = ⏳ <b>{ $plate }</b>：等待车主回复（已通知 { $rounds } 次，最近一次 { $time }）。
move-status-coming = 🚶 <b>{ $plate }</b>：车主正在赶来挪车。
move-status-not-mine = 🚫 <b>{ $plate }</b>：收到通知的人表示这不是他的车。如果您仍被挡住，请拨打交警电话 <b>{ $phone }</b>。
move-sent-again = 🔔 已再次通知 <b>{ $plate }</b> 的车主。
move-again-wait = { $minutes } 分钟后可以再次通知车主。
move-not-found = 找不到这条请求。
move-refused-quota = 您本月的一键挪车次数已用完（{ $per_month } 次）。如需立即帮助，请拨打交警电话 122。
move-refused-blocked = 您暂时不能使用一键挪车：车主多次举报您的请求为恶意请求。如有误会，请转人工（💬 咨询与投诉）或拨打 122。
move-reply-coming = 🚶 谢谢：已告诉等候的人您正赶来挪动 <b>{ $plate }</b>。
move-reply-not-mine = 谢谢：已告诉等候的人 <b>{ $plate }</b> 不是您的车。
move-reply-abuse = 谢谢：举报已记录。多次被举报的请求人将被禁止使用本服务。
move-reply-already = 这条请求已经回复过了：{ $answer }。
move-answer-coming = 马上来
move-answer-not_mine = 不是我的车
move-answer-abuse = 已举报为恶意请求
move-answer-notified = 等待中
move-answer-unreachable = 无法联系
move-photo-caption = 📷 { $n }/{ $count }
move-photo-gone = 第 { $n } 张照片已无法获取。

## 推送通知（push/render.py）

push-type-move_car_request = 一键挪车：请求
push-type-move_car_answer = 一键挪车：回复
push-move-request = 🚗 <b>请挪动您的车辆 { $plate }</b>
    有人被您的车挡住了，请您挪车。
    地点：{ $place }
    原因：{ $reason }
    照片：{ $photos } 张
    请在下方回复。您的姓名和电话不会透露给对方。
push-move-request-again = 🔔 <b>提醒：请挪动您的车辆 { $plate }</b>
    地点：{ $place }
    原因：{ $reason }
    照片：{ $photos } 张
push-move-answer-coming = 🚶 <b>{ $plate }</b> 的车主正在赶来挪车。
push-move-answer-not_mine = 🚫 收到通知的人表示 <b>{ $plate }</b> 不是他的车。如果您仍被挡住，请拨打交警电话 122。

## 工作台（staff/move_car.py）

staff-move-nav = 一键挪车
staff-move-title = 一键挪车：被禁用的请求人
staff-move-hint = 请求被车主举报为恶意 { $n } 次的群众将不能使用一键挪车，直到在此解除。
staff-move-reports = 被举报次数
staff-move-blocked-at = 禁用时间
staff-move-lift = 解除禁用
staff-move-none = 目前没有被禁用的请求人。
staff-move-lifted = 已解除禁用：该群众可以再次使用一键挪车。
staff-move-not-blocked = 该群众未被禁用（或已解除）。
