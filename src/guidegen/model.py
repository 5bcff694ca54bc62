"""The writers' schema: pydantic models for step files. The JSON Schema comes from here.

Three kinds of file live in `steps/`:
- `project.yml`: the plan registry, the portals and shared variables, defined once;
- `reusable/*.yml`: steps defined once and included in guides with parameters;
- every other `*.yml`: one guide.

Actions are one-key mappings (`click: {role: button, name: Save}`), told apart by that key.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=60)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=300)]
ControlRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$",
                                              max_length=160)]
# A language: 'de', or with a region, 'de-CH' (BCP 47's common form, as Material and Babel take).
LocaleId = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
# The same name in other languages, by locale: `names: {de: Speichern}`. The English name
# stays the key writers use; a language without an entry falls back to it.
Names = Annotated[dict[LocaleId, Label], Field(
    default_factory=dict, description="The name in other languages, by locale (e.g. "
    "`{de: Speichern}`); a language without one uses the English name.")]

# Validation context of a step whose `control:` references the loader has already filled in
# from the pages (the reference is kept, for reports and `guidegen fix`).
RESOLVED = "resolved"


def _resolved(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get(RESOLVED))


def _control_alone(obj: BaseModel, fields: tuple[str, ...]) -> None:
    """`control:` names the control on its page; anything else naming it would disagree."""
    others = [f for f in fields if f in obj.model_fields_set and getattr(obj, f) is not None]
    if others:
        raise ValueError(f"'control' already names the control on its page; drop "
                         f"{', '.join(repr(o) for o in others)}")

# Tags of tagged unions start with this mark so error paths can drop them.
TAG = "§"

AriaRole = Literal[
    "alert", "banner", "button", "cell", "checkbox", "columnheader", "combobox", "dialog",
    "form", "grid", "gridcell", "group", "heading", "img", "link", "list", "listbox",
    "listitem", "main", "menu", "menuitem", "menuitemcheckbox", "navigation", "option",
    "radio", "radiogroup", "region", "row", "rowheader", "searchbox", "spinbutton", "status",
    "switch", "tab", "table", "tablist", "tabpanel", "textbox", "tree", "treeitem",
]


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt key must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def __reduce__(self) -> tuple:
        """Pickled as its fields and which of them were set, all a model without extra keys
        or private attributes holds: the checked guides `.guidegen-cache/` keeps are some
        27,000 models per 200 guides, and pydantic's own state (a dict of four per model)
        made writing and reading them about a third slower."""
        return _unpickle, (type(self), self.__dict__, self.__pydantic_fields_set__)


def _unpickle(cls: type[Strict], fields: dict[str, Any], fields_set: set[str]) -> Strict:
    """A model as pydantic's __setstate__ restores one, with no validation (it was valid)."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


# ── Plans, portals, project ────────────────────────────────────────────────────────────────


class Plan(Strict):
    id: Id = Field(description="Stable id used in guides, e.g. 'business'.")
    name: Label = Field(description="Display name readers see, e.g. 'Business'.")
    names: Names


class Locale(Strict):
    """A language of the help centre."""

    id: LocaleId = Field(description="Language code, e.g. 'de' (the German pages' path).")
    name: Label = Field(description="The language's own name, as the language switch shows "
                        "it, e.g. 'Deutsch'.")


class SignIn(Strict):
    """How `guidegen login <portal> --unattended` signs in with nobody at the browser (the
    nightly): the account comes from environment variables, named here, never written here."""

    page: Id = Field(description="The page in steps/pages/ with the sign-in form's controls: "
                     "`user`, `password` and `code` (fields), `next`, `sign-in` and `verify` "
                     "(buttons; `next` only when the password has a page of its own), `error` "
                     "(what shows a refusal) and `stay-signed-in` (a last question, if any).")
    user: Name = Field(description="Environment variable holding the user name.")
    password: Name = Field(description="Environment variable holding the password.")
    totp_seed: Name | None = Field(None, description="Environment variable holding the base32 "
                                   "seed of the account's authenticator (TOTP) for MFA.")


