"""Every command line's parser: a bad argument is one line on stderr and exit code 2."""

from __future__ import annotations

import pytest

from neuron_tui.argparsing import OneLineErrorParser


def parser() -> OneLineErrorParser:
    top = OneLineErrorParser(prog="tool")
    top.add_argument("--count", type=int, default=1)
    commands = top.add_subparsers(dest="command", parser_class=OneLineErrorParser)
    run = commands.add_parser("run", prog="tool run")
    run.add_argument("--speed", choices=["slow", "fast"], required=True)
    return top


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--count", "many"], "tool: error: argument --count: invalid int value: 'many' "
         "(see tool --help)"),
        (["--nope"], "tool: error: unrecognized arguments: --nope (see tool --help)"),
        (["run", "--speed", "warp"], "tool run: error: argument --speed: invalid choice: 'warp' "
         "(choose from 'slow', 'fast') (see tool run --help)"),
        (["run"], "tool run: error: the following arguments are required: --speed "
         "(see tool run --help)"),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_code_2(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(argv)
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == expected + "\n"


def test_good_arguments_parse_as_usual() -> None:
    args = parser().parse_args(["--count", "3", "run", "--speed", "fast"])
    assert (args.count, args.command, args.speed) == (3, "run", "fast")
