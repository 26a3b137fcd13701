"""Handling and paying violations (see actions/payments/orders.py), the ``PaymentProvider`` port
(providers.py), the bureau's payment gateway (gateway.py) and receipts (receipt.py)."""