class Portal(Strict):
    id: Id = Field(description="Id used by steps, e.g. 'azure'.")
    name: Label = Field(description="Display name, e.g. 'Azure portal'.")
    url: str | None = Field(None, description="Base URL of the real site (the `live` target).")
    outage: list[Annotated[str, StringConstraints(min_length=1, max_length=300)]] = Field(
        default_factory=list,
        description="Regular expressions for what the portal shows when it, or a service it "
        "calls, is failing (e.g. 'HTTP/5\\d\\d'): a step that fails while its page shows one "
        "is an error, never drift.")
    sign_in: SignIn | None = Field(None, description="How to sign in without a person "
                                   "(`guidegen login --unattended`).")

    @field_validator("url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        # As --portal-url: a live run signs in there and types the guides' secrets into it.
        if url is not None and (not url.startswith(("http://", "https://")) or
                                not url.split("://", 1)[1].split("/", 1)[0]):
            raise ValueError(f"'{url}' is not an http:// or https:// address: a live run "
                             "signs in there and types the guides' secrets into its pages")
        return url

    @model_validator(mode="after")
    def _patterns(self) -> Portal:
        for pattern in self.outage:
            try:
                re.compile(pattern)
            except re.error as err:
                raise ValueError(f"outage: '{pattern}' is not a regular expression ({err})") from None
        return self


class Project(Strict):
    """`steps/project.yml`: what every guide shares."""

    schema_version: Literal[1] = Field(1, description="Format version of the step files.")
    locales: list[Locale] = Field(
        default_factory=lambda: [Locale(id="en", name="English")], min_length=1,
        description="The site's languages. The first is the one guides are written in; each "
        "other is a translation, in steps/translations/<locale>/<guide>.yml.")
    plans: list[Plan] = Field(min_length=1, description="Every plan, in display order.")
    portals: list[Portal] = Field(min_length=1, description="The portals guides drive.")
    variables: dict[Name, str] = Field(
        default_factory=dict, description="Names usable as {{ name }} in any guide's text."
    )


# ── Locators: how an action or a screenshot names a control ────────────────────────────────


class Locator(Strict):
    """A control, by role and accessible name, by label, by visible text or by region; or a
    control declared once on its page in `steps/pages/`."""

    control: ControlRef | None = Field(
        None, description="A control declared in steps/pages/<page>.yml, as '<page>.<control>'.")
    role: AriaRole | None = Field(None, description="ARIA role, e.g. 'button'.")
    name: Label | None = Field(None, description="Accessible name, with `role`.")
    label: Label | None = Field(None, description="Text of the field's <label>.")
    text: Label | None = Field(None, description="Visible text of the element.")
    region: Label | None = Field(None, description="Shorthand for role: region with this name.")
    # Exact by default: a label the portal rewords ("Test Connection" -> "Test connection")
    # must fail the step, not pass as a substring or a case-insensitive match.
    exact: bool = Field(True, description="The accessible name, label or text must equal the "
                        "portal's (case and words count; whitespace is normalised). false "
                        "only for a name that carries data, such as a table row's.")
    within: Locator | None = Field(None, description="Look only inside this element.")
    names: Names

    @model_validator(mode="after")
    def _one_way(self, info: ValidationInfo) -> Locator:
        if self.control is not None:
            if not _resolved(info):
                _control_alone(self, ("role", "name", "label", "text", "region", "exact", "within",
                                      "names"))
            return self
        ways = [w for w in ("role", "label", "text", "region") if getattr(self, w) is not None]
        if len(ways) != 1:
            found = ", ".join(ways) if ways else "none"
            raise ValueError(
                f"name the control in exactly one way: role (with name), label, text or region "
                f"(found: {found})"
            )
        if self.name is not None and self.role is None:
            raise ValueError("'name' goes with 'role'")
        _names_translate(self)
        return self

    def describe(self) -> str:
        if not (self.role or self.label or self.text or self.region):
            return f"control '{self.control}'"  # not filled in from its page (yet)
        if self.role:
            text = f"{self.role} '{self.name}'" if self.name else self.role
        elif self.label:
            text = f"field labelled '{self.label}'"
        elif self.region:
            text = f"region '{self.region}'"
        else:
            text = f"text '{self.text}'"
        return f"{text} in {self.within.describe()}" if self.within else text

    def ui_labels(self, locale: str | None = None) -> list[str]:
        """The UI strings this locator names (for binding bold text to actions), in `locale`
        (None: the source language); a name without a translation stays as written."""
        return [name for loc in self.chain() if (name := loc.name_in(locale))]

    def chain(self) -> list[Locator]:
        """This locator and those it is `within`, innermost first."""
        return [self, *(self.within.chain() if self.within else [])]

    def name_in(self, locale: str | None) -> str | None:
        """The name, label, text or region this locator finds by, in `locale`."""
        key = _named_by(self)
        own = getattr(self, key) if key else None
        return self.names.get(locale, own) if locale and own else own

    def in_locale(self, locale: str) -> Locator:
        """The locator a run in `locale` uses: each name replaced by its translation, the
        English kept where there is none."""
        return in_locale(self, locale)


# ── Actions ─────────────────────────────────────────────────────────────────────────────────


def _named_by(obj: Locator | Expectation) -> str | None:
    """The field `names` translates. An expectation's `text` is what it expects to see,
    never how it finds the control."""
    keys = _EXPECTATION_NAMES if isinstance(obj, Expectation) else _LOCATOR_NAMES
    for key in keys:  # a loop, not next() over a generator: asked for every label checked
        if getattr(obj, key) is not None:
            return key
    return None


_LOCATOR_NAMES = ("name", "label", "text", "region")
_EXPECTATION_NAMES = ("name", "label", "region")


def _names_translate(obj: Locator | Expectation) -> None:
    if obj.names and _named_by(obj) is None:
        raise ValueError("'names' translates the name, label, text or region; this has none")


def in_locale(obj: Any, locale: str) -> Any:
    """`obj` (an action, a list of them, a screenshot, a locator...) as a run in `locale`
    performs it: every name, option and expected text replaced by its translation, the
    source's kept where there is none."""
    if isinstance(obj, list):
        return [in_locale(x, locale) for x in obj]
    if not isinstance(obj, BaseModel):
        return obj
    update = {name: new for name, value in obj.__dict__.items()
              if isinstance(value, (BaseModel, list))
              and (new := in_locale(value, locale)) is not value}
    if isinstance(obj, (Locator, Expectation)) and locale in obj.names:
        update[_named_by(obj)] = obj.names[locale]
    if isinstance(obj, SelectTarget) and locale in obj.options:
        update["option"] = obj.options[locale]
    if isinstance(obj, Expectation) and locale in obj.texts:
        update["text"] = obj.texts[locale]
    return obj.model_copy(update=update) if update else obj


class FillTarget(Locator):
    value: str | None = Field(None, description="Text to type; may use {{ name }}.")
    secret: Name | None = Field(None, description="Name of a secret; its value never is in YAML.")

    @model_validator(mode="after")
    def _value_or_secret(self) -> FillTarget:
        if (self.value is None) == (self.secret is None):
            raise ValueError("give exactly one of 'value' or 'secret'")
        return self


class SelectTarget(Locator):
    option: Label = Field(description="The option to choose, by its visible label.")
    options: dict[LocaleId, Label] = Field(
        default_factory=dict, description="The option's label in other languages, by locale "
        "(e.g. `{de: Automatisch}`); a language without one chooses `option`.")


class CheckTarget(Locator):
    checked: bool = Field(True, description="false to clear the box.")


class Expectation(Strict):
    """Something that must be true on the page; without a control, the text must show."""

    control: ControlRef | None = Field(
        None, description="A control declared in steps/pages/<page>.yml, as '<page>.<control>'.")
    role: AriaRole | None = None
    name: Label | None = None
    label: Label | None = None
    region: Label | None = None
    exact: bool = True
    within: Locator | None = None
    text: Label | None = Field(
        None, description="Text that must be shown (inside the control, if one is named)."
    )
    value: str | None = Field(None, description="The field's current value.")
    visible: bool | None = Field(None, description="Whether the control is visible.")
    checked: bool | None = Field(None, description="Whether the box or radio is checked.")
    names: Names
    texts: dict[LocaleId, Label] = Field(
        default_factory=dict, description="The expected `text` in other languages, by locale "
        "(e.g. `{de: Erfolgreich}`); a language without one expects `text`.")

    @model_validator(mode="after")
    def _something_to_check(self, info: ValidationInfo) -> Expectation:
        if self.control is not None and not _resolved(info):
            _control_alone(self, ("role", "name", "label", "region", "exact", "within", "names"))
        if self.control is None:
            _names_translate(self)
        if self.texts and self.text is None:
            raise ValueError("'texts' translates 'text', which this has not")
        if self.target() is None and self.text is None:
            raise ValueError("expect needs a 'text', or a control (role, label or region) to check")
        if self.target() is None and any(x is not None for x in (self.value, self.checked)):
            raise ValueError("'value' and 'checked' need a control (role, label or region)")
        return self

    def target(self) -> Locator | None:
        if self.role is None and self.label is None and self.region is None:
            if self.control is None:
                return None
        # Built without validation: a filled-in control keeps its reference beside its fields.
        return Locator.model_construct(
            control=self.control, role=self.role, name=self.name, label=self.label,
            text=None, region=self.region, exact=self.exact, within=self.within,
            names=self.names)

    def in_locale(self, locale: str) -> Expectation:
        """The expectation a run in `locale` checks: names and expected text translated."""
        return in_locale(self, locale)


class WaitFor(Expectation):
    timeout: float = Field(30, gt=0, le=300, description="Seconds before giving up.")


class RememberTarget(Locator):
    as_: Name = Field(alias="as", description="Name later actions use as {{ name }} or secret.")
    secret: bool = Field(False, description="Never show, log or store the value.")


class GoTo(Strict):
    goto: str = Field(min_length=1, description="Path under the portal's base URL, from '/' "
                      "(it may use {{ name }}).")
    portal: Id | None = Field(None, description="Portal whose base URL the path is under.")

    @field_validator("goto")
    @classmethod
    def _on_the_portal(cls, goto: str) -> str:
        # A step file may come from a pull request: a full URL would take the verifying
        # browser to another host (with what the run remembered in the address) or to a
        # local file (file:///..., the saved sign-ins), into screenshots and the report.
        if not goto.startswith("/") or goto.startswith("//"):
            raise ValueError(f"'{goto}' must be a path starting with one '/': a step goes "
                             "only to pages of its portal, never to another host or a local "
                             "file")
        return goto


class Click(Strict):
    click: Locator


class Fill(Strict):
    fill: FillTarget


class Select(Strict):
    select: SelectTarget


class Check(Strict):
    check: CheckTarget


class Expect(Strict):
    expect: Expectation


class Wait(Strict):
    wait: WaitFor


class Remember(Strict):
    remember: RememberTarget


HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


class HttpRequest(Strict):
    """A request to a portal's API, as set-up does what no reader needs to see (a user
    assigned, a record created through SCIM). Only under the portal's own base URL, so a
    secret it sends never leaves for another host."""

    portal: Id = Field(description="Portal whose base URL the path is under.")
    method: HttpMethod = "GET"
    path: str = Field(min_length=1, max_length=2000,
                      description="Path under the portal's base URL, from '/', or a URL the run "
                      "remembered from the portal (e.g. '{{ scim_url }}/Users'), whose path is "
                      "then sent to the portal's own address.")
    json_: Any = Field(None, alias="json", description="JSON body; its strings may use {{ name }}.")
    bearer: Name | None = Field(None, description="Name of a secret (declared under 'secrets' or "
                                "remembered as one) sent as 'Authorization: Bearer <value>'.")
    status: list[Annotated[int, Field(ge=100, le=599)]] = Field(
        default_factory=lambda: [200, 201, 204],
        description="The answers that mean it worked (default: 200, 201, 204).")

    @model_validator(mode="after")
    def _own_host(self) -> HttpRequest:
        if not self.path.startswith(("/", "{{")) or self.path.startswith("//"):
            raise ValueError(f"path '{self.path}' must start with one '/' (or a remembered URL "
                             "of the portal's): a request never goes to another host, so a "
                             "secret it sends stays with the portal")
        return self


class Http(Strict):
    http: HttpRequest


ACTIONS: dict[str, type[Strict]] = {
    "goto": GoTo, "click": Click, "fill": Fill, "select": Select, "check": Check,
    "expect": Expect, "wait": Wait, "remember": Remember, "http": Http,
}
_KINDS = {cls: kind for kind, cls in ACTIONS.items()}  # exact types: no isinstance chain


def _action_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        kinds = [k for k in value if k in ACTIONS]
        return TAG + kinds[0] if len(kinds) == 1 else None
    for kind, cls in ACTIONS.items():
        if isinstance(value, cls):
            return TAG + kind
    return None


Action = Annotated[
    Annotated[GoTo, Tag(TAG + "goto")] | Annotated[Click, Tag(TAG + "click")]
    | Annotated[Fill, Tag(TAG + "fill")] | Annotated[Select, Tag(TAG + "select")]
    | Annotated[Check, Tag(TAG + "check")] | Annotated[Expect, Tag(TAG + "expect")]
    | Annotated[Wait, Tag(TAG + "wait")] | Annotated[Remember, Tag(TAG + "remember")]
    | Annotated[Http, Tag(TAG + "http")],
    Discriminator(_action_kind, custom_error_type="unknown_action",
                  custom_error_message="unknown action"),
]


def action_kind(action: Strict) -> str:
    kind = _KINDS.get(type(action))
    return kind if kind is not None else next(
        k for k, cls in ACTIONS.items() if isinstance(action, cls))


def action_target(action: Strict) -> Any:
    return getattr(action, action_kind(action))


# ── Screenshots ─────────────────────────────────────────────────────────────────────────────


class Padding(Strict):
    top: int = Field(0, ge=0, le=400)
    right: int = Field(0, ge=0, le=400)
    bottom: int = Field(0, ge=0, le=400)
    left: int = Field(0, ge=0, le=400)


class Highlight(Locator):
    callout: int | str | None = Field(None, description="Number or short text drawn beside it.")
    arrow: bool = Field(False, description="Draw an arrow pointing at it.")


def _by_type(scalar_tag: str, other_tag: str):
    def pick(value: Any) -> str:
        return TAG + (scalar_tag if isinstance(value, (str, int, float)) else other_tag)
    return Discriminator(pick)


class Screenshot(Strict):
    name: Id = Field(description="File name under screenshots/ (without .png); unique.")
    portal: Id | None = Field(None, description="Defaults to the step's portal.")
    of: Annotated[
        Annotated[Literal["viewport", "page"], Tag(TAG + "whole")]
        | Annotated[Locator, Tag(TAG + "element")],
        _by_type("whole", "element"),
    ] = Field("viewport", description="The element or region to crop to, or viewport/page.")
    padding: Annotated[
        Annotated[int, Tag(TAG + "all")] | Annotated[Padding, Tag(TAG + "sides")],
        _by_type("all", "sides"),
    ] = Field(8, description="Pixels around the element: one number or per side.")
    highlight: list[Highlight] = Field(default_factory=list)
    mask: list[Locator] = Field(default_factory=list, description="Fields never to show.")
    alt: Text = Field(description="What the image shows, for readers who cannot see it.")
    caption: str | None = None
    after_action: int | None = Field(
        None, ge=0, description="Take the shot after this many of the step's actions (default: all)."
    )
    threshold: float | None = Field(None, ge=0, le=1, description="Visual diff threshold.")


# ── Steps, sections, guides ─────────────────────────────────────────────────────────────────


class Variant(Strict):
    plans: list[Id] = Field(description="The plans this text is for.")
    text: Text


class Admonition(Strict):
    kind: Literal["note", "tip", "info", "warning", "danger"] = "note"
    title: str | None = None
    text: Text


class StepBody(Strict):
    """What a step says and does; shared by guide steps and reusable steps."""

    title: str | None = None
    text: Text = Field(description="Markdown; **bold** quotes UI labels; {{ name }} variables.")
    plans: list[Id] | None = Field(None, description="Only when narrower than the guide's.")
    variants: list[Variant] = Field(default_factory=list, description="Text per plan.")
    note: str | None = None
    tip: str | None = None
    warning: str | None = None
    admonitions: list[Admonition] = Field(default_factory=list)
    optional: bool = Field(False, description="Shown as optional to readers.")
    portal: Id | None = Field(None, description="Portal the actions run in (default: previous).")
    screenshot: Screenshot | None = None
    actions: list[Action] = Field(default_factory=list, description="Perform and check the step.")
    verify: Literal["auto", "manual"] = Field(
        "auto", description="'manual': the simulators cannot perform this step, so verify "
        "does not (it neither passes nor fails); readers see it as checked by hand.")
    manual_reason: str | None = Field(
        None, min_length=1, max_length=500,
        description="Why the step is checked by hand (required with verify: manual).")

    @model_validator(mode="after")
    def _manual_says_why(self) -> StepBody:
        if self.verify == "manual" and not self.manual_reason:
            raise ValueError("'verify: manual' needs a 'manual_reason': why the simulators "
                             "cannot perform the step (writers see it beside the step)")
        if self.verify != "manual" and self.manual_reason:
            raise ValueError("'manual_reason' goes with 'verify: manual'")
        return self


class Step(StepBody):
    id: Id = Field(description="Stable id; never reuse it for a different step.")


class Use(Strict):
    """Include a reusable step: `use: open-app` with parameters under `with`."""

    use: Id
    id: Id | None = Field(None, description="Id in this guide (default: the reusable's id).")
    with_: dict[Name, str | int | float | bool] = Field(default_factory=dict, alias="with")
    plans: list[Id] | None = None


StepItem = Annotated[
    Annotated[Step, Tag(TAG + "step")] | Annotated[Use, Tag(TAG + "use")],
    Discriminator(lambda v: TAG + ("use" if (isinstance(v, dict) and "use" in v)
                                   or isinstance(v, Use) else "step")),
]


class Section(Strict):
    title: Label
    id: Id | None = None
    text: str | None = Field(None, description="Markdown shown before the steps.")
    plans: list[Id] | None = None
    steps: list[StepItem] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list, description="Sub-sections.")

    @model_validator(mode="after")
    def _not_empty(self) -> Section:
        if not self.steps and not self.sections:
            raise ValueError("a section needs 'steps' or 'sections'")
        return self


