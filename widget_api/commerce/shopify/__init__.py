"""The Shopify connector (Admin GraphQL API): ``client.ShopifyClient`` (sync, webhooks, order
actions) and ``backend.ShopifyBackend`` (the returns desk). ``commerce/registry.py`` imports
them by name when a store chooses Shopify; importing this package loads nothing else."""
