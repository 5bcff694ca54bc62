"""A synthetic guidegen project for the benchmark: the real content around generated guides.

The project is the repository's own `steps/project.yml`, `steps/reusable/`, `templates/`,
`screenshots/`, `docs/` (without the generated `docs/guides/`) and `mkdocs.yml`, plus
generated guide files. The guides use what writers use: nested sections, guides and sections
for a subset of plans, narrower steps, text variants, admonitions, screenshot declarations,
several actions per step, secrets and remembered values, and `use:` of reusable steps.

Step text is written from the step's actions, as a writer describes what the reader does:
each UI label it quotes in bold is one an action or a highlight names (which `guidegen check`
requires). A fixed seed makes the corpus the same on every run, so two runs compare the
engine, not the input.
"""

from __future__ import annotations

import random
import shutil
import textwrap
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
SEED = 20240611
PLANS = ("free", "plus", "business", "enterprise")  # as in steps/project.yml

# UI vocabulary of an admin portal. No fill label looks like a secret field, or the loader
# would (rightly) reject the literal value typed into it.
NAV = ["Organization settings", "Members", "Security", "Provisioning", "Integrations",
       "Workspaces", "Audit log", "Billing", "Single sign-on", "Enterprise applications",
       "Users and groups", "App registrations", "Notifications", "Roles", "Domains"]
BUTTONS = ["Save", "Apply", "Add member", "Invite", "Test Connection", "Continue", "Create",
           "Confirm", "Export", "Add rule", "Verify domain", "Assign", "Done"]
FIELDS = ["Display name", "Notification Email", "Tenant URL", "Domain name", "Group name",
          "Redirect URL", "Workspace name", "Reply URL"]
OPTIONS = {"Default role": ["Member", "Admin", "Guest"], "Scope": ["All users", "Assigned users"],
           "Region": ["EU", "US"]}
SWITCHES = ["Enabled", "Require two-factor authentication", "Send weekly digest",
            "Allow guests", "Enforce single sign-on"]
HEADINGS = ["Provisioning", "Members", "Security", "Attribute Mapping", "Overview"]
CODES = ["scim", "members", "https://example.com/sso", "zenkit-prod", "eu-west"]

# Prose around the actions: explanations, with no bold (bold is for UI labels only).
PROSE = [
    "The change takes effect within a few minutes; members who are signed in see it the next "
    "time they reload the page.",
    "{{ directory }} checks the connection before it saves anything, so nothing changes if the "
    "test fails.",
    "Leave the other settings as they are unless your IT team has asked for something else.",
    "If a button is greyed out, check that your account has the Owner role in {{ product }}.",
    "You can come back to this page at any time to review or undo the setting.",
    "In the {{ azure_ad }} admin centre, only global administrators see these settings.",
    "Values are case-sensitive, so copy them rather than typing them by hand.",
    "{{ product }} keeps a record of the change in your organization's activity history.",
]
CHECKLIST = ["Before you go on, make sure that:",
             "you are an administrator of the {{ product }} organization",
             "nobody else is changing these settings at the same time",
             "you have a second browser tab open on {{ directory }}"]
STEP_TITLES = ["Opening the settings", "Connecting the directory", "Reviewing the result",
               "Choosing who gets access", "Confirming the change"]
SECTION_TITLES = ["Setting up", "Reviewing", "Connecting", "Securing", "Finishing"]


