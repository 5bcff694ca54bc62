"""What each simulator can do, for writers: the areas of each portal, what a step can do
there and the labels it shows. Printed by `python -m portalsim --list` (`guidegen sim --list`)
and rendered into project-docs/simulators.md, which a unit test holds to this list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    simulator: str  # "azure" or "zenkit"
    name: str
    path: str  # where it lives in the simulator
    actions: tuple[str, ...]  # what a step can do there
    labels: tuple[str, ...]  # controls and texts it shows, exactly (2020 UI unless said)
    limits: str = ""  # what it cannot do, or does differently from the real portal


AREAS: tuple[Area, ...] = (
    Area("azure", "Sign-in", "/_sim/login",
         ("sign in with user name, password, code, Stay signed in? (with --require-sign-in)",),
         ("Next", "Sign in", "Verify", "Yes", "No")),
    Area("zenkit", "Log-in", "/_sim/login", ("log in (with --require-sign-in)",), ("Log in", "Verify")),
    Area("azure", "Portal settings: Language + region", "/settings/language",
         ("choose the portal's language (English, Deutsch); it wins over the browser's",),
         ("Portal settings", "Language + region", "Language", "Apply language"),
         "reached by its address: the top bar's settings gear is not simulated; labels invented"),
    Area("zenkit", "Profile", "/profile",
         ("choose the interface language (English, Deutsch); it wins over the browser's",),
         ("Profile", "Language", "Save"), "reached by its address; labels invented"),
    Area("azure", "Directory users", "/directory/users",
         ("create a user", "open a user's profile", "select rows and delete users (Yes/No)"),
         ("+ New user", "Refresh", "Delete", "Select row", "Yes", "No", "User principal name",
          "Display name", "Mail", "Create"),
         "deleted users disappear from every list (no Deleted users page, no restore); the 30 "
         "days before a deleted user is deleted for good pass at POST /_sim/purge-deleted"),
    Area("azure", "A user's profile", "/directory/users/<object id>",
         ("edit properties (display name, job title, department, manager by user principal name)",
          "block sign-in: Block sign in Yes/No (2020), Account enabled checkbox (2023, new-config)"),
         ("Edit properties", "Save", "Cancel", "Block sign in", "Account enabled", "Manager")),
    Area("azure", "Directory groups", "/directory/groups", ("list groups (Marketing, Retail)",),
         (), "groups cannot be created or edited"),
    Area("azure", "Enterprise application Zenkit: Users and groups",
         "/enterprise-apps/zenkit/users-and-groups",
         ("assign users and groups", "select rows", "remove assignments (Yes/No)",
          "edit an assignment's role (one role: User)"),
         ("+ Add user/group", "Assign", "Edit assignment", "Remove (Remove assignment on 2023, new-config)",
          "Select row", "Yes", "No")),
    Area("azure", "Provisioning settings", "/enterprise-apps/zenkit/provisioning",
         ("Get started (or + New configuration)", "set the mode, Tenant URL and Secret Token",
          "Test Connection (real SCIM requests to the Tenant URL)", "save, discard",
          "notification email, accidental deletion, scope", "Provisioning Status On/Off"),
         ("Get started", "Provisioning Mode", "Tenant URL", "Secret Token", "Test Connection", "Save",
          "Discard", "Mappings", "Notification Email", "Scope", "Sync only assigned users and groups",
          "Sync all users and groups", "Provisioning Status", "On", "Off")),
    Area("azure", "Provisioning cycles", "/enterprise-apps/zenkit/provisioning",
         ("turning the status On (and Save), Start provisioning: run a cycle at once",
          "Restart provisioning: clear the cycle state and run an initial cycle at once",
          "Stop provisioning", "read the Current cycle status"),
         ("Start provisioning", "Stop provisioning", "Restart provisioning", "Current cycle status",
          "Initial cycle completed", "Incremental cycle completed", "View provisioning logs"),
         "no cycle runs on a timer: where the portal waits about 40 minutes, a guide clicks "
         "Restart provisioning (or Provision on demand for one user); an incremental cycle treats "
         "every user in scope as changed"),
    Area("azure", "Attribute mappings", "/enterprise-apps/zenkit/provisioning/mappings/users",
         ("edit, add and delete attribute mappings", "matching precedence", "save with Yes"),
         ("Provision Azure Active Directory Users", "Provision Azure Active Directory Groups",
          "Mapping type", "Source attribute", "Target attribute",
          "Match objects using this attribute", "Matching precedence", "OK", "Add New Mapping",
          "Show advanced options", "Save", "Discard")),
    Area("azure", "Provision on demand", "/enterprise-apps/zenkit/provision-on-demand",
         ("provision one user now, whatever the scope",
          "an unassigned user the app provisioned is disabled, as Microsoft documents"),
         ("Provision on demand", "Provision")),
    Area("azure", "Enterprise application Zenkit: Single sign-on",
         "/enterprise-apps/zenkit/single-sign-on",
         ("choose SAML (Password-based, Linked, Disabled are listed, not simulated)",
          "edit and save Basic SAML Configuration (Identifier, Reply URL)",
          "download the certificate (Base64, Raw) and Federation Metadata XML",
          "read Login URL and the identifier under Set up Zenkit",
          "sign in an assigned user through SAML (a real pysaml2 identity provider)"),
         ("Single sign-on", "SAML", "Set up Single Sign-On with SAML", "Basic SAML Configuration",
          "Identifier (Entity ID)", "Reply URL (Assertion Consumer Service URL)", "Edit", "Save",
          "SAML Certificates", "App Federation Metadata Url", "Login URL",
          "Azure AD Identifier"),
         "no Test button (card 5 is text); users have no passwords, the account name signs in; "
         "Microsoft Entra Identifier on the 2023 and new-config UIs"),
    Area("azure", "Provisioning logs", "/directory/provisioning-logs",
         ("read one row per cycle and identity", "open a row's details (its date is the link)"),
         ("Date", "Identity", "Action", "Source System", "Target System", "Status",
          "Create", "Update", "Delete", "Disable", "Other", "Success", "Failure", "Skipped",
          "Warning",
          "Provisioning log details", "Steps", "Troubleshooting and recommendations",
          "Error code", "Reason"),
         "an initial cycle logs every user out of scope and never provisioned as Skipped "
         "(NotEffectivelyEntitled); Delete: a user deleted for good (POST /_sim/purge-deleted) "
         "that the app provisioned gets a SCIM DELETE (Skipped when Delete is not a target object "
         "action); Warning (invented code ReferenceAttributeNotResolved): a user written without "
         "its manager, who is not provisioned yet"),
    Area("zenkit", "Provisioning settings", "/settings/provisioning",
         ("switch SCIM on", "read the Base URL and Bearer Token", "regenerate the token"),
         ("Provisioning", "Manual provisioning", "Provisioning through SCIM", "Enabled", "Base URL",
          "Bearer Token", "Regenerate token"),
         "SCIM only on Business and Enterprise (--zenkit-plan, --sim-scim-plans)"),
    Area("zenkit", "Users", "/settings/users",
         ("see each member's status: Active, Provisioned (created by SCIM), Invited, Deactivated "
          "(SCIM active: false)", "invite a member by e-mail"),
         ("Name", "Email", "Role", "Status", "Active", "Provisioned", "Deactivated", "Invited",
          "Invite member", "Email address", "Send invitation"),
         "members cannot be edited here; 'Deactivated', 'Invited' and the invitation form's "
         "labels are invented; no e-mail is sent and an invitee never joins, but SCIM creating "
         "the invited address makes them one Provisioned member; a SCIM DELETE removes the member; "
         "the owner, Megan Bowen, is a directory user too: provisioned, she stays one member, "
         "the owner"),
    Area("zenkit", "Authentication (single sign-on)", "/settings/authentication",
         ("copy Zenkit's Entity ID and Reply URL (ACS)",
          "import an identity provider's metadata URL (the simulators' own only), or fill in "
          "Sign-in URL, Identity provider ID and Certificate (Base64), and save",
          "test sign-in through the identity provider (a real pysaml2 service provider)"),
         ("Authentication", "Entity ID", "Reply URL (ACS)", "Metadata URL", "Import",
          "Sign-in URL", "Identity provider ID", "Certificate (Base64)", "Save",
          "Test sign-in"),
         "Business and Enterprise only; labels invented (no public source)"),
    Area("zenkit", "Groups", "/settings/groups", ("see the groups SCIM created",), ()),
    Area("zenkit", "SCIM 2.0 API", "/scim/<organization>/v2",
         ("Users and Groups: create, read, filter, PATCH (active: false deactivates), PUT, DELETE",),
         (), "bearer token of the organization; 401 when SCIM is off or the plan lacks it"),
)


# The languages both simulators serve (portalsim.i18n), and how a page picks one.
LANGUAGES = ("English (en, the source) and German (de), every page of both simulators: the "
             "portal's language setting if one was chosen, else the browser's Accept-Language, "
             "else English; German labels are Zenkit's where portals.md gives them, the others "
             "invented (simulators/portalsim/locales/*.de.po marks each); the SCIM API and /_sim "
             "answers have no language")


def listing() -> str:
    """The plain-text list `--list` prints."""
    lines = [f"languages: {LANGUAGES}"]
    for area in AREAS:
        lines.append(f"{area.simulator}: {area.name} ({area.path})")
        lines += [f"  can: {action}" for action in area.actions]
        if area.labels:
            lines.append(f"  labels: {', '.join(area.labels)}")
        if area.limits:
            lines.append(f"  limits: {area.limits}")
    return "\n".join(lines)


def markdown() -> str:
    """The table of project-docs/simulators.md, between its capabilities markers."""
    rows = ["| simulator | area | what a step can do | labels it shows | limits |",
            "|---|---|---|---|---|"]
    for area in AREAS:
        labels = ", ".join(f"`{label}`" for label in area.labels)
        rows.append(f"| {area.simulator} | {area.name} (`{area.path}`) | {'; '.join(area.actions)} "
                    f"| {labels} | {area.limits} |")
    return "\n".join(rows)
