"""Service settings: flags > environment > config file > defaults, each bad value named by source."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import ConfigError, Settings, load_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    assert load_settings({}, environ={}) == Settings(
        store=Path("var/store"),
        host="127.0.0.1",
        port=8080,
        query_timeout=10.0,
        max_rows=10_000,
        max_request_bytes=1_048_576,
        workers=2,
    )


def test_flags_beat_environment_beat_file_beat_defaults(tmp_path):
    config = write(tmp_path / "dpagraph.toml", 'port = 7000\nmax_rows = 50\nhost = "0.0.0.0"\nstore = "data/store"\n')
    environ = {"DPAGRAPH_CONFIG": str(config), "DPAGRAPH_PORT": "7100", "DPAGRAPH_QUERY_TIMEOUT": "2.5"}
    settings = load_settings({"port": 7200, "host": None}, environ=environ)
    assert settings.port == 7200  # flag
    assert settings.query_timeout == 2.5  # environment
    assert (settings.max_rows, settings.host) == (50, "0.0.0.0")  # file (a flag set to None is no flag)
    assert settings.store == tmp_path / "data" / "store"  # relative to the config file
    assert settings.workers == 2  # default


def test_config_flag_beats_config_variable(tmp_path):
    chosen = write(tmp_path / "a.toml", "max_rows = 1\n")
    ignored = write(tmp_path / "b.toml", "max_rows = 2\n")
    assert load_settings({"config": chosen}, environ={"DPAGRAPH_CONFIG": str(ignored)}).max_rows == 1


@pytest.mark.parametrize(
    ("flags", "environ", "file_text", "message"),
    [
        ({}, {"DPAGRAPH_PORT": "eighty"}, None, "DPAGRAPH_PORT: bad value 'eighty' for port"),
        ({}, {"DPAGRAPH_MAX_ROWS": "0"}, None, "must be greater than 0"),
        ({"port": 70000}, {}, None, "between 0 and 65535"),
        ({"colour": "red"}, {}, None, "unknown setting colour"),
        ({}, {}, "max_rows = true\n", "must not be true/false"),
        ({}, {}, "limit = 3\n", "unknown setting limit"),
        ({}, {}, "port = [\n", "not valid TOML"),
    ],
)
def test_bad_settings_name_their_source(tmp_path, flags, environ, file_text, message):
    if file_text is not None:
        flags = {**flags, "config": write(tmp_path / "bad.toml", file_text)}
    with pytest.raises(ConfigError, match=message):
        load_settings(flags, environ=environ)


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings({}, environ={"DPAGRAPH_CONFIG": str(tmp_path / "nope.toml")})
