"""Simulators of the Azure portal's provisioning blade and Zenkit's organization settings.

The default verification target of guidegen: both run in-process on loopback ports, and
Azure's Test Connection and provisioning speak real SCIM 2.0 to Zenkit's endpoint.
"""

from portalsim.faults import Fault, FaultSpecError
from portalsim.server import Simulators, main, start_simulators

__all__ = ["Fault", "FaultSpecError", "Simulators", "main", "start_simulators"]
