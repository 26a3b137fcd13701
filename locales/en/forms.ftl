## Forms that expired (bot/forms.py)

forms-expired = ⌛ Your form “{ $title }” was left unanswered for more than { $minutes } min and has expired. Nothing was submitted. You can start again:
forms-restart = 🔄 Start again: { $title }
forms-outdated = This form has expired or was already submitted. Please start again from the menu.
