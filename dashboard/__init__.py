"""The merchant dashboard: a Streamlit client of the agent API (it never opens the database)."""