class Guide(Strict):
    """One guide: a page of the help site and a sequence the verify run performs."""

    id: Id
    title: Label
    summary: Text
    plans: Annotated[
        Annotated[Literal["all"], Tag(TAG + "all")] | Annotated[list[Id], Tag(TAG + "some")],
        Discriminator(lambda v: TAG + ("all" if isinstance(v, str) else "some")),
    ] = Field(description="'all', or the ids of the plans this guide applies to.")
    portals: list[Id] = Field(min_length=1, description="The portals the guide drives, in order.")
    order: int = Field(100, description="Position in the navigation (lower first).")
    requires: list[Id] = Field(
        default_factory=list,
        description="Guides whose steps the verify run performs first, to reach this guide's "
        "starting point (e.g. provisioning already set up).",
    )
    variables: dict[Name, str] = Field(default_factory=dict)
    secrets: dict[Name, str] = Field(
        default_factory=dict,
        description="Secrets by name with a description; values come from the environment.",
    )
    intro: str | None = None
    sections: list[Section] = Field(min_length=1)
    outro: str | None = None
    setup: list[Step] = Field(
        default_factory=list,
        description="Steps the verify run performs before the guide's steps (after the guides "
        "it requires) to reach its starting point, through the UI or an API (`http`); readers "
        "never see them.",
    )
    outcome: list[Step] = Field(
        default_factory=list,
        description="Steps the verify run performs after the guide to check its result (a user "
        "provisioned, say); readers never see them.",
    )


