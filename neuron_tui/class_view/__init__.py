"""The teacher's room: a live Textual view of the class served by `serve ssh` / `serve web`.

`model` reads the hub's snapshots and `summary` decides what is shown (neither knows
Textual), `table` turns a learner into cells, `link` talks to the hub, `dialogs` asks
for a part or a message, `app` puts them on screen, `language` builds it with its keys in
the teacher's language and `cli` is `neuron-tui class ...`.
"""
