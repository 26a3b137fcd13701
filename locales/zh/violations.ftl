## 名下车辆的交通违法

violations-menu = 🚦 违法查询
violations-title = 🚦 <b>交通违法</b>：{ $plates }
violations-totals = 共 { $total } 条 · 未处理 { $unprocessed } 条 · 待缴罚款 ¥{ $fine } · 待记分 { $points } 分
violations-page = 第 { $page } / { $pages } 页，按时间由近到远
violations-item = <b>{ $n }.</b> { $time } · { $plate }
    📍 { $place }
    { $behaviour }
    ¥{ $fine } · 记 { $points } 分 · { $status }
violations-status-unprocessed = ⏳ 未处理
violations-status-processed = 🧾 已处理，未缴款
violations-status-paid = ✅ 已缴款
violations-status-cancelled = ✖️ 已撤销（申诉成立）
violations-appeal-pending = ⚖️ 申诉审核中：暂不能缴款，滞纳金暂停计算
violations-appeal-rejected = ⚖️ 申诉未成立
violations-next-unprocessed = <b>下一步：</b>点"💳 违法处理缴款"即可在这里处理未处理的违法并缴纳罚款（可多条一起缴，Telegram支付或交管部门缴款页面）。
violations-next-pay = <b>下一步：</b>点"💳 违法处理缴款"即可在这里缴纳罚款；请在处罚决定之日起15日内缴纳，以免产生加处罚款。
violations-none = ✅ { $plates } 没有交通违法记录。
violations-no-vehicles = 您名下没有登记的机动车，也没有添加其他车辆，因此没有违法记录可显示。可在"我的车辆"中用号牌和发动机号添加其他车辆。
violations-plate-unknown = 该车辆不在您的车辆中。请先在"我的车辆"中用号牌和发动机号添加。
violations-button-previous = ◀ 上一页
violations-button-next = 下一页 ▶
violations-button-all = 全部车辆
violations-button-vehicles = 🚗 我的车辆
