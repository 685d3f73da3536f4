"""config.toml -> frozen dataclasses, every problem reported at once; only the CLI decides to exit.

Relative paths resolve against the folder of the config file, never the working directory.
The sections are in sections.py, the rules spanning them in checks.py, value rules in rules.py,
reading and writing TOML in tomlio.py.
"""

from typing import TYPE_CHECKING

from broadcaster.lazy import lazy_names

# Read by the CLI's options at start-up: defined here so `broadcaster --help` loads nothing else.
ENV_VAR = "BROADCASTER_CONFIG"

if TYPE_CHECKING:
    from broadcaster.config.load import default_config_path, load_config, parse_config
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


# Everything else loads on first use (PEP 562): the dataclasses and checks cost tens of milliseconds.
_LAZY = {
    "default_config_path": "broadcaster.config.load",
    "load_config": "broadcaster.config.load",
    "parse_config": "broadcaster.config.load",
    "WEEKDAYS": "broadcaster.config.rules",
    "lint": "broadcaster.config.rules",
    "parse_time": "broadcaster.config.rules",
    "parse_window": "broadcaster.config.rules",
    "AmplifierConfig": "broadcaster.config.sections",
    "BroadcastHoursConfig": "broadcaster.config.sections",
    "Config": "broadcaster.config.sections",
    "DaemonConfig": "broadcaster.config.sections",
    "HubConfig": "broadcaster.config.sections",
    "LanguageConfig": "broadcaster.config.sections",
    "MasteringConfig": "broadcaster.config.sections",
    "OutputConfig": "broadcaster.config.sections",
    "RecordingsConfig": "broadcaster.config.sections",
    "RelayConfig": "broadcaster.config.sections",
    "ReportConfig": "broadcaster.config.sections",
    "SlotConfig": "broadcaster.config.sections",
    "SpeechConfig": "broadcaster.config.sections",
    "StationConfig": "broadcaster.config.sections",
    "TargetConfig": "broadcaster.config.sections",
    "TopicConfig": "broadcaster.config.sections",
    "WebConfig": "broadcaster.config.sections",
    "as_dict": "broadcaster.config.tomlio",
    "to_toml": "broadcaster.config.tomlio",
    "ConfigError": "broadcaster.errors",
}


__getattr__ = lazy_names(__name__, _LAZY, globals())


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
