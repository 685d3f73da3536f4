"""Vietnamese text for the loudspeaker: spoken-form normalization and legacy encodings."""

from broadcaster.text.encoding import Conversion, decode_text_file, to_nfc
from broadcaster.text.normalize import normalize

__all__ = ["Conversion", "decode_text_file", "normalize", "to_nfc"]
