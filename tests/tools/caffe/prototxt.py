"""Protobuf text format for deploy.prototxt: nested (key, value) lists, enums as bare words."""
import numpy as np


class Enum(str):
    """An enum value (written without quotes: pool: MAX)."""


def scalar(value):
    if isinstance(value, Enum):
        return str(value)
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        # Shortest text that reads back as the same float32 (what the C++ side parses).
        return str(np.float32(value))
    if isinstance(value, str):
        return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')
    raise TypeError("no text form for %r" % (value,))


def fields(items, indent):
    """items: list of (key, value); value a scalar or a nested list of (key, value)."""
    pad = "  " * indent
    lines = []
    for k, v in items:
        if isinstance(v, list):
            lines.append("%s%s {" % (pad, k))
            lines.extend(fields(v, indent + 1))
            lines.append("%s}" % pad)
        else:
            lines.append("%s%s: %s" % (pad, k, scalar(v)))
    return lines


def message(keyword, items):
    return "\n".join(["%s {" % keyword] + fields(items, 1) + ["}"]) + "\n"
