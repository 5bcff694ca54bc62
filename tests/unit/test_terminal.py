"""Portal text printed to a terminal or a CI log shows its control characters as escapes."""

from __future__ import annotations

from guidegen.terminal import printable


def test_control_characters_are_shown_not_obeyed():
    assert printable("Save\x1b[31m\x9b2K\x07\x00") == "Save\\x1b[31m\\x9b2K\\x07\\x00"


def test_text_tabs_newlines_and_other_scripts_are_left_alone():
    text = "Speichern\tÜbernehmen\n保存 • ✓"
    assert printable(text) == text
