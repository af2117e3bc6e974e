"""hrsnn.load_spec: paths and TOML text in, a Spec out; bad specs raise ValueError
(hrsnn.ConfigError) with the text `hrsnn` prints: file:line: key: what."""

import pytest

import hrsnn
from conftest import EXAMPLES, run_cli

GOOD = """
[simulation]
steps = 50
seed = 3

[[populations]]
name = "E"
size = 40

[[populations]]
name = "I"
size = 10
kind = "inhibitory"

[[projections]]
pre = "E"
post = "I"
p = 0.2
"""


def test_path_text_and_pathlike_give_the_same_spec(tmp_path):
    f = tmp_path / "net.toml"
    f.write_text(GOOD)
    for spec in (hrsnn.load_spec(str(f)), hrsnn.load_spec(f), hrsnn.load_spec(GOOD), hrsnn.parse_spec(GOOD)):
        assert spec.neurons == 50
        assert spec.steps == 50 and spec.seed == 3
        assert [p["name"] for p in spec.populations] == ["E", "I"]
        assert [p["kind"] for p in spec.populations] == ["excitatory", "inhibitory"]
        assert [p["first"] for p in spec.populations] == [0, 40]
    assert hrsnn.load_spec(f).source == str(f)
    assert hrsnn.load_spec(GOOD).source == "<string>"
    a = hrsnn.run(str(f))
    b = hrsnn.run(GOOD)
    assert a.raster_hash == b.raster_hash


def line_of(text, fragment):
    return next(i for i, l in enumerate(text.splitlines(), 1) if fragment in l)


@pytest.mark.parametrize(
    "old,new,key",
    [
        ("size = 10", "size = -10", "populations[1].size"),
        ("p = 0.2", "p = 1.5", "projections[0].p"),
        ("seed = 3", "seed = 3\nstesp = 4", "simulation.stesp"),
    ],
)
def test_errors_name_file_line_and_key_as_the_cli_does(cli, tmp_path, old, new, key):
    text = GOOD.replace(old, new)
    line = line_of(text, new.splitlines()[-1])
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ValueError) as info:
        hrsnn.load_spec(f)
    e = info.value
    assert isinstance(e, hrsnn.ConfigError) and hrsnn.SpecError is hrsnn.ConfigError
    assert str(e).startswith(f"{f}:{line}: {key}: ")
    assert (e.file, e.line, e.key) == (str(f), line, key)
    assert str(e).endswith(e.detail)
    # The CLI reports the very same text.
    p = run_cli(cli, "run", str(f), "--out", str(tmp_path / "out"), "--quiet")
    assert p.returncode != 0
    assert f"hrsnn: error: {e}" in p.stderr


def test_text_errors_name_the_source():
    text = GOOD.replace("p = 0.2", "p = 1.5")
    with pytest.raises(hrsnn.ConfigError) as info:
        hrsnn.parse_spec(text, "inline.toml")
    assert str(info.value).startswith(f"inline.toml:{line_of(text, 'p = 1.5')}: projections[0].p: ")
    with pytest.raises(ValueError, match=r"^<string>:"):
        hrsnn.load_spec(GOOD.replace("p = 0.2", "p = 1.5"))


def test_missing_file_raises_value_error(tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(ValueError, match=str(missing)):
        hrsnn.load_spec(missing)
    with pytest.raises(TypeError):
        hrsnn.load_spec(42)


def test_examples_load():
    for name in ("hrsnn.toml", "mrsnn.toml"):
        spec = hrsnn.load_spec(EXAMPLES / name)
        assert spec.neurons == 1000
        assert all(isinstance(p["plastic"], bool) for p in spec.projections)
