"""The Azure portal's UI versions: the naming drift that really happened (see portals.md)."""

from __future__ import annotations

from dataclasses import dataclass

from portalsim.i18n import Text

VERSIONS = ("2020", "2023", "new-config")
# A visual-only change, independent of the naming: "fluent2" recolours links, icons and
# primary buttons the way the portal's Fluent 2 refresh did, and changes no name.
STYLES = ("classic", "fluent2")


@dataclass(frozen=True)
class UI:
    version: str
    product: str  # the header's brand
    directory: str  # the directory blade's name
    nav: tuple[tuple[str, str], ...]  # the left navigation: (label, path), top level
    source_name: str  # "Azure Active Directory" or "Microsoft Entra ID"
    new_config_flow: bool  # "+ New configuration" instead of "Get started"

    @property
    def users_mapping(self) -> Text:
        return Text("Provision %(source)s Users", source=self.source_name)

    @property
    def groups_mapping(self) -> Text:
        return Text("Provision %(source)s Groups", source=self.source_name)

    @property
    def source_column(self) -> Text:
        return Text("%(source)s Attribute", source=self.source_name)


_PORTAL_NAV = (
    (Text("Home"), "/"),
    (Text("Dashboard"), "/dashboard"),
    (Text("All services"), "/all-services"),
    ("Azure Active Directory", "/directory"),
)
_ENTRA_NAV = ((Text("Home"), "/"), (Text("Favorites"), "/favorites"), (Text("Identity"), "/directory"))


def ui_for(version: str) -> UI:
    if version == "2020":
        return UI(
            version, "Microsoft Azure", "Azure Active Directory", _PORTAL_NAV, "Azure Active Directory", False
        )
    if version in ("2023", "new-config"):
        return UI(
            version,
            "Microsoft Entra admin center",
            Text("Identity"),
            _ENTRA_NAV,
            "Microsoft Entra ID",
            version == "new-config",
        )
    raise ValueError(f"unknown Azure UI version {version!r}: use one of {', '.join(VERSIONS)}")
