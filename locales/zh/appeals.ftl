## 交通违法申诉（bot/routers/appeals.py、actions/appeals.py）

appeals-menu = ⚖️ 违法申诉
appeals-how = ⚖️ <b>如何申诉交通违法</b>
    如您认为违法记录有误（当时不在现场、车辆当时不归您使用、标志被遮挡等），可以在这里申诉：
    1. 绑定身份后，从名下车辆的违法记录中选择要申诉的一条。
    2. 说明申诉理由（{ $min }至{ $max }个字）。
    3. 上传不超过{ $photos }张照片作为证据（停车票据、标志照片、车辆买卖合同等），也可以跳过。
    4. 提交后由交警审核，审核结果会在这里通知您。
    申诉期间该违法不能缴款，滞纳金也暂停计算。申诉成立的，该违法记录撤销（不罚款、不记分）；不成立的，会告知理由，您仍可缴款或依法申请行政复议。
appeals-none = 您没有可以申诉的违法记录：已缴款或已撤销的违法不能申诉。
appeals-choose = 请选择要申诉的违法记录：
appeals-all-pending = 以下违法记录的申诉都在审核中。
appeals-pending-mark = ⚖️ 申诉审核中：暂停缴款，滞纳金暂停计算
appeals-button-pick = ⚖️ 申诉第{ $n }条（{ $plate }）
appeals-violation = { $time } · <b>{ $plate }</b> · { $behaviour } · { $place } · 罚款{ $fine }元，记{ $points }分
appeals-chosen = ⚖️ 您要申诉的违法记录：
    { $violation }
appeals-ask-reason = 请说明申诉理由（{ $min }至{ $max }个字），例如：<i>当时我的车停在单位车库，照片中的号牌不是我的车。</i>发送 /cancel 可退出。
appeals-error-short = 请再详细说明一些（至少{ $min }个字，您写了{ $length }个字）。
appeals-error-long = 内容太长了：请控制在{ $max }个字以内（您写了{ $length }个字）。
appeals-ask-photos = 谢谢。请逐张发送证据照片，最多{ $max }张（已有{ $count }张），也可以跳过。
appeals-photo-kept = 📷 已收到第{ $count }张照片（最多{ $max }张）。可以继续发送，或点击“完成”。
appeals-photo-kept-ask-reason = 📷 已收到第{ $count }张照片。请输入申诉理由（{ $min }至{ $max }个字）。
appeals-error-photos = 请发送照片，或在完成后点击按钮（已有{ $count }张，最多{ $max }张）。
appeals-error-photos-max = 已添加{ $max }张照片，达到上限。请点击“完成”继续。
appeals-form-kept = 申诉表单仍在填写中，请回答上面的问题，或发送 /cancel 退出。
appeals-button-photos-done = ✅ 完成
appeals-button-photos-skip = ⏭ 不上传照片
appeals-button-submit = 📨 提交申诉
appeals-button-cancel = ✖️ 取消
appeals-summary = ⚖️ <b>您的申诉</b>
    违法记录：{ $violation }
    申诉理由：{ $reason }
    照片：{ $photos }张
    确认提交吗？
appeals-cancelled = 申诉已取消，没有提交任何内容。
appeals-filed = 📨 您的申诉已提交。
    { $violation }
    照片：{ $photos }张
    审核期间该违法不能缴款，滞纳金暂停计算。审核结果会在这里通知您。
appeals-refused-not-found = 在您名下车辆的违法记录中没有找到这条记录。
appeals-refused-paid = 该违法已缴款，不能再在这里申诉。您可以自处罚决定之日起60日内依法申请行政复议。
appeals-refused-cancelled = 该违法记录已撤销，无需申诉。
appeals-refused-pending = 该违法的申诉正在审核中，审核结果会在这里通知您。
