"""The WooCommerce connector: REST API v3 client (``client.WooClient``), JSON mapping, order
actions and the returns desk's backend (``backend.WooBackend``)."""
