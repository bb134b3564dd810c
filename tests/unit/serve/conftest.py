"""Fixtures of the class server's tests: the throwaway PostgreSQL cluster of
:mod:`tests.pg_fixture`, declared here once so every module shares one per session."""

from tests.pg_fixture import postgres_cluster, postgres_url

__all__ = ["postgres_cluster", "postgres_url"]