def wrap(text: str) -> str:
    """Wrapped at 90 columns, as writers wrap Markdown in YAML, never inside a {{ variable }}."""
    glued = text.replace("{{ ", "{{\0").replace(" }}", "\0}}")
    return textwrap.fill(glued, 90, break_long_words=False,
                         break_on_hyphens=False).replace("\0", " ")


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line text as `|` blocks, as writers do, so parsing cost is realistic."""


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_presenter)


class GuideMaker:
    """One guide's data; tracks ids, portals and remembered values so the guide is valid."""

    def __init__(self, rng: random.Random, index: int, steps: int) -> None:
        self.rng, self.index, self.total_steps = rng, index, steps
        self.id = f"bench-guide-{index:03d}"
        self.portals = rng.choice([["zenkit", "azure"]] * 7 + [["zenkit"]] * 2 + [["azure"]])
        self.plans: str | list[str] = (
            "all" if rng.random() < 0.6 else list(PLANS[rng.choice([1, 2, 2, 3]):]))
        self.made = 0
        self.remembered: list[str] = []
        self.secrets: dict[str, str] = {}
        self.uses_azure_reusable = False

    # text ----------------------------------------------------------------------------------

    def prose(self, low: int = 1, high: int = 2) -> str:
        return wrap(" ".join(self.rng.sample(PROSE, self.rng.randint(low, high))))

    # plans ---------------------------------------------------------------------------------

    def guide_plan_ids(self) -> list[str]:
        return list(PLANS) if self.plans == "all" else list(self.plans)

    def narrower(self, plans: list[str]) -> list[str]:
        """A strict, non-empty subset, in registry order."""
        keep = set(self.rng.sample(plans, self.rng.randint(1, len(plans) - 1)))
        return [p for p in plans if p in keep]

    # actions, each with the sentence that tells the reader to do it --------------------------

    def action(self, portal: str) -> tuple[dict[str, Any], str]:
        r = self.rng
        kind = r.choices(["click", "fill", "select", "check", "expect", "wait", "goto"],
                         weights=[10, 4, 2, 2, 4, 1, 1])[0]
        if kind == "click":
            role = r.choice(["button", "link", "tab", "menuitem"])
            name = r.choice(BUTTONS) if role == "button" else r.choice(NAV)
            target: dict[str, Any] = {"role": role, "name": name}
            if r.random() < 0.2:
                target["within"] = {"region": r.choice(NAV)}
                return {"click": target}, f"In **{target['within']['region']}**, click **{name}**."
            return {"click": target}, (f"Click **{name}**." if role == "button"
                                       else f"Select **{name}** in the menu.")
        if kind == "fill":
            label = r.choice(FIELDS)
            if self.remembered and r.random() < 0.3:
                value = "{{ " + r.choice(self.remembered) + " }}"
                return ({"fill": {"label": label, "value": value}},
                        f"Paste the value you noted earlier into **{label}**.")
            value = r.choice([*CODES, "{{ product }}"])
            return {"fill": {"label": label, "value": value}}, f"Enter `{value}` in **{label}**."
        if kind == "select":
            label = r.choice(list(OPTIONS))
            option = r.choice(OPTIONS[label])
            return ({"select": {"label": label, "option": option}},
                    f'Under **{label}**, choose "{option}".')
        if kind == "check":
            name, on = r.choice(SWITCHES), r.random() < 0.85
            return ({"check": {"role": r.choice(["checkbox", "switch"]), "name": name, "checked": on}},
                    f"{'Turn on' if on else 'Turn off'} **{name}**.")
        if kind == "expect":
            heading, field = r.choice(HEADINGS), r.choice(FIELDS)
            return r.choice([
                ({"expect": {"role": "heading", "name": heading}}, f"The **{heading}** page opens."),
                ({"expect": {"text": "Your changes have been saved"}},
                 '{{ product }} confirms with "Your changes have been saved".'),
                ({"expect": {"label": field, "visible": True}}, f"The **{field}** field appears."),
            ])
        if kind == "wait":
            return ({"wait": {"text": "Connection successful", "timeout": 60}},
                    'Wait until the page says "Connection successful"; this can take a minute.')
        name = "the Azure portal" if portal == "azure" else "your {{ product }} settings"
        return {"goto": r.choice(["/settings", "/settings/members", "/"]), "portal": portal}, \
            f"Open {name}."

    def actions(self, portal: str) -> list[tuple[dict[str, Any], str]]:
        count = self.rng.choices([0, 1, 2, 3, 4, 6], weights=[2, 3, 5, 5, 3, 1])[0]
        out = [self.action(portal) for _ in range(count)]
        if self.rng.random() < 0.08:
            name, label = f"value_{len(self.remembered)}", self.rng.choice(FIELDS)
            out.append(({"remember": {"label": label, "as": name}},
                        f"Note the **{label}**: a later step needs it."))
            self.remembered.append(name)
        if portal == "zenkit" and self.rng.random() < 0.05:
            self.secrets["scim_token"] = "The Bearer Token from Zenkit's SCIM settings"
            out.append(({"fill": {"label": "Bearer Token", "secret": "scim_token"}},
                        "Paste the token into **Bearer Token**."))
        return out

    def screenshot(self, step_id: str, actions: int) -> dict[str, Any]:
        r = self.rng
        shot: dict[str, Any] = {
            "name": f"{step_id}-shot",
            "of": r.choice([{"region": r.choice(NAV)}, {"role": "dialog", "name": r.choice(NAV)},
                            {"role": "main"}, "viewport"]),
            "alt": f"The {r.choice(NAV)} page of {{{{ product }}}} with the {r.choice(FIELDS)} field "
                   f"and the {r.choice(BUTTONS)} button.",
        }
        if r.random() < 0.3:
            shot["padding"] = r.choice([16, {"top": 8, "bottom": 24}])
        if r.random() < 0.7:
            shot["highlight"] = [{"label": f} for f in r.sample(FIELDS, r.randint(1, 3))]
        if r.random() < 0.2:
            shot["mask"] = [{"label": r.choice(FIELDS)}]
        if actions and r.random() < 0.3:
            shot["after_action"] = r.randint(1, actions)
        if r.random() < 0.15:
            shot["caption"] = "The settings after the change."
        return shot

    # steps, sections, guide ----------------------------------------------------------------

    def text(self, sentences: list[str]) -> str:
        """The actions' sentences with some prose around them; now and then a checklist."""
        r = self.rng
        parts = list(sentences)
        if r.random() < 0.6 or not parts:
            parts.insert(r.randint(0, len(parts)), self.prose(1, 2))
        paragraphs = [wrap(" ".join(parts))]
        if r.random() < 0.2:
            paragraphs.append(self.prose(1, 2))
        if r.random() < 0.1:
            paragraphs.append(CHECKLIST[0] + "\n\n" + "\n".join(f"- {i}" for i in CHECKLIST[1:]))
        return "\n\n".join(paragraphs) + "\n"

    def step(self, plans: list[str]) -> dict[str, Any]:
        self.made += 1
        r, n = self.rng, self.made
        use = self.use(n)
        if use:
            return use
        portal = r.choice(self.portals)
        step: dict[str, Any] = {"id": f"step-{n:02d}"}
        if r.random() < 0.3:
            step["title"] = r.choice(STEP_TITLES)
        if len(self.portals) > 1:
            step["portal"] = portal
        pairs = self.actions(portal)
        step["text"] = self.text([sentence for _, sentence in pairs])
        step_plans = plans
        if len(plans) > 1 and r.random() < 0.15:
            step_plans = step["plans"] = self.narrower(plans)
        if len(step_plans) > 1 and r.random() < 0.12:
            step["variants"] = [{"plans": self.narrower(step_plans), "text": self.prose()}]
        if r.random() < 0.2:
            step[r.choice(["note", "tip", "warning"])] = self.prose()
        if r.random() < 0.08:
            step["admonitions"] = [{"kind": r.choice(["info", "danger", "note"]),
                                    "title": "Before you continue", "text": self.prose()}]
        if r.random() < 0.05:
            step["optional"] = True
        if pairs:
            step["actions"] = [action for action, _ in pairs]
        if r.random() < 0.35:
            step["screenshot"] = self.screenshot(step["id"], len(pairs))
        return step

    def use(self, n: int) -> dict[str, Any] | None:
        """About one step in ten includes a reusable step, as the seed guide does."""
        r = self.rng
        if r.random() >= 0.1:
            return None
        if "azure" in self.portals and not self.uses_azure_reusable and r.random() < 0.5:
            # The repository's reusable step declares a screenshot, so once per guide.
            self.uses_azure_reusable = True
            return {"use": "open-app-provisioning", "id": f"step-{n:02d}",
                    "with": {"app": f"{{{{ product }}}} {self.index}"}}
        if "zenkit" not in self.portals:
            return None
        if r.random() < 0.5:
            return {"use": "bench-open-settings", "id": f"step-{n:02d}", "with": {"area": r.choice(NAV)}}
        return {"use": "bench-invite-member", "id": f"step-{n:02d}",
                "with": {"role_name": r.choice(OPTIONS["Default role"]), "email": "ada@example.com"}}

    def section(self, number: int, steps: int, plans: list[str], depth: int = 0) -> dict[str, Any]:
        r = self.rng
        sec: dict[str, Any] = {"id": f"section-{number}-{depth}",
                               "title": f"{r.choice(SECTION_TITLES)} {r.choice(NAV).lower()}"}
        if len(plans) > 1 and r.random() < 0.15:
            plans = sec["plans"] = self.narrower(plans)
        if r.random() < 0.4:
            sec["text"] = self.prose() + "\n"
        if depth == 0 and steps >= 4 and r.random() < 0.25:
            own = steps // 2
            sec["steps"] = [self.step(plans) for _ in range(own)]
            sec["sections"] = [self.section(number * 10 + 1, steps - own, plans, depth + 1)]
        else:
            sec["steps"] = [self.step(plans) for _ in range(steps)]
        return sec

    def guide(self) -> dict[str, Any]:
        r = self.rng
        area = r.choice(NAV)
        data: dict[str, Any] = {
            "id": self.id,
            "title": f"{area} with {r.choice(['Azure AD', 'SCIM', 'SAML', 'groups'])} ({self.index})",
            "summary": f"Set up {area.lower()} for your organization. {r.choice(PROSE)}",
            "plans": self.plans,
            "portals": self.portals,
            "order": 100 + self.index,
        }
        if r.random() < 0.5:
            data["intro"] = self.prose(2, 3) + "\n"
        counts = _split(r, self.total_steps, r.randint(2, 5))
        data["sections"] = [self.section(i, c, self.guide_plan_ids()) for i, c in enumerate(counts)]
        if r.random() < 0.5:
            data["outro"] = self.prose() + "\n"
        if self.secrets:
            # Known only once the steps exist; placed where a writer puts it, near the top.
            head = {k: data.pop(k) for k in ("id", "title", "summary", "plans", "portals")}
            data = {**head, "secrets": self.secrets, **data}
        return data


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` steps over `parts` sections, each with at least one step."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


REUSABLE = {
    "steps": [
        {"id": "bench-open-settings", "params": {"area": "The settings page to open"},
         "title": "Opening the settings", "portal": "zenkit",
         "text": "In {{ product }}, open your organization settings and select **{{ area }}**.\n",
         "actions": [{"goto": "/settings", "portal": "zenkit"},
                     {"click": {"role": "link", "name": "{{ area }}"}},
                     {"expect": {"role": "heading", "name": "{{ area }}"}}]},
        {"id": "bench-invite-member", "params": {"role_name": "Role", "email": "Address"},
         "portal": "zenkit",
         "text": "Click **Invite**, enter the address in **Email** and choose the {{ role_name }}\n"
                 "role under **Role**, then click **Send invitation**.\n",
         "tip": "Invitations expire after seven days; you can send one again from the members list.",
         "actions": [{"click": {"role": "button", "name": "Invite"}},
                     {"fill": {"label": "Email", "value": "{{ email }}"}},
                     {"select": {"label": "Role", "option": "{{ role_name }}"}},
                     {"click": {"role": "button", "name": "Send invitation"}}]},
    ],
}


def _dump(data: dict[str, Any], schema: str) -> str:
    head = f"# yaml-language-server: $schema={schema}\n# Generated by bench/corpus.py.\n"
    # Flow style for leaf mappings (`click: {role: button, name: Save}`), as in steps/.
    return head + yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, width=100,
                            allow_unicode=True, default_flow_style=None)


def copy_content(dest: Path) -> None:
    """The repository's real content, so the benchmark builds the theme, CSS and JS users get."""
    for name in ("templates", "screenshots"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copytree(REPO / "docs", dest / "docs", ignore=shutil.ignore_patterns("guides"))
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "steps").mkdir()
    shutil.copy2(REPO / "steps/project.yml", dest / "steps/project.yml")
    shutil.copytree(REPO / "steps/reusable", dest / "steps/reusable")
    shutil.copytree(REPO / "steps/pages", dest / "steps/pages")  # the reusable steps' controls


def make_project(dest: Path, guides: int, steps: int, seed: int = SEED) -> Path:
    """Write a fresh project into `dest` (emptied first) and return it."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    copy_content(dest)
    (dest / "steps/reusable/bench.yml").write_text(
        _dump(REUSABLE, "../schema/reusable.schema.json"), encoding="utf-8")
    rng = random.Random(seed)
    for index in range(guides):
        maker = GuideMaker(rng, index, steps)
        (dest / "steps" / f"{maker.id}.yml").write_text(
            _dump(maker.guide(), "schema/guide.schema.json"), encoding="utf-8")
    return dest
