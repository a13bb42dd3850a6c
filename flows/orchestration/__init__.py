"""Prefect wiring: the pipeline flow, the deployment, artifacts, servers and settings."""
