## 已过期的表单（bot/forms.py）

forms-expired = ⌛ 您填写的“{ $title }”超过 { $minutes } 分钟没有回复，已过期，未提交任何内容。您可以重新开始：
forms-restart = 🔄 重新开始：{ $title }
forms-outdated = 该表单已过期或已提交，请从菜单重新开始。
