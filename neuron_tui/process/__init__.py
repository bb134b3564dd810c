"""Programs on pseudo-terminals, and processes as ``/proc`` shows them.

The one harness under the classroom servers, the benchmarks and the end-to-end
tests: :mod:`neuron_tui.process.pty` opens a pty, starts a program as the leader
of a new session on it, sets its window size and ends its whole process group;
:mod:`neuron_tui.process.procfs` reads ``/proc`` (process tree, groups, command
lines, environments, memory). Standard library only, Linux first; nothing here
knows about Textual or the lesson.
"""
