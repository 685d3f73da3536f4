"""config.toml -> frozen dataclasses, every problem reported at once; only the CLI decides to exit.

Relative paths resolve against the folder of the config file, never the working directory.
The sections are in sections.py, the rules spanning them in checks.py, value rules in rules.py,
reading and writing TOML in tomlio.py.
"""

from broadcaster.config.load import ENV_VAR, default_config_path, load_config, parse_config
from broadcaster.config.rules import WEEKDAYS, lint, parse_time, parse_window
from broadcaster.config.sections import (
    AmplifierConfig,
    BroadcastHoursConfig,
    Config,
    DaemonConfig,
    HubConfig,
    LanguageConfig,
    MasteringConfig,
    OutputConfig,
    RecordingsConfig,
    RelayConfig,
    ReportConfig,
    SlotConfig,
    SpeechConfig,
    StationConfig,
    TargetConfig,
    TopicConfig,
    WebConfig,
)
from broadcaster.config.tomlio import as_dict, to_toml
from broadcaster.errors import ConfigError

__all__ = [
    "ENV_VAR",
    "WEEKDAYS",
    "AmplifierConfig",
    "BroadcastHoursConfig",
    "Config",
    "ConfigError",
    "DaemonConfig",
    "HubConfig",
    "LanguageConfig",
    "MasteringConfig",
    "OutputConfig",
    "RecordingsConfig",
    "RelayConfig",
    "ReportConfig",
    "SlotConfig",
    "SpeechConfig",
    "StationConfig",
    "TargetConfig",
    "TopicConfig",
    "WebConfig",
    "as_dict",
    "default_config_path",
    "lint",
    "load_config",
    "parse_config",
    "parse_time",
    "parse_window",
    "to_toml",
]