class ReusableStep(StepBody):
    id: Id
    params: dict[Name, str] = Field(
        default_factory=dict, description="Parameter names (with a description) used as {{ name }}."
    )


class ReusableFile(Strict):
    """`steps/reusable/*.yml`: steps included by several guides."""

    steps: list[ReusableStep] = Field(min_length=1)


# ── Pages: each portal area's controls, named once ──────────────────────────────────────────


class PageControl(Locator):
    """A control of a page, as `steps/pages/<page>.yml` declares it."""

    secret: bool = Field(False, description="The control shows or takes a secret (a token, a "
                         "password): whatever it holds is never stored, logged, shown in a "
                         "screenshot or kept in a trace, from the moment any page shows it.")


class PageFile(Strict):
    """`steps/pages/<page>.yml`: the controls of one area of a portal, each named once by role
    and accessible name. Steps use them as `control: <page>.<control>`, so a control the portal
    renames is one edit here, however many steps use it."""

    portal: Id = Field(description="The portal this area belongs to.")
    title: Label = Field(description="What area of the portal this is, for writers.")
    path: str | None = Field(None, description="Where the area is, relative to the portal "
                             "(for writers; steps still say `goto`).")
    controls: dict[Id, PageControl] = Field(
        min_length=1, description="Control name -> how to find it: role and name, label, text "
        "or region (with `within:` to narrow).")


