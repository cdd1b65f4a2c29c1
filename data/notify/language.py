"""The language a message is composed in for its recipient, outside any request: the language the
recipient's account chose in the language menu, else BEACON_DEFAULT_LANGUAGE (i18n.language(None)).

An address belongs to an account when it is the e-mail of the metric owner the account acts as (its
owner_id; the catalogue's owners, handed in: this layer does not read the query layer), when the account
subscribed with it, or when it is the account's username. A webhook belongs to no account."""

import sqlalchemy as sa

import i18n
from data.state import database


def account_languages(
    connection, addresses: list[str], owner_ids: dict[str, str] | None = None
) -> dict[str, str]:
    """{address (lower case): the language its account chose} for the `addresses` that belong to an
    account that chose one; `owner_ids` maps an owner's e-mail to their owner_id. An owner's own
    account wins over a subscriber's; of several subscribers, the latest subscription's."""
    wanted = {address.strip().lower() for address in addresses if address}
    if not wanted:
        return {}
    accounts = database.accounts.c
    chose = connection.execute(
        sa.select(accounts.username, accounts.owner_id, accounts.language).where(
            accounts.language.is_not(None), accounts.disabled.is_(False)
        )
    ).all()
    by_username = {row.username.lower(): row.language for row in chose}
    by_owner = {row.owner_id: row.language for row in chose if row.owner_id}
    subscriptions = database.subscriptions.c
    subscribed = connection.execute(
        sa.select(sa.func.lower(subscriptions.email), subscriptions.username)
        .where(sa.func.lower(subscriptions.email).in_(sorted(wanted)))
        .order_by(subscriptions.subscription_id)
    ).all()
    found: dict[str, str] = {}
    for email, username in subscribed:  # later subscriptions win
        if username.lower() in by_username:
            found[email] = by_username[username.lower()]
    for address in wanted:
        if address in by_username:
            found[address] = by_username[address]
    for email, owner_id in (owner_ids or {}).items():
        email = (email or "").strip().lower()
        if email in wanted and owner_id in by_owner:
            found[email] = by_owner[owner_id]
    return {address: code for address, code in found.items() if i18n.supported(code)}
