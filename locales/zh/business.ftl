## 业务办理：驾驶证邮寄换证、号牌补换送货上门

business-renewal-menu = 🪪 驾驶证邮寄换证
business-plate-menu = 🔖 补换号牌送上门
business-button-confirm = ✅ 确认提交
business-button-change-address = ✏️ 修改地址
business-button-cancel = ✖ 取消
business-button-follow = 📦 查看寄递进度
business-button-exam-faq = 🏥 到哪里体检
business-button-deliveries = 📦 我的寄递
business-renewal-refused = <b>您的驾驶证目前不能办理邮寄换证：</b>
business-renewal-block-no-license = • 您的身份证号码下没有驾驶证记录。
business-renewal-block-revoked = • 您的驾驶证已被吊销，不能换证。吊销期满后，可到车管所重新申领驾驶证。
business-renewal-block-detained = • 您的驾驶证已被扣押，发还后才能换证，请咨询扣押机关。
business-renewal-block-temporarily-detained = • 您的驾驶证已被暂扣，发还后才能换证，请咨询暂扣机关。
business-renewal-block-suspended = • 您的驾驶证处于暂停使用期间，期满并完成规定的学习、考试后才能换证。
business-renewal-block-too-early = • 驾驶证有效期至 { $valid_to }：到期前90天起（{ $opens }）可申请邮寄换证，在此之前驾驶证仍然有效。
business-renewal-block-expired-no-exam = • 驾驶证已于 { $valid_to } 过期（{ $days } 天），且没有近期的体检结果。下一步：到驾驶证核发地的指定医疗机构进行驾驶人体检（见下方“到哪里体检”），体检结果网上传输，然后在这里换证。
business-renewal-block-expired-too-long = • 驾驶证已于 { $valid_to } 过期，超过一年，已被注销。下一步：注销后两年内，可到车管所参加科目一考试合格后恢复驾驶资格。
business-renewal-no-license = 您的身份证号码下没有驾驶证记录，无需换证。
business-renewal-summary = <b>驾驶证邮寄换证</b>
    驾驶证：{ $license_class } 准驾车型，{ $expired ->
        [yes] 已于 { $valid_to } 过期
       *[no] 有效期至 { $valid_to }
    }
    新驾驶证将寄往：
    { $address }（{ $postal }）
    电话：{ $phone }
    地址是否正确？该地址仅用于本次申请。
business-renewal-open = 您已有一份换证申请（{ $at } 提交，{ $status }）。同一时间只能办理一份申请，请关注该申请的进度。
business-renewal-submitted = ✅ <b>换证申请已受理</b>（编号 { $number }）。
    新驾驶证制作后将寄往{ $address }，寄出时会告知运单号。{ $usable ->
        [yes] 收到新证前，原驾驶证可以继续使用。
       *[no] 原驾驶证已不能使用：收到新证前请勿驾驶机动车。
    }
business-status-submitted = 已提交
business-status-accepted = 已受理
business-status-rejected = 未通过
business-status-completed = 已办结
business-status-cancelled = 已取消
business-plate-no-vehicles = 您名下没有登记的机动车。只有机动车所有人可以申请补换号牌。
business-plate-pick = 请选择需要补换号牌的车辆：
business-plate-block-not-owner = { $plate } 不在您的名下。只有机动车所有人可以申请补换号牌。
business-plate-block-not-normal = { $plate } 不能补换号牌：车辆登记状态为"{ $status }"。请联系车管所。
business-plate-block-open-request = 您已于 { $at } 申请补换 { $plate } 的号牌。同一时间只能办理一份申请，快递员会联系您上门收取材料。
business-plate-block-delivery-under-way = { $plate } 的新号牌已在寄送途中。同一时间只能办理一份申请，请关注该寄递进度。
business-registration-normal = 正常
business-registration-seized = 被法院查封
business-registration-stolen = 被盗抢
business-registration-scrapped = 已报废
business-registration-deregistered = 已注销
business-plate-ask-reason = { $plate } 补换号牌，送货上门。请选择原因：
business-plate-reason-lost = 丢失或被盗
business-plate-reason-damaged = 损坏
business-plate-reason-renewal = 磨损换新
business-plate-materials-lost = 身份证和行驶证
business-plate-materials-damaged = 身份证、行驶证和损坏的号牌
business-plate-materials-renewal = 身份证、行驶证和旧号牌
business-plate-summary = <b>补换号牌 · 送货上门</b>
    车辆：{ $plate } · 原因：{ $reason }
    快递员上门收取{ $materials }，地址：
    { $address }（{ $postal }）
    电话：{ $phone }
    审核通过后制作新号牌，送到同一地址。
business-plate-submitted = ✅ <b>申请已提交</b>（编号 { $number }），车辆 { $plate }。
    快递员会致电 { $phone } 上门收取材料；审核通过后制作号牌并送货上门。可在"寄递进度"中查看。
business-ask-address = 请输入邮寄地址（街道、楼号、单元、门牌），例如：北京市东城区东长安街1号3栋2单元501室。
business-address-format = 这似乎不是完整的地址。请输入6到120个字符：街道、楼号、单元和门牌。
business-ask-postal = 请输入邮政编码（6位数字），例如 100010。
business-postal-format = 邮政编码为6位数字，例如 100010，请重新输入。
business-press-button = 请使用上方的按钮选择（或 /cancel 退出）。
