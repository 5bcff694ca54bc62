"""The Azure portal / Microsoft Entra admin center simulator."""
