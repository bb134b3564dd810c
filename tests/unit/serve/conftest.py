"""Fixtures of the class server's tests: the throwaway PostgreSQL cluster of
:mod:`tests.pg_fixture` (one per session), and the class store opened on either database
(:mod:`tests.unit.serve.store_fixtures`)."""

from tests.pg_fixture import postgres_cluster, postgres_url
from tests.unit.serve.store_fixtures import no_store_variable, reopen

__all__ = ["no_store_variable", "postgres_cluster", "postgres_url", "reopen"]
