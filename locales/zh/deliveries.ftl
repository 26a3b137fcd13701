## 寄递：邮寄驾驶证、补换号牌

deliveries-menu = 📦 寄递进度
deliveries-title = <b>您的寄递</b>（{ $count ->
        [0] 暂无进行中
       *[other] 进行中 { $count } 件
    }）
deliveries-none = 您目前没有寄递：没有正在邮寄的驾驶证，也没有正在派送的号牌。
deliveries-kind-license = 📮 邮寄驾驶证
deliveries-kind-plate = 🔖 补换号牌 { $plate }
deliveries-current = 状态：<b>{ $stage }</b>
deliveries-courier = 快递：{ $courier } · 运单号 <code>{ $tracking }</code>
deliveries-no-tracking = 快递公司和运单号：寄出时提供。
deliveries-courier-EMS = EMS（中国邮政）
deliveries-courier-SF = 顺丰速运
deliveries-address = 收件地址：{ $address }
deliveries-timeline = 进度：
deliveries-step-done = ✅ { $at } { $stage }
deliveries-step-todo = ▫️ { $stage }
deliveries-stage-accepted = 已受理
deliveries-stage-printed = 已制证
deliveries-stage-mailed = 已寄出
deliveries-stage-in_transit = 运输中
deliveries-stage-materials_collected = 快递员已收取材料
deliveries-stage-approved = 已审核通过
deliveries-stage-plates_made = 号牌已制作
deliveries-stage-out_for_delivery = 派送中
deliveries-stage-delivered = 已签收
deliveries-next-license-mail-out-for-delivery = 快递员今天会联系您，请准备好身份证。
deliveries-next-license-mail-delivered = 已签收。请核对驾驶证信息；原驾驶证已作废。
deliveries-next-plate-delivery-out-for-delivery = 快递员今天会联系您，请准备好身份证签收号牌。
deliveries-next-plate-delivery-delivered = 已签收。上路前请将前后号牌安装好。
deliveries-summary = { $title }：{ $stage }（{ $at }）
deliveries-done-title = <b>已完成</b>
deliveries-button-view = 🔎 { $title } · { $at }
deliveries-button-all = 📦 我的全部寄递
deliveries-awaiting-collection = 🔖 <b>补换号牌 { $plate }</b>
    { $at } 已申请：快递员会联系您上门收取材料，审核通过后制作号牌并送货上门。
deliveries-tracking-unknown = 您的寄递中没有运单号为 { $tracking } 的记录。
deliveries-unknown = 未找到您的这件寄递。
