"""HTTP surfaces: thin handlers that validate, call the domain and shape the answer."""
