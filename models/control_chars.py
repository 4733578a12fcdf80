"""Which control characters text and file names may not hold: one rule for the request guard
and for the storage of uploaded files."""
import re

# Text may hold tabs and line breaks; no other C0 control, nor DEL or a C1 control.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A file name holds none at all.
CONTROL_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f]")
