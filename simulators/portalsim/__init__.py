"""Simulators of the Azure portal's provisioning blade and Zenkit's organization settings.

The default verification target of guidegen: both run in-process on loopback ports, and
Azure's Test Connection and provisioning speak real SCIM 2.0 to Zenkit's endpoint.
"""

import warnings

# pysaml2 (the SAML sign-in) reaches for a cipher mode cryptography has moved; the warning is
# theirs to fix, and would otherwise be a line of every command's output.
warnings.filterwarnings("ignore", message=r"CFB has been moved")
# The module that warns, imported now, under the filter: pysaml2's client and server are
# imported at the first sign-in (portalsim.saml), where a test runner that resets the filters
# for each test (pytest does) would show the warning.
import saml2.cryptography.symmetric  # noqa: E402, F401

from portalsim.faults import Fault, FaultSpecError  # noqa: E402
from portalsim.server import Simulators, main, start_simulators  # noqa: E402

__all__ = ["Fault", "FaultSpecError", "Simulators", "main", "start_simulators"]
