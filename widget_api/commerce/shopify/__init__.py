"""The Shopify connector (Admin GraphQL API): ``client.ShopifyClient`` (sync, webhooks, order
actions) and ``backend.ShopifyBackend`` (the returns desk). ``commerce/registry.py`` imports
them by name when a store chooses Shopify; importing this package loads nothing else.

Access scopes the custom app's token needs: ``read_orders`` and ``write_orders`` (orders,
refunds, cancellation, address changes), ``read_customers``, ``write_draft_orders``
(replacements and exchanges), ``write_discounts`` (goodwill codes), ``write_gift_cards`` (store
credit), ``read_products`` and ``write_inventory`` (restocking), ``read_locations``.
"""
