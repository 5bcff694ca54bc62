"""The Zenkit organization settings simulator and its SCIM 2.0 endpoint."""
