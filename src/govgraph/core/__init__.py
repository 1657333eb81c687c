"""Foundation: settings, errors and value rules every layer may use."""
