"""Alerts' sender: `python -m data.notify` delivers the outbox (data.state.database.outbox) by e-mail
and webhook, each message once, however many senders run."""
