"""Unit tests of the class server's store, its migrations, the JSON import and results."""
