"""Geography: ONS boundaries, British National Grid projection, postcode geocoding."""
