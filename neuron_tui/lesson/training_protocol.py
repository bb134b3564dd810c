"""The wire between a lesson and the class server's shared trainer: lines of JSON over
a Unix socket whose path is in ``NEURON_TUI_TRAINING_SOCKET``.

Standard library only, so the server (which never imports NumPy) and the lesson
(:mod:`neuron_tui.lesson.shared_training`) speak it the same way.
"""

from __future__ import annotations

from neuron_tui.json_lines import decode_line, encode_line

#: The environment variable that names the service's socket.
SOCKET_ENV = "NEURON_TUI_TRAINING_SOCKET"
#: The longest line either side accepts (a 64-unit network's result is ~30 KB).
MAX_LINE = 1 << 20

#: A message as a line, and back (the framing every class socket shares).
encode = encode_line
decode = decode_line
