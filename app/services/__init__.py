"""The domain: rules, intake, status. Nothing here imports FastAPI."""
