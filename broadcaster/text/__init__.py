"""Vietnamese text for the loudspeaker: spoken-form normalization and legacy encodings."""

from broadcaster.text.encoding import Conversion, decode_text_file, to_nfc
from broadcaster.text.normalize import normalize
from broadcaster.text.pronunciations import apply_pronunciations
from broadcaster.text.sniff import FileKind, file_kind

__all__ = ["Conversion", "FileKind", "apply_pronunciations", "decode_text_file", "file_kind", "normalize", "to_nfc"]
