"""neuron-tui's test suite: model math, Pilot UI tests, snapshots, end-to-end."""