# ── Translations: a guide's text in another language ───────────────────────────────────────

SourceHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]
_SOURCE = ("The English this was translated from, as a hash of its text (written by `guidegen "
           "translations stamp`): when the English changes, the translation is stale and the "
           "site shows the English until it is updated and stamped again.")


class TranslatedAdmonition(Strict):
    title: str | None = None
    text: Text


class TranslatedScreenshot(Strict):
    alt: Text | None = None
    caption: str | None = None


class TranslatedStep(Strict):
    """A step's text in another language; what it does comes from the English step."""

    source: SourceHash | None = Field(None, description=_SOURCE)
    title: str | None = None
    text: Text | None = None
    variants: list[Text] = Field(default_factory=list,
                                 description="Each variant's text, in the English order.")
    note: str | None = None
    tip: str | None = None
    warning: str | None = None
    admonitions: list[TranslatedAdmonition] = Field(
        default_factory=list, description="Each admonition's title and text, in the English order.")
    screenshot: TranslatedScreenshot | None = None


class TranslatedSection(Strict):
    source: SourceHash | None = Field(None, description=_SOURCE)
    title: Label | None = None
    text: str | None = None


class GuideTranslation(Strict):
    """`steps/translations/<locale>/<guide>.yml`: one guide's text in one language, keyed by
    the English guide's section and step ids. Text only: actions, plans and screenshots come
    from the English guide, so a translation cannot drift from what is verified."""

    source: SourceHash | None = Field(None, description=_SOURCE + " (The guide's title, "
                                      "summary, intro and outro.)")
    title: Label | None = None
    summary: Text | None = None
    intro: str | None = None
    outro: str | None = None
    sections: dict[Id, TranslatedSection] = Field(default_factory=dict)
    steps: dict[Id, TranslatedStep] = Field(default_factory=dict)
